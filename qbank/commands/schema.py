"""``qbank schema``: the JSON Schema of a bank's front matter, for editor completion."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from qbank.atomic import write_atomic

if TYPE_CHECKING:  # command modules are all imported at start-up; what one run needs loads in it
    pass


SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("schema", help="print the JSON Schema of the front matter",
                            description="Print the JSON Schema of a bank's YAML front matter (for editors "
                                        "such as VS Code's YAML extension).")
    parser.add_argument("-o", "--output", metavar="FILE", help="write it to FILE instead of printing it")
    parser.set_defaults(run=run)


def frontmatter_schema() -> dict[str, Any]:
    from qbank.readers.markdown.frontmatter import FrontMatter

    schema = FrontMatter.model_json_schema()
    for key in ("subjects", "tags"):
        # The reader also takes a comma-separated string here (FrontMatter._split).
        field = schema["properties"][key]
        field["anyOf"] = [{"items": field.pop("items"), "type": field.pop("type")},
                          {"type": "string", "description": "comma-separated"}]
    return {"$schema": SCHEMA_DIALECT, **schema}


def schema_text() -> str:
    return json.dumps(frontmatter_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def run(args: argparse.Namespace) -> int:
    text = schema_text()
    if args.output:
        write_atomic(args.output, text.encode("utf-8"))
    else:
        print(text, end="")
    return 0

"""``qbank targets``: the installed targets, what each holds, and its options."""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # command modules are all imported at start-up; what one run needs loads in it
    pass


def add_parser(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    parser = sub.add_parser("targets", help="list the installed export targets",
                            description="List every installed target (qbank's own and plugins'): what it "
                                        "writes, which question types it holds, its -O options and its own "
                                        "diagnostic codes.")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from qbank import registry
    from qbank.models import QUESTION_TYPES

    rows: list[dict[str, Any]] = []
    broken: list[str] = []
    for name in registry.available_targets():
        try:
            cls = registry.load_target(name)
        except registry.LoadError as exc:
            broken.append(str(exc))
            continue
        rows.append({
            "name": name,
            "description": cls.description,
            "output": cls.suffix,
            "types": [t for t in QUESTION_TYPES if t in cls.supported_types],
            "not_supported": [t for t in QUESTION_TYPES if t not in cls.supported_types],
            "options": [{"name": o.name, "default": o.default, "choices": o.choices, "help": o.help}
                        for o in cls.options],
            "codes": {code: {"severity": info.severity, "summary": info.summary} for code, info in cls.codes.items()},
        })
    for message in broken:
        print(f"qbank: warning: {message}", file=sys.stderr)
    if args.format == "json":
        print(json.dumps(rows, indent=2))
        return 0
    for row in rows:
        print(f"{row['name']:<12} {row['description']}  (writes *{row['output']})")
        print(f"{'':<12} holds: {', '.join(row['types'])}")
        if row["not_supported"]:
            print(f"{'':<12} cannot hold: {', '.join(row['not_supported'])}")
        for opt in row["options"]:
            choices = f" ({'|'.join(opt['choices'])})" if opt["choices"] else ""
            print(f"{'':<12} -O {opt['name']}=...{choices}: {opt['help']} [default: {opt['default']}]")
        for code, info in row["codes"].items():
            print(f"{'':<12} {code} ({info['severity']}): {info['summary']}")
    return 0

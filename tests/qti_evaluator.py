"""A small QTI response-processing evaluator (QTI 2.1 and 3.0), for the tests.

It reads an item's XML — declarations, ``responseProcessing`` (the standard ``match_correct``
and ``map_response`` templates, or explicit rules) and ``modalFeedback`` — and computes the
outcomes for a candidate's responses, the way a QTI player would. It knows nothing about
qbank's models: a test gives it the exported bytes and the responses a candidate would enter.

QTI 3.0 documents are first renamed to QTI 2.1 spelling (``qti-map-entry`` → ``mapEntry``,
``map-key`` → ``mapKey``), so one evaluator serves both versions. Values: NULL is ``None``;
single values are ``str`` (identifier, string), ``float``/``int`` or a ``(source, target)``
tuple (directedPair); containers are :class:`Multiple` / :class:`Ordered` tuples.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from lxml import etree

MATHML_NS = "http://www.w3.org/1998/Math/MathML"
# The standard response-processing templates, by the URIs QTI 2.1 and QTI 3.0 publish them under.
TEMPLATES = {
    "http://www.imsglobal.org/question/qti_v2p1/rptemplates/match_correct": "match_correct",
    "http://www.imsglobal.org/question/qti_v2p1/rptemplates/map_response": "map_response",
    "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/match_correct.xml": "match_correct",
    "https://purl.imsglobal.org/spec/qti/v3p0/rptemplates/map_response.xml": "map_response",
}


class Multiple(tuple[Any, ...]):
    """A multiple-cardinality value (a bag)."""


class Ordered(tuple[Any, ...]):
    """An ordered-cardinality value."""


def _camel(kebab: str) -> str:
    head, *rest = kebab.split("-")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


def normalize(root: etree._Element) -> etree._Element:
    """Strip the QTI namespace and spell every QTI 3.0 name in QTI 2.1 camelCase (in place)."""
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue
        name = etree.QName(element)
        if name.namespace == MATHML_NS:
            continue
        local = name.localname
        if local.startswith("qti-"):
            local = _camel(local[4:])
            for attr in list(element.attrib):
                if "-" in attr and not attr.startswith("{") and not attr.startswith("data-"):
                    element.set(_camel(attr), element.attrib.pop(attr))
        element.tag = local
    return root


@dataclass
class Declaration:
    identifier: str
    cardinality: str
    base_type: str | None
    default: Any = None
    correct: Any = None
    mapping: dict[str, Any] | None = None  # attributes and entries of <mapping>


@dataclass
class Item:
    responses: dict[str, Declaration]
    outcomes: dict[str, Declaration]
    processing: etree._Element | None
    template: str | None
    modal_feedback: list[tuple[str, str, str]] = field(default_factory=list)  # (outcome, identifier, showHide)
    root: etree._Element | None = None


def parse_value(text: str, base_type: str | None) -> Any:
    text = text.strip()
    if base_type == "float":
        return float(text)
    if base_type == "integer":
        return int(text)
    if base_type in ("directedPair", "pair"):
        source, target = text.split()
        return (source, target)
    if base_type == "boolean":
        return text == "true"
    return text


def _container(cardinality: str, values: list[Any]) -> Any:
    if not values:
        return None
    if cardinality == "single":
        return values[0]
    return Ordered(values) if cardinality == "ordered" else Multiple(values)


def _declaration(element: etree._Element) -> Declaration:
    decl = Declaration(element.get("identifier", ""), element.get("cardinality", "single"), element.get("baseType"))

    def values(tag: str) -> Any:
        holder = element.find(tag)
        if holder is None:
            return None
        found = [parse_value(v.text or "", decl.base_type) for v in holder.findall("value")]
        return _container(decl.cardinality, found)

    decl.default = values("defaultValue")
    decl.correct = values("correctResponse")
    mapping = element.find("mapping")
    if mapping is not None:
        decl.mapping = {
            "lower": float(mapping.get("lowerBound")) if mapping.get("lowerBound") is not None else None,
            "upper": float(mapping.get("upperBound")) if mapping.get("upperBound") is not None else None,
            "default": float(mapping.get("defaultValue", "0")),
            "entries": [(parse_value(e.get("mapKey", ""), decl.base_type), float(e.get("mappedValue", "0")),
                         e.get("caseSensitive", "true") == "true") for e in mapping.findall("mapEntry")],
        }
    return decl


def load_item(data: bytes) -> Item:
    root = normalize(etree.fromstring(data, etree.XMLParser(no_network=True, resolve_entities=False)))
    processing = root.find("responseProcessing")
    template = processing.get("template") if processing is not None else None
    return Item(
        responses={d.identifier: d for d in map(_declaration, root.findall("responseDeclaration"))},
        outcomes={d.identifier: d for d in map(_declaration, root.findall("outcomeDeclaration"))},
        processing=processing if processing is not None and len(processing) else None,
        template=template if processing is not None and not len(processing) else None,
        modal_feedback=[(m.get("outcomeIdentifier", ""), m.get("identifier", ""), m.get("showHide", "show"))
                        for m in root.findall("modalFeedback")],
        root=root,
    )


class Session:
    """One attempt: responses in, outcomes out."""

    def __init__(self, item: Item, responses: dict[str, Any]) -> None:
        self.item = item
        self.values: dict[str, Any] = {}
        for identifier, decl in item.responses.items():
            self.values[identifier] = self._coerce(decl, responses.get(identifier))
        for identifier, decl in item.outcomes.items():
            numeric = decl.base_type in ("float", "integer") and decl.cardinality == "single"
            self.values[identifier] = decl.default if decl.default is not None else (0.0 if numeric else None)

    @staticmethod
    def _coerce(decl: Declaration, given: Any) -> Any:
        if given is None or given == "" or given == []:
            return None
        raw = list(given) if isinstance(given, (list, tuple)) and decl.cardinality != "single" else [given]
        try:
            parsed = [parse_value(v, decl.base_type) if isinstance(v, str) else v for v in raw]
        except ValueError:
            return None  # not a number where one is expected: a player records no response
        return _container(decl.cardinality, parsed)

    # --- rules ----------------------------------------------------------------------------

    def run(self) -> dict[str, Any]:
        if self.item.template is not None:
            self._template(self.item.template)
        elif self.item.processing is not None:
            self._rules(list(self.item.processing))
        return {k: v for k, v in self.values.items() if k in self.item.outcomes}

    def _template(self, uri: str) -> None:
        name = TEMPLATES.get(uri)
        response = self.values.get("RESPONSE")
        if name == "match_correct":
            matched = self._match(response, self.item.responses["RESPONSE"].correct)
            self.values["SCORE"] = 1.0 if matched else 0.0
        elif name == "map_response":
            self.values["SCORE"] = 0.0 if response is None else self._map("RESPONSE")
        else:
            raise NotImplementedError(f"template {uri}")

    def _rules(self, rules: list[etree._Element]) -> None:
        for rule in rules:
            if not isinstance(rule.tag, str):
                continue
            if rule.tag == "setOutcomeValue":
                value = self.expr(rule[0])
                decl = self.item.outcomes[rule.get("identifier", "")]
                if decl.base_type == "float" and isinstance(value, int | float) and not isinstance(value, bool):
                    value = float(value)
                self.values[decl.identifier] = value
            elif rule.tag == "responseCondition":
                for branch in rule:
                    if branch.tag == "responseElse" or self.expr(branch[0]) is True:
                        self._rules(list(branch) if branch.tag == "responseElse" else list(branch)[1:])
                        break
            else:
                raise NotImplementedError(f"rule {rule.tag}")

    # --- expressions ----------------------------------------------------------------------

    def expr(self, node: etree._Element) -> Any:
        method = getattr(self, f"_x_{node.tag}", None)
        if method is None:
            raise NotImplementedError(f"expression {node.tag}")
        return method(node)

    def _args(self, node: etree._Element) -> list[Any]:
        return [self.expr(child) for child in node if isinstance(child.tag, str)]

    def _x_baseValue(self, node: etree._Element) -> Any:
        return parse_value(node.text or "", node.get("baseType"))

    def _x_variable(self, node: etree._Element) -> Any:
        return self.values.get(node.get("identifier", ""))

    def _x_correct(self, node: etree._Element) -> Any:
        return self.item.responses[node.get("identifier", "")].correct

    def _x_isNull(self, node: etree._Element) -> bool:
        return self._args(node)[0] is None

    def _x_not(self, node: etree._Element) -> Any:
        value = self._args(node)[0]
        return None if value is None else not value

    def _x_and(self, node: etree._Element) -> Any:
        values = self._args(node)
        if any(v is False for v in values):
            return False
        return None if any(v is None for v in values) else True

    def _x_or(self, node: etree._Element) -> Any:
        values = self._args(node)
        if any(v is True for v in values):
            return True
        return None if any(v is None for v in values) else False

    def _compare(self, node: etree._Element, op: Any) -> Any:
        a, b = self._args(node)
        return None if a is None or b is None else op(float(a), float(b))

    def _x_gte(self, node: etree._Element) -> Any:
        return self._compare(node, lambda a, b: a >= b)

    def _x_lte(self, node: etree._Element) -> Any:
        return self._compare(node, lambda a, b: a <= b)

    def _x_gt(self, node: etree._Element) -> Any:
        return self._compare(node, lambda a, b: a > b)

    def _x_lt(self, node: etree._Element) -> Any:
        return self._compare(node, lambda a, b: a < b)

    def _x_equal(self, node: etree._Element) -> Any:
        a, b = self._args(node)
        if a is None or b is None:
            return None
        mode = node.get("toleranceMode", "exact")
        if mode == "exact":
            return float(a) == float(b)
        tolerances = [float(t) for t in node.get("tolerance", "0").split()]
        low_t, high_t = tolerances[0], tolerances[-1]
        if mode == "absolute":
            low, high = float(b) - low_t, float(b) + high_t
        else:
            low, high = float(b) * (1 - low_t / 100), float(b) * (1 + high_t / 100)
        include_low = node.get("includeLowerBound", "true") == "true"
        include_high = node.get("includeUpperBound", "true") == "true"
        return (low <= float(a) if include_low else low < float(a)) and (
            float(a) <= high if include_high else float(a) < high)

    def _x_sum(self, node: etree._Element) -> Any:
        values = self._args(node)
        return None if any(v is None for v in values) else float(sum(float(v) for v in values))

    def _x_multiple(self, node: etree._Element) -> Any:
        found: list[Any] = []
        for value in self._args(node):
            if value is None:
                continue
            found.extend(value if isinstance(value, Multiple | Ordered) else [value])
        return Multiple(found) if found else None

    def _x_match(self, node: etree._Element) -> Any:
        a, b = self._args(node)
        return None if a is None or b is None else self._match(a, b)

    def _x_stringMatch(self, node: etree._Element) -> Any:
        a, b = self._args(node)
        if a is None or b is None:
            return None
        if node.get("caseSensitive", "true") == "true":
            return a == b
        return str(a).casefold() == str(b).casefold()

    def _x_mapResponse(self, node: etree._Element) -> Any:
        return self._map(node.get("identifier", ""))

    def _x_member(self, node: etree._Element) -> Any:
        value, container = self._args(node)
        return None if value is None or container is None else value in container

    def _x_contains(self, node: etree._Element) -> Any:
        a, b = self._args(node)
        if a is None or b is None:
            return None
        return not (Counter(b) - Counter(a))

    # --- helpers --------------------------------------------------------------------------

    @staticmethod
    def _match(a: Any, b: Any) -> bool:
        if a is None or b is None:
            return False
        if isinstance(a, Ordered) or isinstance(b, Ordered):
            return tuple(a) == tuple(b)
        if isinstance(a, Multiple) or isinstance(b, Multiple):
            return Counter(a) == Counter(b)
        return bool(a == b)

    def _map(self, identifier: str) -> float:
        decl = self.item.responses[identifier]
        mapping = decl.mapping
        if mapping is None:
            raise ValueError(f"{identifier} has no mapping")
        value = self.values.get(identifier)
        keys = [] if value is None else list(dict.fromkeys(value if isinstance(value, Multiple | Ordered) else [value]))
        total = 0.0
        for key in keys:
            for entry, mapped, case_sensitive in mapping["entries"]:
                same = (key == entry) if case_sensitive or not isinstance(key, str) else (
                    key.casefold() == str(entry).casefold())
                if same:
                    total += mapped
                    break
            else:
                total += mapping["default"]
        if mapping["lower"] is not None:
            total = max(total, mapping["lower"])
        if mapping["upper"] is not None:
            total = min(total, mapping["upper"])
        return total


def evaluate(data: bytes | Item, responses: dict[str, Any]) -> dict[str, Any]:
    """The item's outcome values after response processing of ``responses``."""
    item = data if isinstance(data, Item) else load_item(data)
    return Session(item, responses).run()


def shown_feedback(item: Item, outcomes: dict[str, Any]) -> list[str]:
    """Identifiers of the modal feedback a player shows for these outcomes."""
    shown: list[str] = []
    for outcome, identifier, show_hide in item.modal_feedback:
        value = outcomes.get(outcome)
        present = value is not None and (identifier in value if isinstance(value, Multiple | Ordered)
                                         else value == identifier)
        if present == (show_hide == "show"):
            shown.append(identifier)
    return shown

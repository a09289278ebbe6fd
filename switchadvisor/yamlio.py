"""The only module that imports yaml.

A document is read event by event from the (C, when available) safe parser and composed into
a node tree by our own loop, then turned into plain data by our own constructor. Both are
bounded and explicit, because rule bases may come from someone else:

- only plain JSON-like data: strings, integers, floats, booleans, null, lists and mappings.
  Every other tag (``!!binary``, ``!!set``, ``!!python/…``, ``!custom``, merge keys ``<<``)
  is an error. Date-like scalars stay strings, so the schema decides (``reviewed:`` is read
  as a date by the model, and ``2026-02-30`` is a positioned problem, not a crash);
- duplicate keys are errors (never a silent last-wins);
- aliases are capped in number, and the document in size (nodes, counting every alias as
  its expansion) and depth, so an alias bomb stops before it grows;
- integers are bounded in digits; strings may not hold control characters (C0/C1 other than
  tab and newline, and the bidirectional overrides), which could drive a terminal.

The node tree is kept, so problems point at a line and column.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml

_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)

Node = yaml.Node

MAX_NODES = 50_000
"""Nodes in one document, each alias counted as the size of what it refers to (the
largest shipped file holds about 2,200)."""
MAX_ALIASES = 100
"""Alias uses (``*name``) in one document."""
MAX_DEPTH = 50
"""Nesting of lists and mappings."""
MAX_INT_DIGITS = 18
"""Digits in an integer: rule bases hold years, sizes and counts, never bignums."""
MAX_PROBLEMS_PER_DOCUMENT = 20

_TAG = "tag:yaml.org,2002:"
_PLAIN_TAGS = {f"{_TAG}{name}" for name in ("str", "int", "float", "bool", "null")}
_STR, _INT, _FLOAT, _BOOL, _NULL = (f"{_TAG}{name}" for name in
                                    ("str", "int", "float", "bool", "null"))
_SEQ, _MAP, _TIMESTAMP = f"{_TAG}seq", f"{_TAG}map", f"{_TAG}timestamp"

CONTROL_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)
"""C0 and C1 controls except tab and newline, DEL, and the bidirectional overrides."""


@dataclass(frozen=True)
class YamlProblem:
    """One problem in a document, with a 1-based position and a short code."""

    line: int
    column: int
    code: str
    message: str


@dataclass
class YamlSyntaxError(Exception):
    """A document that is not plain, bounded YAML: every problem found (at least one)."""

    problems: list[YamlProblem] = field(default_factory=list)
    size: int = 0
    """Values read before giving up (counts against a rule base's total)."""

    def __post_init__(self) -> None:
        super().__init__(self.message)

    @property
    def line(self) -> int:
        return self.problems[0].line

    @property
    def column(self) -> int:
        return self.problems[0].column

    @property
    def message(self) -> str:
        return self.problems[0].message if self.problems else "invalid YAML"

    @property
    def code(self) -> str:
        return self.problems[0].code


@dataclass(frozen=True)
class Document:
    """Loaded data plus its node tree (None for an empty document)."""

    data: Any
    node: yaml.Node | None
    size: int = 0
    """Values in the document, each alias counted as what it repeats."""


def excerpt(value: object, limit: int = 60) -> str:
    """A short, printable quotation of a value: never its whole expansion."""
    if isinstance(value, str):
        text = value
    elif isinstance(value, (dict, list, tuple, set)):
        text = f"a {type(value).__name__}"
        return text
    else:
        text = str(value)[: limit * 2]
    shortened = text if len(text) <= limit else text[: limit - 1] + "…"
    return repr(shortened)


def _position(mark: Any) -> tuple[int, int]:
    return (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)


class _Abort(Exception):
    """Stop reading a document: a bound was reached or a fatal problem found."""


class _Reader:
    def __init__(self, text: str, max_nodes: int = MAX_NODES,
                 too_many: str | None = None) -> None:
        self.max_nodes = max_nodes
        self.too_many = too_many or (f"the file expands to more than {max_nodes:,} values "
                                     "(aliases count as what they repeat)")
        self.loader = _Loader(text)
        self.problems: list[YamlProblem] = []
        self.nodes = 0
        self.aliases = 0

    def problem(self, mark: Any, code: str, message: str, *, fatal: bool = False) -> None:
        line, column = _position(mark)
        self.problems.append(YamlProblem(line, column, code, message))
        if fatal or len(self.problems) >= MAX_PROBLEMS_PER_DOCUMENT:
            raise _Abort

    # -------------------------------------------------------------------- composition

    def compose(self) -> yaml.Node | None:
        """Build the node tree of the single document from parser events, iteratively.

        Written as one flat loop (the hot path of a large file); each frame of the stack is
        [container, anchor, nodes counted before it, pending mapping key, height of its
        tallest child]. Heights are tracked so that an alias cannot nest a structure deeper
        than ``MAX_DEPTH`` by repeating an already deep one.
        """
        loader: Any = self.loader
        loader.get_event()  # StreamStart
        if loader.check_event(yaml.StreamEndEvent):
            return None
        loader.get_event()  # DocumentStart
        anchors: dict[str, tuple[yaml.Node, int, int]] = {}  # node, size, height
        stack: list[list[Any]] = []
        root: yaml.Node | None = None
        get_event = loader.get_event
        resolve = loader.resolve
        resolved: dict[str, str] = {}
        max_nodes = self.max_nodes
        scalar_event, scalar_node = yaml.ScalarEvent, yaml.ScalarNode
        mapping_node = yaml.MappingNode
        starts = {yaml.SequenceStartEvent: yaml.SequenceNode,
                  yaml.MappingStartEvent: yaml.MappingNode}
        ends = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
        while True:
            event: Any = get_event()
            kind = type(event)
            if kind is scalar_event:
                tag = event.tag
                if tag is None or tag == "!":
                    if event.implicit[0]:  # plain: resolved by its text (cached)
                        tag = resolved.get(event.value)
                        if tag is None:
                            tag = resolved[event.value] = resolve(
                                scalar_node, event.value, event.implicit)
                    else:
                        tag = _STR
                node: Any = scalar_node(tag, event.value, event.start_mark, event.end_mark,
                                        style=event.style)
                self.nodes += 1
                if self.nodes > max_nodes:
                    self._too_many(event.start_mark)
                height = 0
                if event.anchor is not None:
                    anchors[event.anchor] = (node, 1, 0)
            elif kind in starts:
                node_class = starts[kind]
                tag = event.tag
                if tag is None or tag == "!":
                    tag = resolve(node_class, None, event.implicit)
                container = node_class(tag, [], event.start_mark, None,
                                       flow_style=event.flow_style)
                self.nodes += 1
                if self.nodes > max_nodes:
                    self._too_many(event.start_mark)
                if len(stack) >= MAX_DEPTH:
                    self.problem(event.start_mark, "yaml-limit",
                                 f"nested more than {MAX_DEPTH} levels deep", fatal=True)
                stack.append([container, event.anchor, self.nodes, None, 0])
                continue
            elif kind in ends:
                node, anchor, counted, _, tallest = stack.pop()
                node.end_mark = event.end_mark
                height = tallest + 1
                if anchor is not None:
                    anchors[anchor] = (node, self.nodes - counted + 1, height)
            elif kind is yaml.AliasEvent:
                target = anchors.get(event.anchor) if event.anchor is not None else None
                if target is None:
                    self.problem(event.start_mark, "yaml-syntax",
                                 f"unknown alias {excerpt(event.anchor)}", fatal=True)
                    return None
                self.aliases += 1
                if self.aliases > MAX_ALIASES:
                    self.problem(event.start_mark, "yaml-limit",
                                 f"more than {MAX_ALIASES} aliases in one file", fatal=True)
                node, size, height = target
                self.nodes += size
                if self.nodes > max_nodes:
                    self._too_many(event.start_mark)
                if len(stack) + height > MAX_DEPTH:
                    self.problem(event.start_mark, "yaml-limit",
                                 f"nested more than {MAX_DEPTH} levels deep (through an alias)",
                                 fatal=True)
            elif kind is yaml.DocumentEndEvent:
                break
            else:  # pragma: no cover - the parser emits nothing else inside a document
                self.problem(event.start_mark, "yaml-syntax", "unexpected YAML event",
                             fatal=True)
            if not stack:
                root = node
                continue
            frame = stack[-1]
            if height > frame[4]:
                frame[4] = height
            parent = frame[0]
            if type(parent) is mapping_node:  # keys and values arrive alternately
                if frame[3] is None:
                    frame[3] = node
                else:
                    parent.value.append((frame[3], node))
                    frame[3] = None
            else:
                parent.value.append(node)
        if not loader.check_event(yaml.StreamEndEvent):
            event = loader.peek_event()
            self.problem(event.start_mark, "yaml-syntax",
                         "expected a single document in the file (found a second '---')",
                         fatal=True)
        return root

    def _too_many(self, mark: Any) -> None:
        self.problem(mark, "yaml-limit", self.too_many, fatal=True)

    # ------------------------------------------------------------------- construction

    def construct(self, node: yaml.Node, depth: int = 0) -> Any:
        if isinstance(node, yaml.ScalarNode):
            return self._scalar(node)
        if isinstance(node, yaml.SequenceNode):
            if node.tag != _SEQ:
                self._bad_tag(node)
            return [self.construct(child, depth + 1) for child in node.value]
        assert isinstance(node, yaml.MappingNode)
        if node.tag != _MAP:
            self._bad_tag(node)
        result: dict[Any, Any] = {}
        first_seen: dict[Any, yaml.Node] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                self.problem(key_node.start_mark, "yaml-key",
                             "a key must be a plain value, not a list or a mapping")
                continue
            if key_node.tag == f"{_TAG}merge":
                self.problem(key_node.start_mark, "unsafe-tag",
                             "merge keys ('<<') are not allowed; write the keys out")
                continue
            key = self._scalar(key_node)
            try:
                hash(key)
            except TypeError:  # pragma: no cover - scalars are hashable
                continue
            if key in first_seen:
                line, _ = _position(first_seen[key].start_mark)
                self.problem(key_node.start_mark, "duplicate-key",
                             f"duplicate key {excerpt(key)} (first given on line {line})")
                continue
            first_seen[key] = key_node
            result[key] = self.construct(value_node, depth + 1)
        return result

    def _bad_tag(self, node: yaml.Node) -> None:
        self.problem(node.start_mark, "unsafe-tag",
                     f"tag {excerpt(str(node.tag).replace(_TAG, '!!'))} is not allowed; "
                     "only plain YAML data "
                     "(strings, numbers, true/false, null, lists, mappings)")

    def _scalar(self, node: yaml.ScalarNode) -> Any:
        tag, value = node.tag, node.value
        if tag == _TIMESTAMP:
            return value  # the schema reads dates it expects; anything else stays text
        if tag not in _PLAIN_TAGS:
            self._bad_tag(node)
            return value
        if tag == _STR:
            bad = CONTROL_CHARACTERS.search(value)
            if bad:
                self.problem(node.start_mark, "control-character",
                             f"text holds the control character U+{ord(bad.group()):04X}; "
                             "control characters are not allowed")
            return value
        if tag == _INT:
            digits = sum(char.isdigit() for char in value)
            if digits > MAX_INT_DIGITS:
                self.problem(node.start_mark, "yaml-limit",
                             f"integer of {digits:,} digits is too large "
                             f"(at most {MAX_INT_DIGITS} digits)")
                return 0
        constructor = yaml.constructor.SafeConstructor
        try:
            if tag == _INT:
                return constructor.construct_yaml_int(self.loader, node)
            if tag == _FLOAT:
                if len(value) > 64:
                    self.problem(node.start_mark, "yaml-limit",
                                 "number too long (at most 64 characters)")
                    return 0.0
                return constructor.construct_yaml_float(self.loader, node)
            if tag == _BOOL:
                return constructor.construct_yaml_bool(self.loader, node)
        except (ValueError, yaml.YAMLError):
            self.problem(node.start_mark, "yaml-syntax", f"not a valid number: {excerpt(value)}")
            return value
        return None  # null


def load_document(text: str, *, max_nodes: int = MAX_NODES,
                  too_many: str | None = None) -> Document:
    """Load one YAML document: plain data only, bounded (see the module docstring).

    Raises ``YamlSyntaxError`` holding every problem found (at most a few per file).
    ``max_nodes`` lowers the value cap (a rule base's remaining budget), ``too_many`` is the
    message when it is reached.
    """
    reader = _Reader(text, max_nodes, too_many)
    data: Any = None
    node: yaml.Node | None = None
    try:
        node = reader.compose()
        if node is not None:
            data = reader.construct(node)
    except _Abort:
        pass
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = _position(mark)
        reader.problems.append(
            YamlProblem(line, column, "yaml-syntax", exc.problem or "invalid YAML"))
    except yaml.YAMLError as exc:
        reader.problems.append(YamlProblem(1, 1, "yaml-syntax", excerpt(str(exc), 200)))
    finally:
        dispose = getattr(reader.loader, "dispose", None)
        if dispose is not None:
            dispose()
    if reader.problems:
        raise YamlSyntaxError(reader.problems, reader.nodes)
    return Document(data, node, reader.nodes)


def locate(node: yaml.Node | None, path: Sequence[str | int]) -> tuple[int, int]:
    """The 1-based line and column of the deepest node reachable along ``path``."""
    if node is None:
        return (1, 1)
    current = node
    for key in path:
        child = _child(current, key)
        if child is None:
            break
        current = child
    mark = current.start_mark
    return (mark.line + 1, mark.column + 1)


def _child(node: yaml.Node, key: str | int) -> yaml.Node | None:
    if isinstance(node, yaml.MappingNode):
        for key_node, value_node in node.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == str(key):
                assert isinstance(value_node, yaml.Node)
                return value_node
        return None
    if isinstance(node, yaml.SequenceNode) and isinstance(key, int):
        return node.value[key] if 0 <= key < len(node.value) else None
    return None


def key_position(node: yaml.Node | None, path: Sequence[str | int], key: str) -> tuple[int, int]:
    """Position of the *key* ``key`` inside the mapping at ``path`` (for unknown keys)."""
    if node is None:
        return (1, 1)
    current: yaml.Node | None = node
    for step in path:
        current = _child(current, step) if current is not None else None
    if isinstance(current, yaml.MappingNode):
        for key_node, _ in current.value:
            if isinstance(key_node, yaml.ScalarNode) and key_node.value == key:
                return (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
    return locate(node, path)


def scalar_start(node: yaml.Node | None, path: Sequence[str | int]) -> tuple[int, int, str | None]:
    """Line, column and style of a scalar: lets condition errors point inside the string."""
    if node is None:
        return (1, 1, None)
    current: yaml.Node | None = node
    for step in path:
        current = _child(current, step) if current is not None else None
        if current is None:
            line, column = locate(node, path)
            return (line, column, None)
    assert current is not None
    mark = current.start_mark
    style = current.style if isinstance(current, yaml.ScalarNode) else None
    return (mark.line + 1, mark.column + 1, style)

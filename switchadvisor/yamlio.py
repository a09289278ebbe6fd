"""The only module that imports yaml.

Documents are loaded with the safe loader (the C one when available): no tag can build a
Python object. Loading composes the node tree first and constructs the data from it, so one
pass gives both the data and the node marks that point problems at a line and column.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import yaml

_Loader: type[yaml.CSafeLoader] | type[yaml.SafeLoader] = getattr(
    yaml, "CSafeLoader", yaml.SafeLoader
)

Node = yaml.Node


@dataclass(frozen=True)
class YamlSyntaxError(Exception):
    """A document that is not valid (safe) YAML, with a 1-based position."""

    line: int
    column: int
    message: str


@dataclass(frozen=True)
class Document:
    """Loaded data plus its node tree (None for an empty document)."""

    data: Any
    node: yaml.Node | None


def load_document(text: str) -> Document:
    """Load one YAML document safely, keeping its nodes for positions."""
    loader = _Loader(text)
    try:
        node: yaml.Node | None = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, column = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        problem = exc.problem or "invalid YAML"
        if isinstance(exc, yaml.constructor.ConstructorError) and "tag" in problem:
            problem = f"{problem}; only plain YAML data is allowed (no language-specific tags)"
        raise YamlSyntaxError(line, column, problem) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(1, 1, str(exc)) from None
    finally:
        loader.dispose()
    return Document(data, node)


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


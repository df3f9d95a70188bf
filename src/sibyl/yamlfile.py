"""Strict YAML reading with line numbers, for files that people write (contracts, scenarios).

Differences from ``yaml.safe_load``, all on purpose:

* numbers with a decimal point become :class:`~decimal.Decimal` exactly as written, never floats;
* dates stay text, so that the schema parses them and reports an impossible date by its key;
* a key written twice in one mapping is an error (plain YAML silently keeps the last one);
* the line of every key and item is remembered, so errors can point at it.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml

from sibyl.errors import Location, SibylInputError

Path_ = tuple[str | int, ...]


class _Loader(yaml.SafeLoader):
    """A SafeLoader that does not resolve timestamps (dates are parsed by the schema)."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


@dataclass
class YamlDocument:
    """The data of a YAML file and the line where each key path starts."""

    data: Any
    lines: dict[Path_, int]
    source: str

    def line_of(self, path: Path_) -> int | None:
        """The line of ``path``, or of its nearest parent that has one."""
        path = tuple(path)
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), None)


def _convert(node: yaml.Node, loader: _Loader, path: Path_, lines: dict[Path_, int], source: str):
    lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        loader.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _convert(key_node, loader, (*path, "<key>"), {}, source)
            if isinstance(key, Decimal):
                key = str(key)
            if key in result:
                raise SibylInputError(
                    f"the key {key!r} is written twice",
                    Location(source, key_node.start_mark.line + 1),
                    "keep one of them",
                )
            lines[(*path, key)] = key_node.start_mark.line + 1
            result[key] = _convert(value_node, loader, (*path, key), lines, source)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [
            _convert(item, loader, (*path, index), lines, source)
            for index, item in enumerate(node.value)
        ]
    if node.tag == "tag:yaml.org,2002:float":
        text = node.value.replace("_", "")
        try:
            return Decimal(text)
        except ArithmeticError:
            return loader.construct_object(node)
    return loader.construct_object(node, deep=True)


def parse_yaml(text: str, source: str) -> YamlDocument:
    """Parse YAML text; ``source`` names it in error messages."""
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = mark.line + 1 if mark is not None else None
        problem = exc.problem or "is not valid YAML"
        raise SibylInputError(
            f"not valid YAML: {problem}",
            Location(source, line),
            "check the indentation and the quotes around that line",
        ) from None
    except yaml.YAMLError as exc:
        raise SibylInputError(f"not valid YAML: {exc}", Location(source)) from None
    finally:
        loader.dispose()
    if node is None:
        raise SibylInputError("the file is empty", Location(source), "write the contract in it")
    lines: dict[Path_, int] = {}
    data = _convert(node, loader, (), lines, source)
    return YamlDocument(data=data, lines=lines, source=source)


def read_yaml(path: str | Path) -> YamlDocument:
    """Read and parse a YAML file (UTF-8)."""
    source = str(path)
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise SibylInputError(
            "no such file", Location(source), "check the path and the file name"
        ) from None
    except IsADirectoryError:
        raise SibylInputError("this is a folder, not a file", Location(source)) from None
    except UnicodeDecodeError:
        raise SibylInputError(
            "the file is not UTF-8 text", Location(source), "save it as UTF-8"
        ) from None
    return parse_yaml(text, source)

"""A read-only view of one synthesized stack (the resolved ``cdk.tf.json``) for rules.

Rules work on Terraform resource types and synthesized attributes, never on construct
classes, so they cover hand-written bindings, prebuilt providers and raw overrides alike.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

_EXPRESSION = re.compile(r"\$\{(.*?)\}(?!\})", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Block:
    """One resource or data source: Terraform type, name, attributes and construct path."""

    type: str
    name: str
    attrs: Mapping[str, Any]
    path: str
    data: bool = False

    @property
    def address(self) -> str:
        """``type.name`` (``data.type.name`` for a data source), as Terraform and checkov name it."""
        return f"{'data.' if self.data else ''}{self.type}.{self.name}"

    def get(self, key: str, default: Any = None) -> Any:
        """An attribute's synthesized value."""
        return self.attrs.get(key, default)


def as_list(value: Any) -> list[Any]:
    """A nested block as a list: cdktf writes single blocks as an object, repeated ones as a list."""
    if value is None:
        return []
    if isinstance(value, list):
        return value
    return [value]


def is_reference(value: Any) -> bool:
    """Whether a string holds a Terraform expression (``${...}``) rather than only literal text."""
    return isinstance(value, str) and "${" in value


def referenced_names(value: Any, resource_type: str, *, data: bool = False) -> set[str]:
    """Names of ``resource_type`` blocks that ``value`` (any JSON value) refers to."""
    prefix = r"(?<![\w.])data\." if data else r"(?<![\w.])"
    pattern = re.compile(rf"{prefix}{re.escape(resource_type)}\.([A-Za-z0-9_-]+)")
    text = value if isinstance(value, str) else json.dumps(value)
    return {name for expression in _EXPRESSION.findall(text) for name in pattern.findall(expression)}


class StackView:
    """Resources, data sources and providers of one stack, by Terraform type."""

    def __init__(self, document: Mapping[str, Any], *, taggable_types: frozenset[str] = frozenset()) -> None:
        self.document = document
        self.taggable_types = taggable_types
        """Resource types whose binding has a ``tags`` argument (found from the construct classes)."""
        self._blocks: dict[tuple[bool, str], list[Block]] = {}
        for data, section in ((False, "resource"), (True, "data")):
            for rtype, blocks in (document.get(section) or {}).items():
                self._blocks[data, rtype] = [
                    Block(rtype, name, attrs, ((attrs.get("//") or {}).get("metadata") or {}).get("path", ""), data) for name, attrs in blocks.items()
                ]

    def resources(self, resource_type: str) -> list[Block]:
        """Every resource of ``resource_type``."""
        return self._blocks.get((False, resource_type), [])

    def data_sources(self, resource_type: str) -> list[Block]:
        """Every data source of ``resource_type``."""
        return self._blocks.get((True, resource_type), [])

    def all_resources(self) -> Iterator[Block]:
        """Every resource (not data source) of the stack."""
        for (data, _), blocks in self._blocks.items():
            if not data:
                yield from blocks

    def find(self, address: str) -> Block | None:
        """The block at ``address`` (``type.name`` or ``data.type.name``)."""
        data = address.startswith("data.")
        rtype, _, name = address.removeprefix("data.").rpartition(".")
        return next((b for b in self._blocks.get((data, rtype), []) if b.name == name), None)

    def providers(self, name: str) -> list[Mapping[str, Any]]:
        """Configurations of provider ``name`` (one per alias)."""
        return as_list((self.document.get("provider") or {}).get(name))

    def targets(self, value: Any, resource_type: str) -> list[Block]:
        """``resource_type`` resources that ``value`` points at, by reference or by literal name."""
        names = referenced_names(value, resource_type)
        found = [b for b in self.resources(resource_type) if b.name in names]
        if not found and isinstance(value, str) and not is_reference(value):
            found = [b for b in self.resources(resource_type) if value in (b.get("bucket"), b.get("name"))]
        return found

"""Helpers the generated bindings share: turning typed Python values into Terraform JSON.

``_synthesize_attributes`` of a generated binding returns a plain ``dict`` keyed by the
provider's exact attribute names. cdktf passes such a dict through unchanged (it only
snake-cases keys, which are snake case already), so nested structs are emitted by
their own ``to_terraform()`` instead of relying on jsii struct conversion, which
silently drops unknown snake_case keys.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol


class Struct(Protocol):
    """A generated nested-block / nested-attribute dataclass."""

    def to_terraform(self) -> dict[str, Any]:
        """The object with the provider's attribute names; unset fields are left out."""
        ...


def compact(values: Mapping[str, Any]) -> dict[str, Any]:
    """``values`` without the entries that are ``None`` (unset)."""
    return {key: value for key, value in values.items() if value is not None}


def as_list(values: Sequence[Any] | None) -> list[Any] | str | None:
    """A sequence as a JSON list; a token string (a whole list reference) is kept as is."""
    if values is None or isinstance(values, str):
        return values
    return list(values)


def as_map(values: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """A mapping as a JSON object."""
    return None if values is None else dict(values)


def one_block(struct: Struct | None) -> list[dict[str, Any]] | None:
    """An SDKv2 block with at most one item: ``[{...}]``."""
    return None if struct is None else [struct.to_terraform()]


def block_list(structs: Sequence[Struct] | None) -> list[dict[str, Any]] | None:
    """An SDKv2 block list, or a plugin-framework list/set of nested objects."""
    return None if structs is None else [s.to_terraform() for s in structs]


def nested_object(struct: Struct | None) -> dict[str, Any] | None:
    """A plugin-framework nested attribute with nesting mode ``single``: ``{...}``."""
    return None if struct is None else struct.to_terraform()


def nested_map(structs: Mapping[str, Struct] | None) -> dict[str, dict[str, Any]] | None:
    """A plugin-framework nested attribute with nesting mode ``map``."""
    return None if structs is None else {k: s.to_terraform() for k, s in structs.items()}

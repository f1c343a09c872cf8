"""IAM policy documents as rules see them, whichever way a construct wrote them.

A policy attribute is either literal JSON text or a reference to an
``aws_iam_policy_document`` data source (``${data.aws_iam_policy_document.x.json}``);
both become a list of ``Statement``. Anything else (a ``jsonencode(...)`` expression,
another data source) cannot be read at synth time and yields ``None``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from ._view import Block, StackView, as_list, referenced_names


@dataclass(frozen=True, slots=True)
class Statement:
    """One policy statement, normalized."""

    effect: str
    actions: tuple[str, ...]
    resources: tuple[str, ...]
    principals: tuple[str, ...]
    """Every principal identifier (``*`` for ``"Principal": "*"``)."""
    conditions: tuple[tuple[str, str, tuple[str, ...]], ...]
    """``(operator, key, values)`` triples."""

    @property
    def allows(self) -> bool:
        """An ``Allow`` statement."""
        return self.effect.lower() == "allow"


def _strings(value: Any) -> tuple[str, ...]:
    return tuple(str(v) for v in as_list(value))


def _principals(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    if isinstance(value, dict):
        return tuple(p for ids in value.values() for p in _strings(ids))
    return _strings(value)


def _from_json(document: Any) -> list[Statement]:
    statements = []
    for raw in as_list(document.get("Statement") if isinstance(document, dict) else None):
        conditions = tuple((operator, key, _strings(values)) for operator, pairs in (raw.get("Condition") or {}).items() for key, values in pairs.items())
        statements.append(
            Statement(
                effect=str(raw.get("Effect", "Allow")),
                actions=_strings(raw.get("Action")),
                resources=_strings(raw.get("Resource")),
                principals=_principals(raw.get("Principal")),
                conditions=conditions,
            )
        )
    return statements


def _from_data_source(block: Block) -> list[Statement]:
    statements = []
    for raw in as_list(block.get("statement")):
        statements.append(
            Statement(
                effect=str(raw.get("effect", "Allow")),
                actions=_strings(raw.get("actions")),
                resources=_strings(raw.get("resources")),
                principals=tuple(p for principal in as_list(raw.get("principals")) for p in _strings(principal.get("identifiers"))),
                conditions=tuple((str(c.get("test")), str(c.get("variable")), _strings(c.get("values"))) for c in as_list(raw.get("condition"))),
            )
        )
    return statements


def _from_documents(view: StackView, names: set[str], seen: set[str]) -> list[Statement] | None:
    """Statements of the named policy documents, including their source/override documents."""
    statements: list[Statement] = []
    for name in sorted(names - seen):
        seen.add(name)
        block = view.find(f"data.aws_iam_policy_document.{name}")
        if block is None:
            return None
        statements += _from_data_source(block)
        nested = referenced_names([block.get("source_policy_documents"), block.get("override_policy_documents")], "aws_iam_policy_document", data=True)
        more = _from_documents(view, nested, seen) if nested else []
        if more is None:
            return None
        statements += more
    return statements


def statements_of(view: StackView, policy: Any) -> list[Statement] | None:
    """The statements of a policy attribute value, or ``None`` when it cannot be read at synth time."""
    if policy is None:
        return []
    if isinstance(policy, dict):
        return _from_json(policy)
    if not isinstance(policy, str):
        return None
    documents = referenced_names(policy, "aws_iam_policy_document", data=True)
    if documents:
        return _from_documents(view, documents, seen=set())
    try:
        return _from_json(json.loads(policy))
    except ValueError:
        return None


def has_wildcard(values: tuple[str, ...], *patterns: str) -> bool:
    """Whether any of ``values`` equals one of ``patterns`` (case-insensitive)."""
    wanted = {p.lower() for p in patterns}
    return any(v.lower() in wanted for v in values)

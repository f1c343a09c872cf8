"""Suppressions: a named rule switched off for one construct subtree, with a written reason."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from constructs import IConstruct

from .._reasons import MIN_REASON_LENGTH, check_reason
from ..errors import ValidationError

METADATA_TYPE = "healthcare/guardrails/suppress"
"""Node metadata entry type under which ``suppress`` records a suppression."""

__all__ = ["METADATA_TYPE", "MIN_REASON_LENGTH", "Suppression", "check_reason", "suppress", "suppressions_in"]


@dataclass(frozen=True, slots=True)
class Suppression:
    """A rule suppressed for the construct at ``scope_path`` and everything beneath it."""

    rule_id: str
    reason: str
    scope_path: str

    def covers(self, path: str) -> bool:
        """Whether a finding at construct ``path`` lies in this suppression's scope."""
        return path == self.scope_path or path.startswith(self.scope_path + "/")


def suppress(scope: IConstruct, rule_id: str, reason: str) -> None:
    """Suppress guardrail ``rule_id`` for ``scope`` and every construct beneath it.

    The suppression appears in ``cdk.tf.json`` under ``"//".guardrails_suppressed`` of each
    resource whose finding it silences; one that silences nothing fails synthesis.
    Raises ``ValidationError`` for an unknown rule id or a reason that is too short or boilerplate.
    """
    from .rules import RULES_BY_ID

    path = scope.node.path
    if rule_id not in RULES_BY_ID:
        raise ValidationError(path, "rule_id", rule_id, f"one of {', '.join(sorted(RULES_BY_ID))}")
    try:
        text = check_reason(reason)
    except ValueError as exc:
        raise ValidationError(path, "reason", reason, str(exc)) from None
    scope.node.add_metadata(METADATA_TYPE, {"rule": rule_id, "reason": text})


def suppressions_in(nodes: Iterable[IConstruct]) -> list[Suppression]:
    """Every suppression recorded on ``nodes``."""
    found = []
    for node in nodes:
        for entry in node.node.metadata:
            if entry.type == METADATA_TYPE:
                found.append(Suppression(entry.data["rule"], entry.data["reason"], node.node.path))
    return found

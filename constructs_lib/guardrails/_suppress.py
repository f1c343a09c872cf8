"""Suppressions: a named rule switched off for one construct subtree, with a written reason."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import IConstruct

from .._reasons import MIN_REASON_LENGTH, check_reason
from ..errors import ValidationError

METADATA_TYPE = "healthcare/guardrails/suppress"
"""Node metadata entry type under which ``suppress`` records a suppression."""

__all__ = ["METADATA_TYPE", "MIN_REASON_LENGTH", "Suppression", "check_reason", "suppress", "suppressions_under"]


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
    _RECORDED.setdefault(_tree_id(scope), []).append(Suppression(rule_id, text, path))


_RECORDED: dict[str, list[Suppression]] = {}
"""Every ``suppress`` call, by the construct tree (its root ``App``'s jsii object id), in call order.

Recorded where the suppression is made, so the pack reads them in one step at synthesis
instead of asking every construct of the tree for its metadata through jsii (a round trip to
Node per construct: about a fifth of ``make synth`` when it did). The node metadata entry
stays: it is what a reader of the construct tree sees.
"""


def suppressions_under(scope: IConstruct) -> list[Suppression]:
    """Every suppression made with ``suppress`` on ``scope`` or a construct beneath it."""
    root_path = scope.node.path
    return [s for s in _RECORDED.get(_tree_id(scope), ()) if _within(s.scope_path, root_path)]


def _tree_id(scope: IConstruct) -> str:
    """The jsii object id of ``scope``'s root: stable while the tree lives, never reused in a process.

    Not the root object itself: for an ``App`` made on the Node side (``Testing.app()``) jsii
    returns a new Python proxy on every access.
    """
    root = scope.node.root
    return str(root.__jsii_ref__.ref)  # type: ignore[attr-defined]


def _within(path: str, root_path: str) -> bool:
    return not root_path or path == root_path or path.startswith(root_path + "/")

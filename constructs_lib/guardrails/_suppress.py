"""Suppressions: a named rule switched off for one construct subtree, with a written reason."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from constructs import IConstruct

from ..errors import ValidationError

METADATA_TYPE = "healthcare/guardrails/suppress"
"""Node metadata entry type under which ``suppress`` records a suppression."""

MIN_REASON_LENGTH = 20
_BOILERPLATE = frozenset(
    "n/a na none todo tbd fixme ignore ignored suppress suppressed suppression false positive not needed "
    "needed ok okay fine temporary temp later wip accepted accept risk known issue legacy reason no test "
    "testing because it is a the this rule check for by design intended see ticket jira".split()
)


@dataclass(frozen=True, slots=True)
class Suppression:
    """A rule suppressed for the construct at ``scope_path`` and everything beneath it."""

    rule_id: str
    reason: str
    scope_path: str

    def covers(self, path: str) -> bool:
        """Whether a finding at construct ``path`` lies in this suppression's scope."""
        return path == self.scope_path or path.startswith(self.scope_path + "/")


def check_reason(reason: str) -> str:
    """A reason of real length that says something beyond boilerplate words."""
    text = " ".join(reason.split())
    words = re.findall(r"[a-z0-9]+", text.lower())
    meaningful = [w for w in words if w not in _BOILERPLATE]
    if len(text) < MIN_REASON_LENGTH or len(set(meaningful)) < 3:
        raise ValueError(
            f"a reason of at least {MIN_REASON_LENGTH} characters and three meaningful words "
            "saying why the rule does not apply here (not boilerplate such as 'false positive')"
        )
    return text


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

"""HC-NEON-001: a production Neon project keeps at least a week of history."""

from __future__ import annotations

from collections.abc import Iterator

from ...value_rules import production_history_shortfall
from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView, is_reference

PROVIDER_DEFAULT_SECONDS = 86_400
"""What the Neon provider applies when ``history_retention_seconds`` is absent."""


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for project in view.resources("neon_project"):
        value = project.get("history_retention_seconds", PROVIDER_DEFAULT_SECONDS)
        if is_reference(value):
            continue  # decided at apply time; the construct validated its input
        needed = production_history_shortfall(value, options.min_history_retention_days)
        if needed is not None:
            yield Violation(address=project.address, detail=f"history_retention_seconds is {value!r}, production needs {needed}")


RULE = Rule(
    id="HC-NEON-001",
    level=Level.ERROR,
    rationale="point-in-time restore of production PHI must reach back at least a week (HIPAA contingency plan)",
    fix=(
        "set NeonDatabaseProps.history_retention_seconds (the neon_project's history_retention_seconds) to at least "
        "the pack's min_history_retention_days x 86400 (604800 for the default 7 days)"
    ),
    hipaa=None,
    check=check,
    production_only=True,
)

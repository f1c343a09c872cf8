"""HC-NEON-002: a production Neon project cannot be destroyed by a plan."""

from __future__ import annotations

from collections.abc import Iterator

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for project in view.resources("neon_project"):
        if (project.get("lifecycle") or {}).get("prevent_destroy") is not True:
            yield Violation(address=project.address, detail="neon_project has no lifecycle.prevent_destroy = true")


RULE = Rule(
    id="HC-NEON-002",
    level=Level.ERROR,
    rationale="replacing the project (a region or pg_version change) deletes every branch and all PHI in it",
    fix="keep NeonDatabaseProps.protect_from_destroy on (it gives the neon_project lifecycle prevent_destroy = true)",
    hipaa=None,
    check=check,
    production_only=True,
)

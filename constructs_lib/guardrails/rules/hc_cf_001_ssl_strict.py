"""HC-CF-001: the edge validates the origin's certificate (SSL mode strict)."""

from __future__ import annotations

from collections.abc import Iterator

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView
from ._cloudflare import zone_violations


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for address, detail in zone_violations(view, "ssl", lambda v: v in ("strict", "origin_pull"), "'strict'"):
        yield Violation(address=address, detail=detail)


RULE = Rule(
    id="HC-CF-001",
    level=Level.ERROR,
    rationale="PHI crosses the edge-to-origin hop only over TLS with a validated certificate (flexible/full allow MITM)",
    fix='add a cloudflare_zone_setting setting_id "ssl" with value "strict" (NetworkBaseline does this)',
    hipaa=None,
    check=check,
)

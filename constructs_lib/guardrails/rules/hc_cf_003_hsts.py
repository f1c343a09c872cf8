"""HC-CF-003: the edge sends HSTS for at least six months."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView
from ._cloudflare import zone_violations

MIN_MAX_AGE_SECONDS = 15_552_000
"""Six months, the shortest max-age browsers' HSTS guidance accepts."""


def hsts_on(value: Any) -> bool:
    """A ``security_header`` value with strict_transport_security enabled and a long enough max_age."""
    hsts = value.get("strict_transport_security") if isinstance(value, dict) else None
    if not isinstance(hsts, dict):
        return False
    max_age = hsts.get("max_age")
    return hsts.get("enabled") is True and isinstance(max_age, (int, float)) and max_age >= MIN_MAX_AGE_SECONDS


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    wanted = f"strict_transport_security enabled with max_age >= {MIN_MAX_AGE_SECONDS}"
    for address, detail in zone_violations(view, "security_header", hsts_on, wanted):
        yield Violation(address=address, detail=detail)


RULE = Rule(
    id="HC-CF-003",
    level=Level.ERROR,
    rationale="browsers must never fall back to plain HTTP for the platform's hostnames",
    fix='add a cloudflare_zone_setting setting_id "security_header" with strict_transport_security {enabled = true, max_age >= 15552000}',
    hipaa=None,
    check=check,
)

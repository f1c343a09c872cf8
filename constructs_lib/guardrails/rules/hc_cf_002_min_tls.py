"""HC-CF-002: the edge refuses TLS older than 1.2."""

from __future__ import annotations

from collections.abc import Iterator

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView
from ._cloudflare import zone_violations


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for address, detail in zone_violations(view, "min_tls_version", lambda v: v in ("1.2", "1.3"), "'1.2' or '1.3'"):
        yield Violation(address=address, detail=detail)


RULE = Rule(
    id="HC-CF-002",
    level=Level.ERROR,
    rationale="TLS 1.0/1.1 are broken and not acceptable transmission security for PHI",
    fix='add a cloudflare_zone_setting setting_id "min_tls_version" with value "1.2" or "1.3"',
    hipaa=None,
    check=check,
)

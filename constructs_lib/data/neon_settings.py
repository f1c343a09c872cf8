"""``NeonSettings``: the values of a Neon project, declared once, and ``neon_settings_problems``, their one rule.

A frozen dataclass without cdktf (and without pydantic: the library depends on neither). ``NeonDatabaseProps``
is these settings plus what the construct is given besides (project name, services, replicas, readers);
an environment file's ``[neon]`` section is validated as this class (``environments/neon_settings.py``), and
both ``NeonDatabase`` and that section judge the values with ``neon_settings_problems``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from ..errors import Problem, ProblemCollector, nothing_unresolved
from ..value_rules import (
    check_allowed_ip,
    check_neon_compute_range,
    check_neon_compute_units,
    check_neon_history_retention,
    check_neon_region,
    check_neon_suspend_timeout,
)
from .settings_rules import neon_lock_problems

ORG_RE = re.compile(r"^[a-z0-9-]{1,60}$")
PG_VERSIONS = range(14, 19)
"""Postgres major versions Neon offers (14..18)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class NeonSettings:
    """The values of a ``NeonDatabase``'s project (no references to other constructs)."""

    region_id: str = "aws-us-east-1"
    """Neon region, one of ``constructs_lib.value_rules.NEON_REGIONS``; changing it replaces the project. Default: ``aws-us-east-1``."""
    pg_version: int = 17
    """Postgres major version, 14..18; changing it replaces the project. Default: 17 (Neon's default)."""
    history_retention_seconds: int = 86_400
    """Point-in-time restore window, 0..2592000 s (plan caps: Free 21600, Launch 604800). Default: 1 day."""
    compute_min_cu: float = 0.25
    """Autoscaling floor of every compute, 0.25..16 CU. Default: 0.25."""
    compute_max_cu: float = 2
    """Autoscaling ceiling, >= compute_min_cu and at most 8 CU above it. Default: 2 (the Free plan's cap)."""
    suspend_timeout_seconds: int = 0
    """Scale-to-zero delay: -1 never, 0 Neon's default (300 s), or 60..604800. Default: 0."""
    hipaa: bool = True
    """HIPAA-compliant project (Scale plan, HIPAA-enabled org; cannot be turned off). Default: on."""
    protect_from_destroy: bool = True
    """prevent_destroy on the project and service databases, protected default branch, and a given
    ``locked_region_id`` / ``locked_pg_version`` must match. Default: on."""
    locked_region_id: str | None = None
    """Optional second-edit lock: when given (and protected), must equal ``region_id``, so moving regions
    (which replaces the project) takes two deliberate edits. Default: no lock."""
    locked_pg_version: int | None = None
    """Optional second-edit lock on ``pg_version``, like ``locked_region_id``. Default: no lock."""
    org_id: str | None = None
    """Neon organisation owning the project. Default: the API key's default organisation."""
    allowed_ips: Sequence[str] = ()
    """IP allow-list (Scale plan): addresses or CIDRs that may connect; more can be added with
    ``add_allowed_ips``. Default: none, any address may connect (with credentials over TLS)."""
    block_public_connections: bool = False
    """Refuse every connection from the public internet (Private Networking only). Default: off."""
    channel_binding: bool = True
    """Connection strings add ``channel_binding=require`` (SCRAM-SHA-256-PLUS, libpq 13+): a client that cannot
    bind refuses to connect. Turn off only for drivers that reject the parameter. Default: on."""
    sslrootcert_system: bool = True
    """Connection strings add ``sslrootcert=system``: libpq 16+ (psql, pg_dump, psycopg, pgx) then verifies Neon's
    certificate against the TLS library's CA store instead of failing for want of ``~/.postgresql/root.crt``.
    Turn off only for clients that read ``sslrootcert`` as a file path (node-postgres, Go lib/pq, libpq 15 and
    older); they need their own CA store or a CA file path. Default: on."""


def neon_settings_problems(
    settings: NeonSettings, *, is_unresolved: Callable[[object], bool] = nothing_unresolved, require_lock: bool = False
) -> list[Problem]:
    """Every value of ``settings`` outside what Neon accepts (empty: valid), all at once.

    ``is_unresolved``: values for which it is true (a construct's tokens) are skipped. ``require_lock``: a
    protected project must state both second-edit locks (environment files always do).
    """
    rules = ProblemCollector(is_unresolved)
    check, problems = rules.check, rules.problems

    def pg_version(value: int) -> None:
        if isinstance(value, bool) or value not in PG_VERSIONS:
            raise ValueError(f"{PG_VERSIONS[0]}..{PG_VERSIONS[-1]}")

    def org_id(value: str | None) -> None:
        if value is not None and not ORG_RE.match(value):
            raise ValueError("1..60 lowercase letters, digits and '-' (e.g. 'org-quiet-lake-12345678')")

    check("region_id", settings.region_id, check_neon_region)
    check("org_id", settings.org_id, org_id)
    check("pg_version", settings.pg_version, pg_version)
    check("history_retention_seconds", settings.history_retention_seconds, check_neon_history_retention)
    before = len(problems)
    check("compute_min_cu", settings.compute_min_cu, check_neon_compute_units)
    check("compute_max_cu", settings.compute_max_cu, check_neon_compute_units)
    if len(problems) == before and not is_unresolved(settings.compute_min_cu):  # the span of two valid limits
        check("compute_max_cu", settings.compute_max_cu, lambda v: check_neon_compute_range(settings.compute_min_cu, v))
    check("suspend_timeout_seconds", settings.suspend_timeout_seconds, check_neon_suspend_timeout)
    rules.each("allowed_ips", settings.allowed_ips, check_allowed_ip, what="addresses or CIDRs", duplicates="distinct entries", indexed=False)
    problems.extend(
        neon_lock_problems(
            protect_from_destroy=settings.protect_from_destroy,
            region_id=settings.region_id,
            pg_version=settings.pg_version,
            locked_region_id=settings.locked_region_id,
            locked_pg_version=settings.locked_pg_version,
            require_lock=require_lock,
        )
    )
    return problems

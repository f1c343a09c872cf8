"""Prop rules of ``NeonDatabase``: every value checked before a child is created.

Kept apart from the construct so the rules read in one place; values that are unresolved
tokens (``Token.is_unresolved``) are skipped.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from ..engine.core import Token
from ..errors import Problems, ValidationError
from ..value_rules import (
    check_allowed_ip,
    check_neon_compute_range,
    check_neon_compute_units,
    check_neon_history_retention,
    check_neon_region,
    check_neon_suspend_timeout,
)
from .neon_props import NeonDatabaseProps
from .settings_rules import neon_lock_problems

SERVICE_RE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
ROLE_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
ORG_RE = re.compile(r"^[a-z0-9-]{1,60}$")


def database_name(service: str) -> str:
    """The database of ``service``: its name with ``-`` as ``_`` (``medical-records`` -> ``medical_records``)."""
    return service.replace("-", "_")


ADMIN_ROLE_NAME = "neondb_owner"
"""The project's default role, which Neon's API creates with the project: the administrator."""
ADMIN_DATABASE_NAME = "neondb"
"""The project's default database, owned by the administrator; it holds no service data."""


def owner_role_name(service: str) -> str:
    """The SQL role owning ``service``'s database (migrations run as it): ``<db>_owner``."""
    return f"{database_name(service)}_owner"


def login_role_name(service: str) -> str:
    """The SQL login role ``service`` connects as: ``<db>_app``."""
    return f"{database_name(service)}_app"


def validate(path: str, props: NeonDatabaseProps) -> None:
    """Raise ``ValidationError`` (``ValidationErrors`` for several) naming every prop outside what is allowed."""
    problems = Problems(path)
    problems.attempt(lambda: _validate(path, props, problems))
    problems.raise_if_any()


def _validate(path: str, props: NeonDatabaseProps, problems: Problems) -> None:
    def check(field: str, value: Any, rule: Callable[[Any], Any]) -> None:
        if Token.is_unresolved(value):
            return
        try:
            rule(value)
        except ValueError as exc:
            problems.add(field, value, str(exc))

    def must(field: str, value: Any, ok: bool, allowed: str) -> None:
        if not Token.is_unresolved(value) and not ok:
            problems.add(field, value, allowed)

    must("project_name", props.project_name, 1 <= len(props.project_name) <= 256, "1..256 characters")
    check("region_id", props.region_id, check_neon_region)
    if props.org_id is not None:
        must("org_id", props.org_id, bool(ORG_RE.match(props.org_id)), "1..60 lowercase letters, digits and '-' (e.g. 'org-quiet-lake-12345678')")
    must("pg_version", props.pg_version, props.pg_version in range(14, 19), "14..18")
    check("history_retention_seconds", props.history_retention_seconds, check_neon_history_retention)
    check("compute_min_cu", props.compute_min_cu, check_neon_compute_units)
    check("compute_max_cu", props.compute_max_cu, check_neon_compute_units)
    check("compute_max_cu", props.compute_max_cu, lambda v: check_neon_compute_range(props.compute_min_cu, v))
    check("suspend_timeout_seconds", props.suspend_timeout_seconds, check_neon_suspend_timeout)
    if isinstance(props.services, str):
        raise ValidationError(path, "services", props.services, "a sequence of service names, not one string")
    for service in props.services:
        must("services", service, bool(SERVICE_RE.match(service)), "lowercase names of 1..40 letters, digits and '-' starting with a letter")
        must("services", service, database_name(service) != ADMIN_DATABASE_NAME, f"not {ADMIN_DATABASE_NAME!r} (the project's own database)")
    must("services", list(props.services), len(set(props.services)) == len(props.services), "unique")
    _check_allowed_ips(path, props, check)
    _check_readers(path, props, must)
    # A lock is opt-in here: None means no second-edit lock; a given value must match.
    for problem in neon_lock_problems(
        protect_from_destroy=props.protect_from_destroy,
        region_id=props.region_id,
        pg_version=props.pg_version,
        locked_region_id=props.locked_region_id,
        locked_pg_version=props.locked_pg_version,
    ):
        problems.add(*problem)


def _check_allowed_ips(path: str, props: NeonDatabaseProps, check: Callable[[str, Any, Callable[[Any], Any]], None]) -> None:
    if isinstance(props.allowed_ips, str):
        raise ValidationError(path, "allowed_ips", props.allowed_ips, "a sequence of addresses or CIDRs, not one string")
    for entry in props.allowed_ips:
        check("allowed_ips", entry, check_allowed_ip)
    literal = [e for e in props.allowed_ips if not Token.is_unresolved(e)]
    if len(set(literal)) != len(literal):
        raise ValidationError(path, "allowed_ips", list(props.allowed_ips), "distinct entries")


def _check_readers(path: str, props: NeonDatabaseProps, must: Callable[[str, Any, bool, str], None]) -> None:
    taken = {owner_role_name(s) for s in props.services} | {login_role_name(s) for s in props.services} | {ADMIN_ROLE_NAME}
    seen: set[str] = set()
    for index, reader in enumerate(props.readers):
        field = f"readers[{index}]"
        must(f"{field}.name", reader.name, bool(ROLE_RE.match(reader.name)), "a role name of 1..63 lowercase letters, digits and '_'")
        must(f"{field}.name", reader.name, reader.name not in taken, "different from every service's owner and login role and the administrator")
        if reader.bypass_row_security:
            must(f"{field}.bypass_row_security", True, props.pg_version >= 16, f"False when pg_version is below 16 (pg_version is {props.pg_version})")
        must(f"{field}.name", reader.name, reader.name not in seen, "unique among the readers")
        must(f"{field}.name", reader.name, not reader.name.startswith(("pg_", "neon_")), "free of the reserved prefixes 'pg_' and 'neon_'")
        seen.add(reader.name)
        if isinstance(reader.services, str) or not reader.services:
            raise ValidationError(path, f"{field}.services", reader.services, "a non-empty sequence of service names")
        for service in reader.services:
            must(f"{field}.services", service, service in props.services, f"one of services ({', '.join(props.services) or 'none'})")

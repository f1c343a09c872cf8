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
from .neon_props import NeonDatabaseProps
from .neon_settings import neon_settings_problems

SERVICE_RE = re.compile(r"^[a-z][a-z0-9-]{0,39}$")
ROLE_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


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
    def must(field: str, value: Any, ok: bool, allowed: str) -> None:
        if not Token.is_unresolved(value) and not ok:
            problems.add(field, value, allowed)

    must("project_name", props.project_name, 1 <= len(props.project_name) <= 256, "1..256 characters")
    # The project's values: their one rule (an environment file's [neon] section is judged by it too).
    problems.extend(neon_settings_problems(props, is_unresolved=Token.is_unresolved))
    if isinstance(props.services, str):
        raise ValidationError(path, "services", props.services, "a sequence of service names, not one string")
    for service in props.services:
        must("services", service, bool(SERVICE_RE.match(service)), "lowercase names of 1..40 letters, digits and '-' starting with a letter")
        must("services", service, database_name(service) != ADMIN_DATABASE_NAME, f"not {ADMIN_DATABASE_NAME!r} (the project's own database)")
    must("services", list(props.services), len(set(props.services)) == len(props.services), "unique")
    _check_readers(path, props, must)


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

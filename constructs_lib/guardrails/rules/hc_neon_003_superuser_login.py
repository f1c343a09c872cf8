"""HC-NEON-003: no Railway service logs in to Neon as an API-created role (a ``neon_superuser`` member)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView
from .hc_rwy_001_literal_secrets import variables

API_ROLE_SECRET = re.compile(r"\b(neon_role\.[\w-]+\.password|neon_project\.[\w-]+\.(?:database_password|connection_uri(?:_pooler)?))\b")
"""A password (or a whole connection string) of a role Neon's API created: any ``neon_role`` and the project's default role (the administrator)."""


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for address, name, value in variables(view):
        if isinstance(value, str) and (found := API_ROLE_SECRET.search(value)):
            yield Violation(address=address, detail=f"variable {name} logs in with {found.group(1)}, a neon_superuser member")


RULE = Rule(
    id="HC-NEON-003",
    level=Level.ERROR,
    rationale="roles created through Neon's API belong to neon_superuser: they read and write every database and bypass "
    "row-level security, so a service holding one is not limited to its own data (HIPAA minimum necessary)",
    fix="connect services as NeonDatabase's SQL roles (connection_uri, read_only_connection_uri; migration_connection_uri "
    "for migrations, the database's SQL owner); the Neon API's roles belong to Terraform's postgresql provider alone",
    hipaa=None,
    check=check,
)

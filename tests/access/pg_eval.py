"""What Postgres will decide after apply: each role's privileges in each database of a synthesized stack.

The stack's ``neon_role``, ``neon_database``, ``postgresql_role``, ``postgresql_grant`` and
``postgresql_default_privileges`` blocks are resolved to names (``${postgresql_role.X.name}``
-> the role's name), then combined with Postgres's documented defaults:

- a database's owner holds every database privilege; ``PUBLIC`` holds ``CONNECT`` and
  ``TEMPORARY`` on every database ("Privileges", default privileges table) unless revoked;
- schema ``public`` is owned by ``pg_database_owner`` (the database owner) and ``PUBLIC`` holds
  ``USAGE`` on it (Postgres 15 and later) unless revoked;
- tables and sequences grant nothing to ``PUBLIC``; a role gets privileges on them by
  ``GRANT ... ON ALL <kind>S IN SCHEMA`` (existing objects) and by ``ALTER DEFAULT PRIVILEGES
  FOR ROLE <owner>`` (objects the owner creates later);
- every role Neon's API creates (``neon_role``, the project's default role) is a member of
  ``neon_superuser``.

The provider's ``privileges = []`` revokes everything the role had on that object. A
reference this model cannot resolve raises ``UnresolvedReference``, so a new kind of input
fails the tests instead of passing them.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

PUBLIC = "public"
NEON_DEFAULT_DATABASE = "neondb"
NEON_DEFAULT_OWNER = "neondb_owner"
PUBLIC_DATABASE_DEFAULTS = frozenset({"CONNECT", "TEMPORARY"})
PUBLIC_SCHEMA_DEFAULTS = frozenset({"USAGE"})
ROLE_ATTRIBUTES = ("superuser", "create_database", "create_role", "replication", "bypass_row_level_security")
_REFERENCE = re.compile(r"^\$\{(neon_role|postgresql_role|neon_database|neon_project)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$")
_URI_USER = re.compile(r'format\("%s:%s@%s", ([a-z_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+), ')


class UnresolvedReference(Exception):
    """A block refers to something this model cannot resolve."""


@dataclass(frozen=True, slots=True)
class SqlRole:
    """A Postgres role of the stack."""

    name: str
    api_created: bool
    """Created through Neon's API: a ``neon_superuser`` member."""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    member_of: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Statement:
    """One ``postgresql_grant`` (``owner`` None) or ``postgresql_default_privileges`` block, resolved."""

    address: str
    role: str
    database: str
    object_type: str
    schema: str | None
    privileges: frozenset[str]
    provider: str | None
    owner: str | None = None


class DatabaseWorld:
    """The roles, databases and privilege statements of one stack."""

    def __init__(self, stack: Mapping[str, Any]) -> None:
        self._stack = stack
        resources = stack.get("resource", {})
        self.roles: dict[str, SqlRole] = {}
        for body in resources.get("neon_role", {}).values():
            self.roles[body["name"]] = SqlRole(body["name"], api_created=True)
        if resources.get("neon_project"):
            self.roles[NEON_DEFAULT_OWNER] = SqlRole(NEON_DEFAULT_OWNER, api_created=True)
        for body in resources.get("postgresql_role", {}).values():
            attributes = {k: body.get(k) for k in (*ROLE_ATTRIBUTES, "login")}
            self.roles[body["name"]] = SqlRole(body["name"], api_created=False, attributes=attributes, member_of=tuple(body.get("roles") or ()))
        self.databases: dict[str, str] = {}
        """Database name -> owner role name."""
        for body in resources.get("neon_database", {}).values():
            self.databases[body["name"]] = self.resolve(body["owner_name"])
        if resources.get("neon_project"):
            self.databases[NEON_DEFAULT_DATABASE] = NEON_DEFAULT_OWNER
        self.providers: dict[str, tuple[str, str]] = {
            f"postgresql.{p['alias']}": (self.resolve(p["database"]), self.resolve(p["username"])) for p in stack.get("provider", {}).get("postgresql", [])
        }
        """``postgresql.<alias>`` -> (database it connects to, role it logs in as)."""
        self.statements: list[Statement] = [
            Statement(
                address=f"{kind}.{name}",
                role=self.resolve(body["role"]),
                database=self.resolve(body["database"]),
                object_type=body["object_type"],
                schema=body.get("schema"),
                privileges=frozenset(body["privileges"]),
                provider=body.get("provider"),
                owner=self.resolve(body["owner"]) if "owner" in body else None,
            )
            for kind in ("postgresql_grant", "postgresql_default_privileges")
            for name, body in resources.get(kind, {}).items()
        ]

    def resolve(self, value: str) -> str:
        """A literal name, or the name a ``${...}`` reference will have after apply."""
        if "${" not in value:
            return value
        match = _REFERENCE.match(value)
        if match is None:
            raise UnresolvedReference(value)
        kind, name, attribute = match.groups()
        block = self._stack["resource"][kind][name]
        if kind == "neon_project":
            defaults = {"database_name": NEON_DEFAULT_DATABASE, "database_user": NEON_DEFAULT_OWNER}
            if attribute not in defaults or block.get("branch"):
                raise UnresolvedReference(value)
            return defaults[attribute]
        if attribute != "name":
            raise UnresolvedReference(value)
        return str(block["name"])

    def _explicit(self, role: str, database: str, object_type: str) -> Iterator[Statement]:
        for statement in self.statements:
            if statement.database == database and statement.object_type == object_type and statement.role in (role, PUBLIC):
                yield statement

    def privileges(self, role: str, database: str, object_type: str, *, future: bool = False) -> frozenset[str]:
        """What ``role`` holds (directly or through ``PUBLIC``) on ``database`` itself (``database``), its schema
        ``public`` (``schema``), or all its tables / sequences (``table``/``sequence``; ``future`` for those the
        owner creates later). Ownership counts; ``neon_superuser`` membership does not grant these."""
        owner = self.databases[database]
        if role == owner:
            return frozenset({"ALL"})
        held: set[str] = set()
        if object_type == "database":
            revoked = any(s.role == PUBLIC and not s.privileges and s.owner is None for s in self._explicit(PUBLIC, database, "database"))
            held |= set() if revoked else PUBLIC_DATABASE_DEFAULTS
        if object_type == "schema":
            revoked = any(s.role == PUBLIC and not s.privileges and s.schema == "public" for s in self._explicit(PUBLIC, database, "schema"))
            held |= set() if revoked else PUBLIC_SCHEMA_DEFAULTS
        for statement in self._explicit(role, database, object_type):
            if (statement.owner is not None) == future and (statement.owner is None or statement.owner == owner):
                held |= statement.privileges
        return frozenset(held)

    def connectable(self, role: str) -> set[str]:
        """Databases ``role`` may connect to."""
        return {db for db in self.databases if self.privileges(role, db, "database") & {"CONNECT", "ALL"}}

    def connection_users(self, value: str) -> list[tuple[str, str]]:
        """``(resource type, role name)`` of every connection string's user in ``value``."""
        users = []
        for kind, name, attribute in _URI_USER.findall(value):
            users.append((kind, self.resolve(f"${{{kind}.{name}.{attribute}}}")))
        return users

"""What Postgres will decide after apply: each role's privileges in each database of a synthesized stack.

The stack's ``neon_role``, ``neon_database``, ``postgresql_role``, ``postgresql_grant_role``,
``postgresql_grant`` and ``postgresql_default_privileges`` blocks are resolved to names
(``${postgresql_role.X.name}`` -> the role's name), then combined with Postgres's documented
defaults and Neon's:

- a database's owner holds every database privilege; ``PUBLIC`` holds ``CONNECT`` and
  ``TEMPORARY`` on every database ("Privileges", default privileges table) unless revoked;
- schema ``public`` is owned by ``pg_database_owner`` (the database owner) and ``PUBLIC`` holds
  ``USAGE`` on it (Postgres 15 and later) unless revoked;
- tables and sequences grant nothing to ``PUBLIC``; a role gets privileges on them by
  ``GRANT ... ON ALL <kind>S IN SCHEMA`` (existing objects) and by ``ALTER DEFAULT PRIVILEGES
  FOR ROLE <owner>`` (objects the owner creates later);
- every role Neon's API creates (``neon_role``, the project's default role ``neondb_owner``) is
  ``INHERIT CREATEROLE CREATEDB BYPASSRLS REPLICATION IN ROLE neon_superuser``; ``neon_superuser``
  is a member of ``pg_read_all_data`` and ``pg_write_all_data`` and holds ``ALL`` on every
  database Neon creates (Neon's ``compute_ctl``, ``spec_apply.rs``; "Manage roles");
- role membership ("Role Membership", ``CREATE ROLE``, ``GRANT`` in PostgreSQL 16+): a role
  created by a non-superuser is granted to its creator WITH ADMIN OPTION, INHERIT FALSE, SET
  FALSE; ``GRANT r TO m`` (``postgresql_grant_role``) gives SET, INHERIT as ``m``'s own INHERIT
  attribute, and ADMIN OPTION only when asked. ADMIN OPTION on a role lets its holder grant the
  role to anyone, itself included. Before PostgreSQL 16 any CREATEROLE role may administer every
  non-superuser role.

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
NEON_SUPERUSER = "neon_superuser"
NEON_DEFAULT_DATABASE = "neondb"
NEON_DEFAULT_OWNER = "neondb_owner"
READ_ALL_DATA = "pg_read_all_data"
WRITE_ALL_DATA = "pg_write_all_data"
PUBLIC_DATABASE_DEFAULTS = frozenset({"CONNECT", "TEMPORARY"})
PUBLIC_SCHEMA_DEFAULTS = frozenset({"USAGE"})
ROLE_ATTRIBUTES = ("superuser", "create_database", "create_role", "replication", "bypass_row_level_security")
API_ROLE_ATTRIBUTES: Mapping[str, bool] = {
    "superuser": False,
    "create_database": True,
    "create_role": True,
    "replication": True,
    "bypass_row_level_security": True,
    "inherit": True,
    "login": True,
}
"""What Neon's ``compute_ctl`` creates an API role with (``CREATE ROLE x INHERIT CREATEROLE CREATEDB BYPASSRLS REPLICATION``)."""
DEFAULT_PG_VERSION = 17
_REFERENCE = re.compile(r"^\$\{(neon_role|postgresql_role|neon_database|neon_project)\.([A-Za-z0-9_-]+)\.([a-z_]+)\}$")
_URI_USER = re.compile(r'format\("%s:%s@%s", ([a-z_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+), ')


class UnresolvedReference(Exception):
    """A block refers to something this model cannot resolve."""


@dataclass(frozen=True, slots=True)
class SqlRole:
    """A Postgres role of the stack."""

    name: str
    api_created: bool
    """Created through Neon's API: a ``neon_superuser`` member with ``API_ROLE_ATTRIBUTES``."""
    attributes: Mapping[str, Any] = field(default_factory=dict)
    member_of: tuple[str, ...] = ()
    """Roles named in the ``postgresql_role``'s ``roles`` (``IN ROLE``)."""
    created_by: str | None = None
    """The role that ran ``CREATE ROLE`` (the provider's login); None for Neon's own superuser."""


@dataclass(frozen=True, slots=True)
class Membership:
    """``member`` is a member of ``role`` (one ``pg_auth_members`` row)."""

    member: str
    role: str
    admin_option: bool
    inherit: bool
    set_option: bool
    source: str
    """What created it: a resource address, ``CREATE ROLE`` or ``Neon``."""


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
    """The roles, memberships, databases and privilege statements of one stack."""

    def __init__(self, stack: Mapping[str, Any]) -> None:
        self._stack = stack
        resources = stack.get("resource", {})
        self.providers: dict[str, tuple[str, str]] = {
            f"postgresql.{p['alias']}": (self.resolve(p["database"]), self.resolve(p["username"])) for p in stack.get("provider", {}).get("postgresql", [])
        }
        """``postgresql.<alias>`` -> (database it connects to, role it logs in as)."""
        versions = {int(p["expected_version"]) for p in stack.get("provider", {}).get("postgresql", []) if "expected_version" in p}
        self.pg_version = min(versions) if versions else DEFAULT_PG_VERSION
        self.roles: dict[str, SqlRole] = {}
        api_roles = [body["name"] for body in resources.get("neon_role", {}).values()]
        if resources.get("neon_project"):
            api_roles.append(NEON_DEFAULT_OWNER)
        for name in api_roles:
            self.roles[name] = SqlRole(name, api_created=True, attributes=dict(API_ROLE_ATTRIBUTES), member_of=(NEON_SUPERUSER,))
        for address, body in resources.get("postgresql_role", {}).items():
            attributes = {k: body.get(k) for k in (*ROLE_ATTRIBUTES, "login", "inherit")}
            creator = self.providers[body["provider"]][1] if body.get("provider") in self.providers else None
            if body.get("provider") and creator is None:
                raise UnresolvedReference(f"postgresql_role.{address}: provider {body['provider']}")
            self.roles[body["name"]] = SqlRole(
                body["name"], api_created=False, attributes=attributes, member_of=tuple(body.get("roles") or ()), created_by=creator
            )
        self.memberships: list[Membership] = []
        for name in api_roles:
            self.memberships.append(Membership(name, NEON_SUPERUSER, admin_option=False, inherit=True, set_option=True, source="Neon"))
        if api_roles:
            for predefined in (READ_ALL_DATA, WRITE_ALL_DATA):
                self.memberships.append(Membership(NEON_SUPERUSER, predefined, admin_option=False, inherit=True, set_option=True, source="Neon"))
        for role in list(self.roles.values()):
            if role.api_created:
                continue
            inherits = role.attributes.get("inherit") is not False  # the provider's default is INHERIT
            for parent in role.member_of:
                self.memberships.append(Membership(role.name, parent, admin_option=False, inherit=inherits, set_option=True, source="IN ROLE"))
            creator = role.created_by
            if creator is not None and not self._is_superuser(creator) and self.pg_version >= 16:
                self.memberships.append(Membership(creator, role.name, admin_option=True, inherit=False, set_option=False, source="CREATE ROLE"))
        for address, body in resources.get("postgresql_grant_role", {}).items():
            member, granted = self.resolve(body["role"]), self.resolve(body["grant_role"])
            inherits = self.roles[member].attributes.get("inherit") is not False if member in self.roles else True
            self.memberships.append(
                Membership(
                    member,
                    granted,
                    admin_option=bool(body.get("with_admin_option")),
                    inherit=inherits,
                    set_option=True,
                    source=f"postgresql_grant_role.{address}",
                )
            )
        self.databases: dict[str, str] = {}
        """Database name -> owner role name."""
        for body in resources.get("neon_database", {}).values():
            self.databases[body["name"]] = self.resolve(body["owner_name"])
        if resources.get("neon_project"):
            self.databases[NEON_DEFAULT_DATABASE] = NEON_DEFAULT_OWNER
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
        return str(self.resolve(block["name"]))

    # Role membership -----------------------------------------------------------------------

    def _is_superuser(self, role: str) -> bool:
        return bool(self.roles[role].attributes.get("superuser")) if role in self.roles else False

    def _closure(self, role: str, *, via: str | None) -> set[str]:
        """Roles reachable from ``role`` through memberships (all of them, or only those with ``via``: inherit/set)."""
        seen: set[str] = set()
        todo = [role]
        while todo:
            current = todo.pop()
            for m in self.memberships:
                if m.member == current and m.role not in seen and (via is None or getattr(m, via)):
                    seen.add(m.role)
                    todo.append(m.role)
        return seen

    def has_privileges_of(self, role: str, other: str) -> bool:
        """``pg_has_role(role, other, 'USAGE')``: ``role`` is ``other`` or inherits its privileges."""
        if role == other:
            return True
        if role in self.roles and self.roles[role].attributes.get("inherit") is False:
            return False  # NOINHERIT: only SET ROLE reaches the privileges of a role it belongs to
        return other in self._inherited(role)

    def _inherited(self, role: str) -> set[str]:
        seen: set[str] = set()
        todo = [role]
        while todo:
            current = todo.pop()
            for m in self.memberships:
                if m.member == current and m.inherit and m.role not in seen:
                    seen.add(m.role)
                    todo.append(m.role)
        return seen

    def holds_admin_option(self, role: str, other: str) -> bool:
        """``role`` (or a role it belongs to, in any way) was granted ``other`` WITH ADMIN OPTION."""
        holders = {role} | self._closure(role, via=None)
        return any(m.role == other and m.admin_option and m.member in holders for m in self.memberships)

    def has_attribute(self, role: str, attribute: str) -> bool:
        """A role attribute (``create_role``, ...) of ``role`` itself (attributes are never inherited)."""
        return bool(self.roles[role].attributes.get(attribute)) if role in self.roles else False

    def can_administer(self, role: str, other: str) -> bool:
        """Whether ``role`` may grant ``other`` to anyone (itself included), change its password or drop it."""
        if role == other:
            return False  # PostgreSQL 16: a role has no implicit ADMIN OPTION on itself
        if self._is_superuser(role):
            return True
        if self.holds_admin_option(role, other):
            return True
        # Before PostgreSQL 16, CREATEROLE alone administered every role that is not a superuser.
        return self.pg_version < 16 and self.has_attribute(role, "create_role") and not self._is_superuser(other)

    def can_become(self, role: str, other: str) -> bool:
        """Whether a session logged in as ``role`` can act as ``other``: ``SET ROLE`` through SET memberships,
        inherited privileges, or granting ``other`` to itself first."""
        if role == other:
            return True
        return other in self._closure(role, via="set_option") or self.has_privileges_of(role, other) or self.can_administer(role, other)

    def reads_all_data(self, role: str) -> bool:
        """``role`` holds the privileges of ``pg_read_all_data`` (every table, view and sequence)."""
        return self.has_privileges_of(role, READ_ALL_DATA)

    # Privileges ----------------------------------------------------------------------------

    def _explicit(self, role: str, database: str, object_type: str) -> Iterator[Statement]:
        for statement in self.statements:
            if statement.database == database and statement.object_type == object_type and statement.role in (role, PUBLIC):
                yield statement

    def privileges(self, role: str, database: str, object_type: str, *, future: bool = False) -> frozenset[str]:
        """What ``role`` holds (directly, through ``PUBLIC``, or inherited) on ``database`` itself (``database``),
        its schema ``public`` (``schema``), or all its tables / sequences (``table``/``sequence``; ``future`` for
        those the owner creates later). Ownership counts, and so do ``neon_superuser``'s grants and predefined roles."""
        owner = self.databases[database]
        if self.has_privileges_of(role, owner):
            return frozenset({"ALL"})
        held: set[str] = set()
        if object_type == "database":
            revoked = any(s.role == PUBLIC and not s.privileges and s.owner is None for s in self._explicit(PUBLIC, database, "database"))
            held |= set() if revoked else PUBLIC_DATABASE_DEFAULTS
            if self.has_privileges_of(role, NEON_SUPERUSER):
                held.add("ALL")  # compute_ctl: GRANT ALL PRIVILEGES ON DATABASE ... TO neon_superuser
        if object_type == "schema":
            revoked = any(s.role == PUBLIC and not s.privileges and s.schema == "public" for s in self._explicit(PUBLIC, database, "schema"))
            held |= set() if revoked else PUBLIC_SCHEMA_DEFAULTS
        if object_type in ("schema", "table", "sequence"):
            if self.reads_all_data(role):
                held |= {"USAGE"} if object_type == "schema" else {"SELECT"}
            if self.has_privileges_of(role, WRITE_ALL_DATA):
                held |= {"USAGE"} if object_type == "schema" else {"INSERT", "UPDATE", "DELETE"}
        for statement in self._explicit(role, database, object_type):
            if (statement.owner is not None) == future and (statement.owner is None or statement.owner == owner):
                held |= statement.privileges
        return frozenset(held)

    def connectable(self, role: str) -> set[str]:
        """Databases ``role`` may connect to."""
        return {db for db in self.databases if self.privileges(role, db, "database") & {"CONNECT", "ALL"}}

    def readable(self, role: str) -> set[str]:
        """Databases whose tables ``role`` may read: it connects, and owns them or holds ``SELECT`` on them."""
        return {db for db in self.connectable(role) if self.privileges(role, db, "table") & {"SELECT", "ALL"}}

    def connection_users(self, value: str) -> list[tuple[str, str]]:
        """``(resource type, role name)`` of every connection string's user in ``value``."""
        users = []
        for kind, name, attribute in _URI_USER.findall(value):
            users.append((kind, self.resolve(f"${{{kind}.{name}.{attribute}}}")))
        return users

"""Least-privilege SQL roles and grants of ``NeonDatabase`` (cyrilgdn/postgresql, prebuilt binding).

Neon makes every role created through its API (``neon_role``, and the project's default role)
``INHERIT CREATEROLE CREATEDB BYPASSRLS REPLICATION IN ROLE neon_superuser``: it can create
databases and roles, read and write every table and bypass row-level security (Neon's
``compute_ctl``, ``spec_apply.rs``; "Manage roles"). So exactly one such role is used, by
Terraform's runs only: the **administrator**, the project's default role (``neondb_owner``). The
one ``postgresql`` provider logs in as it and creates every other role in SQL, where a role holds
only what it is granted:

- a database owner ``<db>_owner``: LOGIN for migrations, NOINHERIT, no other attribute, member of
  nothing; it owns its database (and so schema ``public`` and what migrations create);
- a service's login role: ``CONNECT`` on its own database only, ``USAGE`` on its schema,
  read/write on its tables and sequences, and the same on tables the owner creates later
  (default privileges ``FOR ROLE <db>_owner``); no ``CREATE``: migrations run as the owner;
- a reader role (analytics, backups): ``CONNECT``, ``USAGE`` and ``SELECT`` by grant on the
  databases it may read; the backup reader also ``BYPASSRLS`` (``pg_dump`` turns row security off);
- on every database, ``PUBLIC`` loses ``CONNECT``/``TEMPORARY`` and its privileges on schema ``public``.

Because the administrator creates them, it holds ADMIN OPTION on every role (PostgreSQL 16+
``CREATE ROLE``); no other role does, and none has CREATEROLE, so no credential a service holds
can grant itself another role. The administrator is also made a member of each owner
(``GRANT <db>_owner TO <admin>``), so its database-level grants and revocations are recorded as
the owner's: the provider wraps schema, table and default-privilege statements in a temporary
membership itself, but not database ones (``getRolesToGrant`` in ``resource_postgresql_grant.go``).

The provider opens no connection when it is configured, only when a resource is created, read or
deleted, so a plan works before the Neon project exists (docs/constructs/NeonDatabase.md,
"Terraform Cloud and the first apply").
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from constructs import Construct

from .._random import ensure_random_provider
from ..engine.core import ITerraformDependable, TerraformProvider, TerraformResourceLifecycle
from ..engine.postgresql import DefaultPrivileges, Grant, GrantRole, PostgresqlProvider, Role as SqlRole
from ..engine.random import Password

PUBLIC_ROLE = "public"
"""The provider's name for Postgres's ``PUBLIC`` pseudo-role (every role)."""
SCHEMA = "public"
"""The schema each service database keeps its tables in (owned by the database owner)."""
SERVICE_TABLE_PRIVILEGES = ("SELECT", "INSERT", "UPDATE", "DELETE")
"""What a service does with its own tables: no TRUNCATE, REFERENCES or TRIGGER (DDL is the owner's)."""
SERVICE_SEQUENCE_PRIVILEGES = ("SELECT", "USAGE")
"""``nextval`` needs USAGE; SELECT reads ``currval``/``last_value``."""
READ_PRIVILEGES = ("SELECT",)
"""All a reader role may do with a table or sequence."""
PASSWORD_LENGTH = 40
"""Letters and digits (about 238 bits): no character needs escaping in a URL, a libpq variable or SQL."""
POSTGRES_PORT = 5432


@dataclass(frozen=True, slots=True)
class SqlLogin:
    """A login role created in SQL and the generated password it logs in with."""

    role: SqlRole
    password: Password
    name: str
    """The role name (a reference, so users of it depend on its creation), read from ``role`` once."""
    password_value: str
    """The password: a reference to a sensitive value, read from ``password`` once."""


def admin_provider(scope: Construct, id_: str, *, alias: str, host: str, database: str, username: str, password: str, pg_version: int) -> PostgresqlProvider:
    """The ``postgresql`` provider alias, logged in as the administrator over verified TLS (direct host).

    ``database`` is where it connects first; each resource names the database it acts in, and the
    provider opens one connection per database."""
    return PostgresqlProvider(
        scope,
        id_,
        alias=alias,
        host=host,
        port=POSTGRES_PORT,
        database=database,
        username=username,
        password=password,
        # lib/pq verifies the chain against the system roots and the host name; Neon presents a public CA certificate.
        sslmode="verify-full",
        superuser=False,  # neon_superuser members are not Postgres superusers
        expected_version=str(pg_version),
        connect_timeout=30,
    )


def login_role(
    scope: Construct,
    id_: str,
    *,
    name: str,
    provider: TerraformProvider,
    bypass_row_security: bool = False,
    lifecycle: TerraformResourceLifecycle | None = None,
) -> SqlLogin:
    """A ``LOGIN NOINHERIT`` role with a generated password and no other attribute: not a superuser, no
    CREATEDB, CREATEROLE or REPLICATION, member of nothing; ``BYPASSRLS`` only with ``bypass_row_security``."""
    ensure_random_provider(scope)
    password = Password(scope, f"{id_}Password", length=PASSWORD_LENGTH, special=False)
    role = SqlRole(
        scope,
        id_,
        name=name,
        login=True,
        password=password.result,
        inherit=False,
        superuser=False,
        create_database=False,
        create_role=False,
        replication=False,
        bypass_row_level_security=bypass_row_security,
        provider=provider,
        lifecycle=lifecycle,
    )
    return SqlLogin(role, password, name=role.name, password_value=password.result)


def admin_membership(scope: Construct, id_: str, *, admin: str, role: str, provider: TerraformProvider) -> GrantRole:
    """``GRANT <role> TO <admin> WITH ADMIN OPTION``: the administrator acts with ``role``'s privileges.

    This adds the INHERIT and SET membership that lets its database grants count as the owner's. ADMIN
    OPTION adds nothing: the administrator holds it already, having created ``role`` (PostgreSQL 16+ keeps
    that implicit row, granted by the bootstrap superuser, beside this one). It is stated because the
    provider reads back one ``pg_auth_members`` row for the pair, either of the two, and
    ``with_admin_option`` forces a new resource: with ``false`` every plan could replace the grant."""
    return GrantRole(scope, id_, role=admin, grant_role=role, with_admin_option=True, provider=provider)


def revoke_public(scope: Construct, *, provider: TerraformProvider, database: str, depends_on: Sequence[ITerraformDependable] = ()) -> tuple[Grant, Grant]:
    """``REVOKE ALL`` from ``PUBLIC`` on the database (CONNECT, TEMPORARY) and on its schema ``public``."""
    after = list(depends_on) or None
    on_database = Grant(
        scope, "RevokePublicDatabase", database=database, role=PUBLIC_ROLE, object_type="database", privileges=[], provider=provider, depends_on=after
    )
    on_schema = Grant(
        scope,
        "RevokePublicSchema",
        database=database,
        role=PUBLIC_ROLE,
        schema=SCHEMA,
        object_type="schema",
        privileges=[],
        provider=provider,
        depends_on=after,
    )
    return on_database, on_schema


def grant_access(
    scope: Construct,
    prefix: str,
    *,
    provider: TerraformProvider,
    database: str,
    owner: str,
    role: str,
    table_privileges: tuple[str, ...],
    sequence_privileges: tuple[str, ...],
    depends_on: Sequence[ITerraformDependable] = (),
) -> list[Grant | DefaultPrivileges]:
    """CONNECT on ``database``, USAGE on its schema, and the given privileges on its tables and sequences,
    now (``postgresql_grant``) and for what ``owner`` creates later (``postgresql_default_privileges``).

    ``sequence_privileges`` may be empty: then the role gets nothing on sequences. ``depends_on``: the
    administrator's membership in ``owner``, without which a database grant would change nothing.
    """
    after = list(depends_on) or None
    created: list[Grant | DefaultPrivileges] = [
        Grant(scope, f"{prefix}Connect", database=database, role=role, object_type="database", privileges=["CONNECT"], provider=provider, depends_on=after),
        Grant(
            scope,
            f"{prefix}SchemaUsage",
            database=database,
            role=role,
            schema=SCHEMA,
            object_type="schema",
            privileges=["USAGE"],
            provider=provider,
            depends_on=after,
        ),
    ]
    for kind, privileges in (("table", table_privileges), ("sequence", sequence_privileges)):
        if not privileges:
            continue
        label = kind.capitalize()
        created.append(
            Grant(
                scope,
                f"{prefix}{label}s",
                database=database,
                role=role,
                schema=SCHEMA,
                object_type=kind,
                privileges=list(privileges),
                provider=provider,
                depends_on=after,
            )
        )
        created.append(
            DefaultPrivileges(
                scope,
                f"{prefix}Future{label}s",
                database=database,
                role=role,
                owner=owner,
                schema=SCHEMA,
                object_type=kind,
                privileges=list(privileges),
                provider=provider,
                depends_on=after,
            )
        )
    return created

"""Least-privilege SQL roles and grants of ``NeonDatabase`` (cyrilgdn/postgresql, prebuilt binding).

Neon makes every role created through its API (``neon_role``) a member of ``neon_superuser``:
it can create databases and roles, read and write every table and bypass row-level security.
The API-created ``<db>_owner`` roles are therefore kept for administration and migrations, and
everything that connects for a service is a login role created here in SQL, holding only what
it is granted:

- on every database, ``PUBLIC`` loses ``CONNECT``/``TEMPORARY`` and its privileges on schema ``public``;
- a service's login role gets ``CONNECT`` on its own database only, ``USAGE`` on its schema,
  read/write on its tables and sequences, and the same on tables the owner creates later
  (default privileges ``FOR ROLE <db>_owner``); no ``CREATE``: migrations run as the owner;
- a reader role (analytics, backups) gets ``CONNECT``, ``USAGE`` and ``SELECT`` by grant on the
  databases it may read, nothing else.

Each database is reached through its own ``postgresql`` provider alias, configured from that
database owner's sensitive credentials: a grant runs as the owner of the objects it grants on.
The provider opens no connection when it is configured, only when a resource is created, read
or deleted, so a plan works before the Neon project exists (docs/constructs/NeonDatabase.md, "Terraform Cloud and the
first apply").
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from .._random import ensure_random_provider
from ..engine.core import TerraformProvider
from ..engine.postgresql import DefaultPrivileges, Grant, PostgresqlProvider, Role as SqlRole
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

    @property
    def name(self) -> str:
        """The role name (a reference, so users of it depend on its creation)."""
        return self.role.name

    @property
    def password_value(self) -> str:
        """The password: a reference to a sensitive value."""
        return self.password.result


def database_provider(scope: Construct, id_: str, *, alias: str, host: str, database: str, username: str, password: str, pg_version: int) -> PostgresqlProvider:
    """A ``postgresql`` provider alias for one database, logged in as its owner over verified TLS (direct host)."""
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


def secure_database(scope: Construct, *, alias: str, host: str, database: str, username: str, password: str, pg_version: int) -> PostgresqlProvider:
    """The database's provider (``Provider``, logged in as ``username``, its owner) and ``PUBLIC``'s privileges revoked."""
    provider = database_provider(scope, "Provider", alias=alias, host=host, database=database, username=username, password=password, pg_version=pg_version)
    revoke_public(scope, provider=provider, database=database)
    return provider


def login_role(scope: Construct, id_: str, *, name: str, provider: TerraformProvider) -> SqlLogin:
    """A ``LOGIN`` role with a generated password and no other attribute: not a superuser, no CREATEDB,
    CREATEROLE, REPLICATION or BYPASSRLS, member of nothing."""
    ensure_random_provider(scope)
    password = Password(scope, f"{id_}Password", length=PASSWORD_LENGTH, special=False)
    role = SqlRole(
        scope,
        id_,
        name=name,
        login=True,
        password=password.result,
        superuser=False,
        create_database=False,
        create_role=False,
        replication=False,
        bypass_row_level_security=False,
        provider=provider,
    )
    return SqlLogin(role, password)


def revoke_public(scope: Construct, *, provider: TerraformProvider, database: str) -> tuple[Grant, Grant]:
    """``REVOKE ALL`` from ``PUBLIC`` on the database (CONNECT, TEMPORARY) and on its schema ``public``."""
    on_database = Grant(scope, "RevokePublicDatabase", database=database, role=PUBLIC_ROLE, object_type="database", privileges=[], provider=provider)
    on_schema = Grant(scope, "RevokePublicSchema", database=database, role=PUBLIC_ROLE, schema=SCHEMA, object_type="schema", privileges=[], provider=provider)
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
) -> list[Grant | DefaultPrivileges]:
    """CONNECT on ``database``, USAGE on its schema, and the given privileges on its tables and sequences,
    now (``postgresql_grant``) and for what ``owner`` creates later (``postgresql_default_privileges``).

    ``sequence_privileges`` may be empty: then the role gets nothing on sequences.
    """
    created: list[Grant | DefaultPrivileges] = [
        Grant(scope, f"{prefix}Connect", database=database, role=role, object_type="database", privileges=["CONNECT"], provider=provider),
        Grant(scope, f"{prefix}SchemaUsage", database=database, role=role, schema=SCHEMA, object_type="schema", privileges=["USAGE"], provider=provider),
    ]
    for kind, privileges in (("table", table_privileges), ("sequence", sequence_privileges)):
        if not privileges:
            continue
        label = kind.capitalize()
        created.append(
            Grant(scope, f"{prefix}{label}s", database=database, role=role, schema=SCHEMA, object_type=kind, privileges=list(privileges), provider=provider)
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
            )
        )
    return created

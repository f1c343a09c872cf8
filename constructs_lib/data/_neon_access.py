"""The per-service and reader resources of ``NeonDatabase``, created under its scope with its ids.

Per service: the ``neon_role`` owner (``<service>-owner``), the ``neon_database``
(``<service>-database``) and, under ``<service>-access``, the owner's ``postgresql`` provider alias,
the service's SQL login role and its grants. Per reader: its login role under ``reader-<name>`` and
its ``SELECT`` grants under each database's ``<service>-access``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from constructs import Construct

from ..engine.core import TerraformResourceLifecycle
from ..engine.postgresql import PostgresqlProvider
from ..providers.neon import Database, Project, Role
from . import _neon_sql as sql
from ._neon_checks import database_name, login_role_name, owner_role_name
from .neon_props import ReaderRole


@dataclass(frozen=True, slots=True)
class ServiceDatabase:
    """A service's database, its owner, the provider that reaches it and the service's login role."""

    owner: Role
    database: Database
    provider: PostgresqlProvider
    login: sql.SqlLogin
    access: Construct
    """The ``<service>-access`` scope its SQL resources live under."""


def service_database(
    scope: Construct, service: str, *, project: Project, alias: str, pg_version: int, protect: TerraformResourceLifecycle | None
) -> ServiceDatabase:
    """Owner role, database, provider alias and the service's read/write login role, under ``scope``."""
    db_name = database_name(service)
    branch = project.default_branch_id
    owner = Role(scope, f"{service}-owner", project_id=project.id, branch_id=branch, name=owner_role_name(service), lifecycle=protect)
    database = Database(scope, f"{service}-database", project_id=project.id, branch_id=branch, name=db_name, owner_name=owner.name, lifecycle=protect)
    access = Construct(scope, f"{service}-access")
    provider = sql.secure_database(
        access,
        alias=f"{alias}_{db_name}",
        host=project.database_host,
        database=database.name,
        username=owner.name,
        password=owner.password,
        pg_version=pg_version,
    )
    login = sql.login_role(access, "Login", name=login_role_name(service), provider=provider)
    sql.grant_access(
        access,
        "Login",
        provider=provider,
        database=database.name,
        owner=owner.name,
        role=login.name,
        table_privileges=sql.SERVICE_TABLE_PRIVILEGES,
        sequence_privileges=sql.SERVICE_SEQUENCE_PRIVILEGES,
    )
    return ServiceDatabase(owner, database, provider, login, access)


def reader_login(scope: Construct, reader: ReaderRole, databases: Mapping[str, ServiceDatabase]) -> sql.SqlLogin:
    """The reader's login role (created through its first database's provider) and ``SELECT`` on each of its databases."""
    first = databases[reader.services[0]]
    login = sql.login_role(Construct(scope, f"reader-{reader.name}"), "Login", name=reader.name, provider=first.provider)
    for service in reader.services:
        entry = databases[service]
        sql.grant_access(
            entry.access,
            f"{reader.name}-",
            provider=entry.provider,
            database=entry.database.name,
            owner=entry.owner.name,
            role=login.name,
            table_privileges=sql.READ_PRIVILEGES,
            sequence_privileges=sql.READ_PRIVILEGES if reader.sequences else (),
        )
    return login

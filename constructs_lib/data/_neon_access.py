"""The per-service and reader resources of ``NeonDatabase``, created under its scope with its ids.

Per service: the ``neon_database`` (``<service>-database``) and, under ``<service>-access``, its
SQL owner role (``Owner``), the administrator's membership in it (``AdminMembership``), the
service's SQL login role (``Login``), their grants and ``PUBLIC``'s revocations. Per reader: its
login role under ``reader-<name>`` and its ``SELECT`` grants under each database's
``<service>-access``. Every SQL statement runs through the administrator's provider.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from constructs import Construct

from ..engine.core import TerraformResourceLifecycle
from ..engine.postgresql import GrantRole, PostgresqlProvider
from ..providers.neon import Database, Project
from . import _neon_sql as sql
from ._neon_props_validation import database_name, login_role_name, owner_role_name
from .neon_props import ReaderRole


@dataclass(frozen=True, slots=True)
class ServiceDatabase:
    """A service's database, its SQL owner, the administrator's membership in it and the service's login role."""

    owner: sql.SqlLogin
    database: Database
    membership: GrantRole
    """``GRANT <db>_owner TO <administrator>``: database grants wait for it."""
    login: sql.SqlLogin
    access: Construct
    """The ``<service>-access`` scope its SQL resources live under."""


def service_database(
    scope: Construct, service: str, *, project: Project, admin: PostgresqlProvider, protect: TerraformResourceLifecycle | None
) -> ServiceDatabase:
    """Owner role, database and the service's read/write login role, under ``scope``, all created by the administrator."""
    branch = project.default_branch_id
    access = Construct(scope, f"{service}-access")
    # Dropping the owner would drop or reassign what it owns: protected like the database.
    owner = sql.login_role(access, "Owner", name=owner_role_name(service), provider=admin, lifecycle=protect)
    membership = sql.admin_membership(access, "AdminMembership", admin=project.database_user, role=owner.name, provider=admin)
    database = Database(
        scope, f"{service}-database", project_id=project.id, branch_id=branch, name=database_name(service), owner_name=owner.name, lifecycle=protect
    )
    sql.revoke_public(access, provider=admin, database=database.name, depends_on=[membership])
    login = sql.login_role(access, "Login", name=login_role_name(service), provider=admin)
    sql.grant_access(
        access,
        "Login",
        provider=admin,
        database=database.name,
        owner=owner.name,
        role=login.name,
        table_privileges=sql.SERVICE_TABLE_PRIVILEGES,
        sequence_privileges=sql.SERVICE_SEQUENCE_PRIVILEGES,
        depends_on=[membership],
    )
    return ServiceDatabase(owner, database, membership, login, access)


def reader_login(scope: Construct, reader: ReaderRole, databases: Mapping[str, ServiceDatabase], *, admin: PostgresqlProvider) -> sql.SqlLogin:
    """The reader's login role (created by the administrator, so no owner administers it) and ``SELECT`` on each of its databases."""
    login = sql.login_role(Construct(scope, f"reader-{reader.name}"), "Login", name=reader.name, provider=admin, bypass_row_security=reader.bypass_row_security)
    for service in reader.services:
        entry = databases[service]
        sql.grant_access(
            entry.access,
            f"{reader.name}-",
            provider=admin,
            database=entry.database.name,
            owner=entry.owner.name,
            role=login.name,
            table_privileges=sql.READ_PRIVILEGES,
            sequence_privileges=sql.READ_PRIVILEGES if reader.sequences else (),
            depends_on=[entry.membership],
        )
    return login

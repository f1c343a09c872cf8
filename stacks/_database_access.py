"""How the platform's consumers reach the Neon database.

``PlatformStack`` calls these while composing a stack: which reader roles exist, what each
Railway service receives (its own login role's URLs, the backup job's libpq
settings), and what leaves the stack as sensitive outputs (migration URLs, the AI
service's analytics URLs and AWS key). Everything here is a reference to a sensitive
Terraform value, never text.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from constructs_lib.data.neon_database import NeonDatabase
from constructs_lib.data.neon_props import ReaderRole
from constructs_lib.engine.core import TerraformOutput
from environments import EnvironmentConfig

from .phases import Component, PhasePlan, ServiceSpec

if TYPE_CHECKING:
    from .platform import PlatformStack

BACKUP_READER = "backup_reader"
"""SQL role of the backup job: SELECT on every service database (tables and sequences)."""
ANALYTICS_READER = "analytics_reader"
"""SQL role of the AI service: SELECT on the ``analytics_source`` databases, through the analytics compute."""


def database_readers(plan: PhasePlan) -> tuple[ReaderRole, ...]:
    """``backup_reader`` (every service database, tables and sequences) when the plan has the backup job;
    ``analytics_reader`` (the ``analytics_source`` databases) with the analytics compute."""
    owners = tuple(s.name for s in plan.services if s.owns_database)
    readers = []
    if owners and any(s.backs_up_databases for s in plan.services):
        readers.append(ReaderRole(name=BACKUP_READER, services=owners, sequences=True))
    analytics = tuple(s.name for s in plan.services if s.analytics_source and s.owns_database)
    if plan.has(Component.NEON_ANALYTICS) and analytics:
        readers.append(ReaderRole(name=ANALYTICS_READER, services=analytics))
    return tuple(readers)


def replica_readers(config: EnvironmentConfig, plan: PhasePlan) -> set[str]:
    """Services that get ``DATABASE_READ_URL``: ``[neon] replica_readers``, else the plan's ``reads_replica``."""
    configured = config.neon.replica_readers
    return set(configured) if configured is not None else {s.name for s in plan.services if s.reads_replica}


def database_secrets(stack: PlatformStack, spec: ServiceSpec) -> dict[str, str]:
    """The database and key references ``spec`` receives as Railway secret variables.

    ``DATABASE_URL`` (its own SQL login role, pooled host) when it owns data; ``DATABASE_READ_URL`` (the
    same role on the pooled read replica) when it is a replica reader and the replica exists; the backup
    job's ``PGPASSWORD`` (``backup_reader``). Its keys: ``stacks/_keys.py``.
    """
    secrets: dict[str, str] = {}
    database = stack.database
    if spec.owns_database and database is not None:
        connection = database.connection_for(spec.name)
        secrets["DATABASE_URL"] = connection.url
        if connection.read_url is not None and spec.name in replica_readers(stack.config, stack.plan):
            secrets["DATABASE_READ_URL"] = connection.read_url
    if spec.backs_up_databases and database is not None and database.services:
        secrets["PGPASSWORD"] = database.reader_connection(BACKUP_READER).password
    return secrets


def backup_variables(database: NeonDatabase | None) -> dict[str, str]:
    """libpq settings of the backup job: ``backup_reader`` on the primary's direct host over verified TLS
    (``NeonDatabase.reader_connection``).

    ``pg_dump`` reads ``PGHOST``/``PGUSER``/``PGPASSWORD``/``PGSSL*``/``PGCHANNELBINDING``; ``BACKUP_DATABASES``
    lists the databases to dump (space-separated). docs/operations/backups.md has the job's command.
    """
    if database is None or not database.services:
        return {}
    backup = database.reader_connection(BACKUP_READER)
    return {**backup.libpq_environment(), "BACKUP_DATABASES": " ".join(backup.database_names)}


def add_database_consumers(stack: PlatformStack) -> None:
    """Sensitive outputs for what reads the database from outside the stack's Railway services.

    ``<db>_database_migration_url``: each database's owner role on the direct host, for the deployment
    pipeline's migration step (never a service). With the analytics compute: ``ai_<db>_database_url``
    (``analytics_reader`` per analytics database) and the AI service's AWS access key. The AI service
    runs in the VPC: its NAT addresses join the Neon allow-list when the environment has one.
    """
    database = stack.database
    if database is None or not database.services:
        return
    for service in database.services:
        TerraformOutput(
            stack,
            f"{service.replace('-', '_')}_database_migration_url",
            value=database.migration_connection_uri(service),
            sensitive=True,
            description=f"Owner (neon_superuser) connection string of the {service} database, direct host: schema migrations only",
        )
    consumers = [s for s in stack.plan.services if s.reads_analytics]
    if database.analytics_replica is None or not consumers:
        return
    analytics = database.reader_connection(ANALYTICS_READER, analytics_replica=True)
    for spec in consumers:
        noun = spec.name.replace("-", "_")
        for service, url in analytics.urls.items():
            TerraformOutput(
                stack,
                f"{noun}_{service.replace('-', '_')}_database_url",
                value=url,
                sensitive=True,
                description=f"analytics_reader (SELECT only) on the {service} database, through the analytics compute",
            )
        identity = stack.identities.get(spec.name)
        if identity is not None:
            credentials = identity.credentials
            TerraformOutput(
                stack,
                f"{noun}_aws_access_key_id",
                value=credentials.access_key_id,
                sensitive=True,
                description=f"Access key id of the {spec.name} service's own AWS identity",
            )
            TerraformOutput(
                stack,
                f"{noun}_aws_secret_access_key",
                value=credentials.secret_access_key,
                sensitive=True,
                description=f"Secret access key of the {spec.name} service's own AWS identity",
            )
    vpc = stack.network.vpc if stack.network is not None else None
    if vpc is not None:
        database.allow_connections_from(*vpc.nat_public_ips)

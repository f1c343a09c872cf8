"""How the platform's consumers reach the Neon database.

``PlatformStack`` calls these while composing a stack: the Neon project (``add_neon_database``), which reader roles exist, what each
Railway service receives (its own login role's URLs, its database owner's URL for migrations,
the backup job's libpq settings; its keys: ``stacks/_keys.py``), and what the AI service, which runs outside
Railway, reads from AWS Secrets Manager (its analytics URLs). No database URL, password or
key leaves the stack as an output. Everything here is a reference to a sensitive Terraform
value, never text.
"""

from __future__ import annotations

from collections.abc import Mapping

from constructs import Construct

from constructs_lib.data.neon_database import NeonDatabase
from constructs_lib.data.neon_props import NeonDatabaseProps, ReaderRole
from constructs_lib.network.network_baseline import NetworkBaseline
from constructs_lib.providers.neon import NeonProvider
from constructs_lib.storage.service_identity import ServiceIdentity
from constructs_lib.storage.service_secret import ServiceSecret, ServiceSecretProps
from environments import EnvironmentConfig
from platform_plan.phases import Component, PhasePlan, ServiceSpec

BACKUP_READER = "backup_reader"
"""SQL role of the backup job: SELECT on every service database (tables and sequences), BYPASSRLS so
``pg_dump`` dumps every row of a table with row-level security."""
ANALYTICS_READER = "analytics_reader"
"""SQL role of the AI service: SELECT on the ``analytics_source`` databases, through the analytics compute."""


def add_neon_database(scope: Construct, config: EnvironmentConfig, plan: PhasePlan) -> NeonDatabase:
    """The Neon provider and project, a database and least-privilege login role per data-owning service, replicas and
    readers (``database_readers``)."""
    NeonProvider(scope, "neon")
    return NeonDatabase(
        scope,
        "Database",
        NeonDatabaseProps.from_settings(
            config.neon,
            project_name=config.name_prefix,
            services=tuple(s.name for s in plan.services if s.owns_database),
            read_replica=plan.has(Component.NEON_READ_REPLICA),
            analytics_replica=plan.has(Component.NEON_ANALYTICS),
            readers=database_readers(plan),
        ),
    )


def database_readers(plan: PhasePlan) -> tuple[ReaderRole, ...]:
    """``backup_reader`` (every service database, tables and sequences, BYPASSRLS) when the plan has the
    backup job; ``analytics_reader`` (the ``analytics_source`` databases) with the analytics compute."""
    owners = tuple(s.name for s in plan.services if s.owns_database)
    readers = []
    if owners and any(s.backs_up_databases for s in plan.services):
        readers.append(ReaderRole(name=BACKUP_READER, services=owners, sequences=True, bypass_row_security=True))
    analytics = tuple(s.name for s in plan.services if s.analytics_source and s.owns_database)
    if plan.has(Component.NEON_ANALYTICS) and analytics:
        readers.append(ReaderRole(name=ANALYTICS_READER, services=analytics))
    return tuple(readers)


def replica_readers(config: EnvironmentConfig, plan: PhasePlan) -> set[str]:
    """Services that get ``DATABASE_READ_URL``: ``[neon] replica_readers``, else the plan's ``reads_replica``."""
    configured = config.neon.replica_readers
    return set(configured) if configured is not None else {s.name for s in plan.services if s.reads_replica}


def database_secrets(config: EnvironmentConfig, plan: PhasePlan, database: NeonDatabase | None, spec: ServiceSpec) -> dict[str, str]:
    """The database and key references ``spec`` receives as Railway secret variables.

    When it owns data: ``DATABASE_URL`` (its own SQL login role, pooled host) and
    ``MIGRATION_DATABASE_URL`` (its database's owner, direct host: the service's pre-deploy migration
    step; Railway has no per-step variables); ``DATABASE_READ_URL`` (the same login role on the pooled
    read replica) when it is a replica reader and the replica exists. The backup job's ``PGPASSWORD``
    (``backup_reader``). Its keys: ``stacks/_keys.py``.
    """
    secrets: dict[str, str] = {}
    if spec.owns_database and database is not None:
        connection = database.connection_for(spec.name)
        secrets["DATABASE_URL"] = connection.url
        secrets["MIGRATION_DATABASE_URL"] = connection.migration_url
        if connection.read_url is not None and spec.name in replica_readers(config, plan):
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


def add_database_consumers(
    scope: Construct,
    config: EnvironmentConfig,
    plan: PhasePlan,
    *,
    database: NeonDatabase | None,
    identities: Mapping[str, ServiceIdentity],
    network: NetworkBaseline | None,
) -> dict[str, ServiceSecret]:
    """What reads the database from outside the stack's Railway services: the AI service.

    With the analytics compute, each ``reads_analytics`` service that has an AWS identity gets the
    ``ServiceSecret`` ``<prefix>/<service>/analytics-database``: ``<DB>_DATABASE_URL`` per analytics
    database (``analytics_reader`` through the analytics compute), readable by that identity alone (and
    Terraform's runs, which write it). The AI service runs in the VPC: its NAT addresses join the Neon
    allow-list when the environment has one. Returns the secrets by service.
    """
    secrets: dict[str, ServiceSecret] = {}
    if database is None or not database.services:
        return secrets
    consumers = [s for s in plan.services if s.reads_analytics]
    if database.analytics_replica is None or not consumers:
        return secrets
    analytics = database.reader_connection(ANALYTICS_READER, analytics_replica=True)
    for spec in consumers:
        identity = identities.get(spec.name)
        if identity is None:
            continue
        values = {f"{service.upper().replace('-', '_')}_DATABASE_URL": url for service, url in analytics.urls.items()}
        secrets[spec.name] = ServiceSecret(
            scope,
            f"Secret-{spec.name}-analytics-database",
            ServiceSecretProps(
                name=f"{config.name_prefix}/{spec.name}/analytics-database",
                reader=identity,
                values=values,
                description=f"analytics_reader (SELECT only) connection strings of the {spec.name} service, through the analytics compute",
                protect_from_destroy=config.neon.protect_from_destroy,
            ),
        )
    vpc = network.vpc if network is not None else None
    if vpc is not None:
        database.allow_connections_from(*vpc.nat_public_ips)
    return secrets

"""The Railway part of a ``PlatformStack``: the environment's project, the services' keys and one RailwayService per plan service.

``add_services`` takes what the services are given (the database, the buckets, the service identities, their
telemetry) and returns
what it created as ``Services``; each service's variables and secrets are assembled here from those inputs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from constructs import Construct

from constructs_lib.compute.railway_project import RailwayProject, RailwayProjectProps
from constructs_lib.compute.railway_service import RailwayService, RailwayServiceProps
from constructs_lib.compute.railway_source import RegionReplicas, RepoSource
from constructs_lib.data.neon_database import NeonDatabase
from constructs_lib.providers.railway import RailwayProvider
from constructs_lib.storage.secure_s3 import SecureS3
from constructs_lib.storage.service_identity import ServiceIdentity
from environments import EnvironmentConfig
from platform_plan.phases import PhasePlan, ServiceSpec

from . import _database_access as data_access, _keys as keys, _storage as storage
from ._telemetry import Telemetry

BACKUP_JOB_FOLDER = "services/db-backup"
"""The backup job's folder in this repository (Dockerfile, backup.sh, railway.toml), built from ``[backups] job_repo``."""
SERVICE_PORT = 8080


@dataclass(frozen=True, slots=True)
class Services:
    """What ``add_services`` created."""

    project: RailwayProject
    services: Mapping[str, RailwayService]
    """The environment's Railway services by name."""
    keys: keys.ServiceKeys
    """Each PHI service's KMS field key and the raw keys (``stacks/_keys.py``)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class _ServiceInputs:
    """What every service of the environment may be given: the stack's other parts, read-only."""

    config: EnvironmentConfig
    plan: PhasePlan
    database: NeonDatabase | None
    buckets: Mapping[str, SecureS3]
    identities: Mapping[str, ServiceIdentity]
    keys: keys.ServiceKeys
    telemetry: Telemetry

    @property
    def railway_names(self) -> set[str]:
        return {spec.name for spec in self.plan.services if spec.runs_on_railway}

    def secrets(self, spec: ServiceSpec) -> dict[str, str]:
        """Sensitive references a service receives.

        Its database URLs (its own SQL login role) and the backup job's password
        (``data_access.database_secrets``), its raw keys (``ServiceKeys.secrets``), and the access key of
        its own AWS identity when it has one (S3 grants, a KMS field key).
        """
        secrets = {**data_access.database_secrets(self.config, self.plan, self.database, spec), **self.keys.secrets(spec)}
        identity = self.identities.get(spec.name)
        if identity is not None:
            credentials = identity.credentials
            secrets["AWS_ACCESS_KEY_ID"] = credentials.access_key_id
            secrets["AWS_SECRET_ACCESS_KEY"] = credentials.secret_access_key
        return secrets

    def props(self, spec: ServiceSpec, project: RailwayProject, callees: Mapping[str, RailwayService]) -> RailwayServiceProps:
        """``spec``'s RailwayService settings; ``callees`` are the services it calls, already created."""
        config, railway = self.config, self.config.railway
        variables = {
            "PLATFORM_ENV": config.name,
            **storage.storage_variables(config, self.plan, self.buckets, spec),
            **self.keys.variables(spec, config.aws_region),
            **self.telemetry.variables(spec.name),
        }
        for callee in spec.calls:
            if callee in self.railway_names:
                variables[f"{callee.upper().replace('-', '_')}_URL"] = callees[callee].private_url
        if spec.backs_up_databases:
            variables.update(data_access.backup_variables(self.database))
        job = spec.is_job
        schedule = config.backups.schedule if spec.backs_up_databases else spec.cron_schedule
        return RailwayServiceProps(
            name=spec.name,
            project=project,
            source=service_source(config, spec),
            # Railway never changes replica counts by itself: a service runs the environment's fixed
            # count in its region; a cron job runs exactly one replica (a Railway rule).
            regions=[RegionReplicas(region=railway.region, replicas=1 if job else config.replicas)],
            cron_schedule=schedule,
            port=None if job else SERVICE_PORT,
            variables=variables,
            secrets=self.secrets(spec),
            non_secret_names=keys.NON_SECRET_KEY_VARIABLES & set(variables),
            custom_domain=f"{spec.hostname_label}.{config.public_domain}" if spec.public else None,
            protect_from_destroy=railway.protect_from_destroy,
        )


def add_services(
    scope: Construct,
    config: EnvironmentConfig,
    plan: PhasePlan,
    *,
    database: NeonDatabase | None,
    buckets: Mapping[str, SecureS3],
    identities: Mapping[str, ServiceIdentity],
    telemetry: Telemetry,
) -> Services:
    """One private Railway project for the environment, the services' keys and one RailwayService per Railway service of the plan.

    Callees first, so a caller's ``<NAME>_URL`` comes from the callee's own ``private_url``; services that call each
    other in a cycle are refused.
    """
    railway = config.railway
    RailwayProvider(scope, "railway")
    project = RailwayProject(
        scope,
        "Railway",
        RailwayProjectProps(
            name=config.name_prefix,
            environment_name=config.name,
            description=f"{config.project} platform, {config.name} environment",
            workspace_id=railway.workspace_id,
            protect_from_destroy=railway.protect_from_destroy,
        ),
    )
    inputs = _ServiceInputs(
        config=config,
        plan=plan,
        database=database,
        buckets=buckets,
        identities=identities,
        keys=keys.add_service_keys(scope, config, plan, identities),
        telemetry=telemetry,
    )
    services: dict[str, RailwayService] = {}
    pending = [spec for spec in plan.services if spec.runs_on_railway]
    while pending:
        ready = [s for s in pending if all(c in services for c in s.calls if c in inputs.railway_names)]
        if not ready:
            raise ValueError(f"{scope.node.path}: services call each other in a cycle: {', '.join(s.name for s in pending)}")
        for spec in ready:
            services[spec.name] = RailwayService(project, spec.name, inputs.props(spec, project, services))
        pending = [s for s in pending if s.name not in services]
    return Services(project, services, inputs.keys)


def service_source(config: EnvironmentConfig, spec: ServiceSpec) -> RepoSource:
    """Where Railway builds a service from: its folder of ``[railway] repo``; the backup job from
    ``services/db-backup`` of ``[backups] job_repo`` (this repository), when set."""
    railway, backups = config.railway, config.backups
    if spec.backs_up_databases and backups.job_repo is not None:
        repo, branch, folder = backups.job_repo, backups.job_branch or railway.branch, BACKUP_JOB_FOLDER
    else:
        repo, branch, folder = railway.repo, railway.branch, f"{railway.services_dir}/{spec.name}"
    return RepoSource(repo=repo, branch=branch, root_directory=f"/{folder}", config_path=f"/{folder}/railway.toml")

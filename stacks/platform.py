"""``PlatformStack``: one Terraform stack per environment, composed from the phase plan."""

from __future__ import annotations

from constructs import Construct

from constructs_lib.audit.audit_trail import AuditTrail, AuditTrailProps
from constructs_lib.compute.railway_project import RailwayProject, RailwayProjectProps
from constructs_lib.compute.railway_service import RailwayService, RailwayServiceProps
from constructs_lib.compute.railway_source import RegionReplicas, RepoSource
from constructs_lib.data.app_secret import AppSecret
from constructs_lib.data.field_encryption_key import FieldEncryptionKey
from constructs_lib.data.neon_database import NeonDatabase
from constructs_lib.data.neon_props import NeonDatabaseProps
from constructs_lib.engine.aws import AwsProvider, AwsProviderDefaultTags
from constructs_lib.engine.cloudflare import CloudflareProvider
from constructs_lib.engine.core import LocalBackend, TerraformOutput, TerraformStack
from constructs_lib.guardrails import apply_guardrails
from constructs_lib.network.network_baseline import NetworkBaseline
from constructs_lib.providers.neon import NeonProvider
from constructs_lib.providers.railway import RailwayProvider
from constructs_lib.storage.secure_s3 import SecureS3
from constructs_lib.storage.service_identity import ServiceIdentity
from environments import EnvironmentConfig
from platform_plan.phases import Component, PhasePlan, ServiceSpec

from . import _database_access as data_access, _detection as detection, _edge as edge, _keys as keys, _storage as storage
from .backends import TerraformCloudWorkspace
from .operations import Operations, add_operations

STACK_DATA_CLASSIFICATION = "phi"
BACKUP_JOB_FOLDER = "services/db-backup"
"""The backup job's folder in this repository (Dockerfile, backup.sh, railway.toml), built from ``[backups] job_repo``."""
"""Default DataClassification tag: an environment of this platform holds PHI unless a resource says otherwise."""


class PlatformStack(TerraformStack):
    """The stack of one environment (``dev``, ``staging`` or ``prod``) at its rollout phase.

    Creates the providers (AWS with default tags and ``allowed_account_ids``, Cloudflare; Neon and
    Railway pinned in ``required_providers``), the state backend (``state_backend``: local
    ``terraform.<env>.tfstate``, or the Terraform Cloud workspace ``<prefix>-<env>``) and every
    component the phase plan lists, and the HIPAA guardrail pack (``constructs_lib.guardrails``),
    with production-only rules when ``[guardrails] production`` is set. Credentials come from the process environment at
    deploy time (``AWS_*``, ``CLOUDFLARE_API_TOKEN``, ``NEON_API_KEY``, ``RAILWAY_TOKEN``); in Terraform Cloud from the
    workspace's variable set, AWS from the run's own role (dynamic provider credentials, ``stacks/_tfc_aws.py``).
    """

    def __init__(self, scope: Construct, config: EnvironmentConfig, plan: PhasePlan) -> None:
        super().__init__(scope, config.name)
        self.config = config
        self.plan = plan
        self._configure_backend()
        self._configure_providers()
        # The phase is an output, not a tag: a tag would change on every AWS resource at each
        # promotion, and a promotion must only add resources. The description names the plan's former path: it is
        # synthesized text, kept so every stack stays byte-identical.
        TerraformOutput(self, "platform_phase", value=plan.phase, description="Rollout phase of this environment (stacks/phases.py)")
        self.database: NeonDatabase | None = None
        if plan.has(Component.NEON_DATABASE):
            self._add_neon_database()
        self.network: NetworkBaseline | None = edge.add_network(self) if plan.has(Component.EDGE) else None
        self.buckets: dict[str, SecureS3] = {}
        """SecureS3 buckets by purpose (``audit-logs``, ``medical-documents``, ...)."""
        self.identities: dict[str, ServiceIdentity] = {}
        """AWS identities (IAM user + access key) by service name, for services with S3 grants."""
        if plan.has(Component.STORAGE):
            access_logs = storage.add_storage(self)
            self.access_log_bucket = access_logs.bucket
            """Server access logs of every bucket in the stack's region."""
            self.replica_access_log_bucket = access_logs.replica
            """Server access logs of the replica region's buckets (``[s3] replica_region``), else None."""
        self.audit_trail: AuditTrail | None = None
        if plan.has(Component.AUDIT_TRAIL):
            self._add_audit_trail()
        self.detection: detection.Detection | None = detection.add_detection(self)
        """GuardDuty, Security Hub, AWS Config, Access Analyzer, Macie and the finding routes (stacks/_detection.py)."""
        self.services: dict[str, RailwayService] = {}
        """The environment's Railway services by name (empty before the services component)."""
        if plan.has(Component.SERVICES):
            self._add_services()
        # The AI service's analytics URLs in Secrets Manager (never an output); its NAT addresses join the allow-list.
        self.service_secrets = data_access.add_database_consumers(self)
        """``ServiceSecret`` by service, for services outside Railway (the AI service, phase 4)."""
        self.operations: Operations | None = add_operations(self) if plan.has(Component.OPERATIONS) else None
        """Alert topic, uptime checks, budget, account baseline and dashboard (stacks/operations.py)."""
        self._add_guardrails()

    def _configure_backend(self) -> None:
        tfc = self.config.terraform_cloud
        if tfc is None:
            LocalBackend(self, path=f"terraform.{self.config.name}.tfstate")
        else:
            TerraformCloudWorkspace(self, organization=tfc.organization, workspace=tfc.workspace_name(self.config.name))

    def _add_guardrails(self) -> None:
        # Evaluated at synth over the finished stack, so components added later are covered too.
        apply_guardrails(self, production=self.config.guardrails.production)

    def _configure_providers(self) -> None:
        self._default_tags = [
            AwsProviderDefaultTags(
                tags={
                    "Environment": self.config.name,
                    "Project": self.config.project,
                    "DataClassification": STACK_DATA_CLASSIFICATION,
                    "ManagedBy": "cdktf",
                }
            )
        ]
        # A credential for any other account fails at plan, before anything is changed.
        self._allowed_account_ids = list(self.config.aws_account_ids)
        self.aws = AwsProvider(self, "aws", region=self.config.aws_region, default_tags=self._default_tags, allowed_account_ids=self._allowed_account_ids)
        self.cloudflare = CloudflareProvider(self, "cloudflare")

    def _add_neon_database(self) -> None:
        """The Neon project, a database and least-privilege login role per data-owning service, replicas and readers.

        Readers: ``backup_reader`` (every service database, tables and sequences) when the plan has the
        backup job; ``analytics_reader`` (the ``analytics_source`` databases) with the analytics compute.
        """
        neon = self.config.neon
        self.neon = NeonProvider(self, "neon")
        self.database = NeonDatabase(
            self,
            "Database",
            NeonDatabaseProps(
                project_name=self.config.name_prefix,
                services=tuple(s.name for s in self.plan.services if s.owns_database),
                region_id=neon.region_id,
                pg_version=neon.pg_version,
                history_retention_seconds=self.config.retention_days * 86_400,
                compute_min_cu=neon.compute_min_cu,
                compute_max_cu=neon.compute_max_cu,
                suspend_timeout_seconds=neon.suspend_timeout_seconds,
                hipaa=neon.hipaa,
                protect_from_destroy=neon.protect_from_destroy,
                locked_region_id=neon.locked_region_id,
                locked_pg_version=neon.locked_pg_version,
                org_id=neon.org_id,
                allowed_ips=tuple(neon.allowed_ips),
                block_public_connections=neon.block_public_connections,
                read_replica=self.plan.has(Component.NEON_READ_REPLICA),
                analytics_replica=self.plan.has(Component.NEON_ANALYTICS),
                readers=data_access.database_readers(self.plan),
            ),
        )

    def _add_services(self) -> None:
        """One private Railway project for the environment and one RailwayService per phase-plan service.

        Secrets (each data-owning service's DATABASE_URL from NeonDatabase, S3 credentials from
        SecureS3 grants) are added by passing ``secrets=`` here once those components exist.
        """
        config, railway = self.config, self.config.railway
        RailwayProvider(self, "railway")
        self.railway_project = RailwayProject(
            self,
            "Railway",
            RailwayProjectProps(
                name=config.name_prefix,
                environment_name=config.name,
                description=f"{config.project} platform, {config.name} environment",
                workspace_id=railway.workspace_id,
                protect_from_destroy=railway.protect_from_destroy,
            ),
        )
        self.field_keys: dict[str, FieldEncryptionKey] = keys.add_field_encryption_keys(self)
        """Each PHI service's own KMS field key, by service (stacks/_keys.py)."""
        self.app_secrets: dict[str, dict[str, AppSecret]] = keys.add_app_secrets(self)
        """Raw keys generated into state, by service and variable (auth's ``JWT_SIGNING_KEY``; ``FIELD_ENCRYPTION_KEY``
        of ``[field_encryption] raw_key_services``)."""
        pending = [spec for spec in self.plan.services if spec.runs_on_railway]
        # Callees first, so a caller's <NAME>_URL comes from the callee's own private_url.
        while pending:
            ready = [s for s in pending if all(c in self.services for c in s.calls if c in self._railway_names())]
            if not ready:
                raise ValueError(f"{self.node.path}: services call each other in a cycle: {', '.join(s.name for s in pending)}")
            for spec in ready:
                self.services[spec.name] = RailwayService(self.railway_project, spec.name, self._service_props(spec))
            pending = [s for s in pending if s.name not in self.services]
        edge.publish_hostnames(self)

    def _service_secrets(self, spec: ServiceSpec) -> dict[str, str]:
        """Sensitive references a service receives.

        Its database URLs (its own SQL login role) and the backup job's password
        (``data_access.database_secrets``), its raw keys (``keys.key_secrets``), and the access key of
        its own AWS identity when it has one (S3 grants, a KMS field key).
        """
        secrets = {**data_access.database_secrets(self, spec), **keys.key_secrets(self, spec)}
        identity = self.identities.get(spec.name)
        if identity is not None:
            credentials = identity.credentials
            secrets["AWS_ACCESS_KEY_ID"] = credentials.access_key_id
            secrets["AWS_SECRET_ACCESS_KEY"] = credentials.secret_access_key
        return secrets

    def _railway_names(self) -> set[str]:
        return {spec.name for spec in self.plan.services if spec.runs_on_railway}

    def _service_props(self, spec: ServiceSpec) -> RailwayServiceProps:
        config, railway = self.config, self.config.railway
        variables = {"PLATFORM_ENV": config.name, **storage.storage_variables(self, spec), **keys.key_variables(self, spec)}
        for callee in spec.calls:
            if callee in self._railway_names():
                variables[f"{callee.upper().replace('-', '_')}_URL"] = self.services[callee].private_url
        if spec.backs_up_databases:
            variables.update(data_access.backup_variables(self.database))
        job = spec.is_job
        schedule = self.config.backups.schedule if spec.backs_up_databases else spec.cron_schedule
        return RailwayServiceProps(
            name=spec.name,
            project=self.railway_project,
            source=self._source(spec),
            # Railway never changes replica counts by itself: a service runs the environment's fixed
            # count in its region; a cron job runs exactly one replica (a Railway rule).
            regions=[RegionReplicas(region=railway.region, replicas=1 if job else config.replicas)],
            cron_schedule=schedule,
            port=None if job else 8080,
            variables=variables,
            secrets=self._service_secrets(spec),
            non_secret_names=keys.NON_SECRET_KEY_VARIABLES & set(variables),
            custom_domain=f"{spec.hostname_label}.{config.public_domain}" if spec.public else None,
            protect_from_destroy=railway.protect_from_destroy,
        )

    def _source(self, spec: ServiceSpec) -> RepoSource:
        """Where Railway builds a service from: its folder of ``[railway] repo``; the backup job from
        ``services/db-backup`` of ``[backups] job_repo`` (this repository), when set."""
        railway, backups = self.config.railway, self.config.backups
        if spec.backs_up_databases and backups.job_repo is not None:
            repo, branch, folder = backups.job_repo, backups.job_branch or railway.branch, BACKUP_JOB_FOLDER
        else:
            repo, branch, folder = railway.repo, railway.branch, f"{railway.services_dir}/{spec.name}"
        return RepoSource(repo=repo, branch=branch, root_directory=f"/{folder}", config_path=f"/{folder}/railway.toml")

    def _add_audit_trail(self) -> None:
        """The trail into the ``audit-logs`` bucket; PHI buckets of this and later phases are found at synthesis."""
        audit = self.config.audit
        self.audit_trail = AuditTrail(
            self,
            "AuditTrail",
            AuditTrailProps(
                name_prefix=self.config.name_prefix,
                log_bucket=self.buckets.get("audit-logs"),  # type: ignore[arg-type]  # AuditTrail rejects a missing bucket
                alert_emails=tuple(audit.alert_emails),
                alert_https_endpoints=tuple(audit.https_endpoints),
                log_retention_days=audit.log_retention_days,
                allow_short_log_retention=audit.allow_short_log_retention,
                alarm_period_seconds=audit.alarm_period_seconds,
                alarm_evaluation_periods=audit.alarm_evaluation_periods,
                unauthorized_api_calls_threshold=audit.unauthorized_api_calls_threshold,
                console_signin_failures_threshold=audit.console_signin_failures_threshold,
                change_alarm_threshold=audit.change_alarm_threshold,
                protect_from_destroy=audit.protect_from_destroy,
                log_reader_arn=audit.log_reader_arn,
            ),
        )

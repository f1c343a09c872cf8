"""``PlatformStack``: one Terraform stack per environment, composed from the phase plan.

Each part is a function of the environment, the plan and the parts it builds on, and returns what it created
(``stacks/_storage.py``, ``_services.py``, ``_edge.py``, ...): the order below is the order of those inputs.
"""

from __future__ import annotations

from constructs import Construct

from constructs_lib.audit.audit_trail import AuditTrail, AuditTrailProps
from constructs_lib.compute.railway_project import RailwayProject
from constructs_lib.compute.railway_service import RailwayService
from constructs_lib.data.app_secret import AppSecret
from constructs_lib.data.field_encryption_key import FieldEncryptionKey
from constructs_lib.data.neon_database import NeonDatabase
from constructs_lib.engine.cloudflare import CloudflareProvider
from constructs_lib.engine.core import LocalBackend, TerraformOutput, TerraformStack
from constructs_lib.guardrails import HipaaRulePack, apply_guardrails
from constructs_lib.network.network_baseline import NetworkBaseline
from constructs_lib.storage.access_log_bucket import AccessLogBucket
from constructs_lib.storage.secure_s3 import SecureS3
from constructs_lib.storage.service_identity import ServiceIdentity
from constructs_lib.storage.service_secret import ServiceSecret
from environments import EnvironmentConfig
from platform_plan.phases import Component, PhasePlan

from . import _database_access as data_access, _detection as detection, _edge as edge, _services as railway, _storage as storage, _telemetry as telemetry
from ._aws_settings import aws_provider_settings
from ._operations import Operations, add_operations
from .backends import TerraformCloudWorkspace

AUDIT_LOG_BUCKET = "audit-logs"
"""The bucket purpose (``platform_plan.phases.BUCKETS``) the audit trail writes into."""


class PlatformStack(TerraformStack):
    """The stack of one environment (``dev``, ``staging`` or ``prod``) at its rollout phase.

    Creates the providers (AWS with default tags and ``allowed_account_ids``, Cloudflare; Neon and
    Railway pinned in ``required_providers``), the state backend (``state_backend``: local
    ``terraform.<env>.tfstate``, or the Terraform Cloud workspace ``<prefix>-<env>``) and every
    component the phase plan lists, and the HIPAA guardrail pack (``constructs_lib.guardrails``),
    with production-only rules when ``[guardrails] production`` is set. Credentials come from the process environment at
    deploy time (``AWS_*``, ``CLOUDFLARE_API_TOKEN``, ``NEON_API_KEY``, ``RAILWAY_TOKEN``); in Terraform Cloud from the
    workspace's variable set, AWS from the run's own role (dynamic provider credentials, ``stacks/_tfc_aws.py``).
    The attributes are what the parts returned, for tests and callers to read.
    """

    def __init__(self, scope: Construct, config: EnvironmentConfig, plan: PhasePlan) -> None:
        super().__init__(scope, config.name)
        self.config = config
        self.plan = plan
        self._configure_backend()
        aws = aws_provider_settings(config)
        self.aws = aws.provider(self, "aws", region=config.aws_region)
        self.cloudflare = CloudflareProvider(self, "cloudflare")
        # The phase is an output, not a tag: a tag would change on every AWS resource at each
        # promotion, and a promotion must only add resources.
        TerraformOutput(self, "platform_phase", value=plan.phase, description="Rollout phase of this environment (platform_plan/phases.py)")
        self.database: NeonDatabase | None = data_access.add_neon_database(self, config, plan) if plan.has(Component.NEON_DATABASE) else None
        self.network: NetworkBaseline | None = edge.add_network(self, config, plan) if plan.has(Component.EDGE) else None
        self.identities: dict[str, ServiceIdentity] = dict(storage.add_service_identities(self, config, plan))
        """AWS identities (IAM user + access key) by service name, for services with S3 grants, a telemetry path or a KMS field key."""
        stored = storage.add_storage(self, config, plan, aws, self.identities) if plan.has(Component.STORAGE) else None
        self.buckets: dict[str, SecureS3] = dict(stored.buckets) if stored is not None else {}
        """SecureS3 buckets by purpose (``audit-logs``, ``medical-documents``, ...)."""
        self.access_log_bucket: AccessLogBucket | None = stored.access_log_bucket if stored is not None else None
        """Server access logs of every bucket in the stack's region."""
        self.replica_access_log_bucket: AccessLogBucket | None = stored.replica_access_log_bucket if stored is not None else None
        """Server access logs of the replica region's buckets (``[s3] replica_region``), else None."""
        self.audit_trail: AuditTrail | None = add_audit_trail(self, config, self.buckets.get(AUDIT_LOG_BUCKET)) if plan.has(Component.AUDIT_TRAIL) else None
        self.detection: detection.Detection | None = detection.add_detection(self, config, plan, buckets=self.buckets, trail=self.audit_trail)
        """GuardDuty, Security Hub, AWS Config, Access Analyzer, Macie and the finding routes (stacks/_detection.py)."""
        self.telemetry: telemetry.Telemetry = telemetry.add_telemetry(self, config, plan, self.identities)
        """Each monitored service's log group, namespace and write grant, and the log reader role (stacks/_telemetry.py)."""
        services = (
            railway.add_services(self, config, plan, database=self.database, buckets=self.buckets, identities=self.identities, telemetry=self.telemetry)
            if plan.has(Component.SERVICES)
            else None
        )
        self.railway_project: RailwayProject | None = services.project if services is not None else None
        self.services: dict[str, RailwayService] = dict(services.services) if services is not None else {}
        """The environment's Railway services by name (empty before the services component)."""
        self.field_keys: dict[str, FieldEncryptionKey] = dict(services.keys.field_keys) if services is not None else {}
        """Each PHI service's own KMS field key, by service (stacks/_keys.py)."""
        self.app_secrets: dict[str, dict[str, AppSecret]] = (
            {name: dict(secrets) for name, secrets in services.keys.app_secrets.items()} if services is not None else {}
        )
        """Raw keys generated into state, by service and variable (auth's ``JWT_SIGNING_KEY``; ``FIELD_ENCRYPTION_KEY``
        of ``[field_encryption] raw_key_services``)."""
        if services is not None and self.network is not None:
            edge.publish_hostnames(self.network, plan, self.services)
        # The AI service's analytics URLs in Secrets Manager (never an output); its NAT addresses join the allow-list.
        self.service_secrets: dict[str, ServiceSecret] = data_access.add_database_consumers(
            self, config, plan, database=self.database, identities=self.identities, network=self.network
        )
        """``ServiceSecret`` by service, for services outside Railway (the AI service, phase 4)."""
        self.operations: Operations | None = (
            add_operations(
                self,
                config,
                plan,
                aws,
                network=self.network,
                services=self.services,
                buckets=self.buckets,
                audit_trail=self.audit_trail,
                telemetry=self.telemetry,
            )
            if plan.has(Component.OPERATIONS)
            else None
        )
        """Alert topic, uptime checks, budget, account baseline and dashboard (stacks/_operations.py)."""
        self.guardrails: HipaaRulePack = apply_guardrails(self, production=config.guardrails.production)
        """The compliance pack, evaluated at synthesis over the finished stack (components added later are covered too)."""

    def _configure_backend(self) -> None:
        tfc = self.config.terraform_cloud
        if tfc is None:
            LocalBackend(self, path=f"terraform.{self.config.name}.tfstate")
        else:
            TerraformCloudWorkspace(self, organization=tfc.organization, workspace=tfc.workspace_name(self.config.name))


def add_audit_trail(scope: Construct, config: EnvironmentConfig, log_bucket: SecureS3 | None) -> AuditTrail:
    """The trail into the ``audit-logs`` bucket; PHI buckets of this and later phases are found at synthesis."""
    # The section is the library's AuditSettings: every value passes as it is, under its one name.
    props = AuditTrailProps.from_settings(config.audit, name_prefix=config.name_prefix, log_bucket=log_bucket)  # type: ignore[arg-type]  # AuditTrail rejects a missing bucket
    return AuditTrail(scope, "AuditTrail", props)

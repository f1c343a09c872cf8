"""``PlatformStack``: one Terraform stack per environment, composed from the phase plan."""

from __future__ import annotations

from cdktf import CloudBackend, LocalBackend, NamedCloudWorkspace, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from cdktf_cdktf_provider_cloudflare.provider import CloudflareProvider
from constructs import Construct

from constructs_lib.audit_trail import AuditTrail, AuditTrailProps
from constructs_lib.neon_database import NeonDatabase, NeonDatabaseProps
from constructs_lib.providers.neon import NeonProvider
from constructs_lib.baseline_vpc import NatGateways, VpcProps
from constructs_lib.cloudflare_edge import EdgeProps
from constructs_lib.edge_policy import CloudflarePlan
from constructs_lib.network_baseline import NetworkBaseline, NetworkBaselineProps
from constructs_lib.access_log_bucket import AccessLogBucket, AccessLogBucketProps
from constructs_lib.secure_s3 import SecureS3, SecureS3Props
from constructs_lib.service_identity import ServiceIdentity, ServiceIdentityProps
from constructs_lib.storage_types import ObjectLockMode
from constructs_lib.providers.versions import NEON, RAILWAY
from environments import EnvironmentConfig

from .phases import Component, PhasePlan

STACK_DATA_CLASSIFICATION = "phi"
"""Default DataClassification tag: an environment of this platform holds PHI unless a resource says otherwise."""


class PlatformStack(TerraformStack):
    """The stack of one environment (``dev``, ``staging`` or ``prod``) at its rollout phase.

    Creates the providers (AWS with default tags, Cloudflare; Neon and Railway pinned in
    ``required_providers``), the state backend (local ``terraform.<env>.tfstate``, or
    the Terraform Cloud workspace ``<prefix>-<env>`` when configured) and every
    component the phase plan lists. Credentials come from the process environment at
    deploy time (``AWS_*``, ``CLOUDFLARE_API_TOKEN``, ``NEON_API_KEY``, ``RAILWAY_TOKEN``).
    """

    def __init__(self, scope: Construct, config: EnvironmentConfig, plan: PhasePlan) -> None:
        super().__init__(scope, config.name)
        self.config = config
        self.plan = plan
        self._configure_backend()
        self._configure_providers()
        self.database: NeonDatabase | None = None
        if plan.has(Component.NEON_DATABASE):
            self._add_neon_database()
        self.network: NetworkBaseline | None = None
        if plan.has(Component.EDGE):
            self._add_network()
        self.buckets: dict[str, SecureS3] = {}
        """SecureS3 buckets by purpose (``audit-logs``, ``medical-documents``, ...)."""
        self.identities: dict[str, ServiceIdentity] = {}
        """AWS identities (IAM user + access key) by service name, for services with S3 grants."""
        if plan.has(Component.STORAGE):
            self._add_storage()
        self.audit_trail: AuditTrail | None = None
        if plan.has(Component.AUDIT_TRAIL):
            self._add_audit_trail()

    def _configure_backend(self) -> None:
        tfc = self.config.terraform_cloud
        if tfc is None:
            LocalBackend(self, path=f"terraform.{self.config.name}.tfstate")
        else:
            CloudBackend(
                self,
                organization=tfc.organization,
                workspaces=NamedCloudWorkspace(f"{tfc.workspace_prefix}-{self.config.name}"),
            )

    def _configure_providers(self) -> None:
        self._default_tags = [
            AwsProviderDefaultTags(
                tags={
                    "Environment": self.config.name,
                    "Phase": str(self.plan.phase),
                    "Project": self.config.project,
                    "DataClassification": STACK_DATA_CLASSIFICATION,
                    "ManagedBy": "cdktf",
                }
            )
        ]
        self.aws = AwsProvider(self, "aws", region=self.config.aws_region, default_tags=self._default_tags)
        self.cloudflare = CloudflareProvider(self, "cloudflare")
        for pin in (NEON, RAILWAY):
            self.add_override(f"terraform.required_providers.{pin.name}", pin.as_required_provider())

    def _add_neon_database(self) -> None:
        neon = self.config.neon
        self.neon = NeonProvider(self, "neon")
        self.database = NeonDatabase(
            self,
            "Database",
            NeonDatabaseProps(
                project_name=f"{self.config.project}-{self.config.name}",
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
                read_replica=self.plan.has(Component.NEON_READ_REPLICA),
                analytics_branch=self.plan.has(Component.NEON_ANALYTICS_BRANCH),
            ),
        )
    def _add_network(self) -> None:
        """The edge (phase 1) and, from its phase on, the VPC; public hostnames are added by the services' wiring."""
        config, cloudflare, network = self.config, self.config.cloudflare, self.config.network
        vpc = None
        if self.plan.has(Component.VPC):
            vpc = VpcProps(
                name_prefix=f"{config.project}-{config.name}",
                cidr=config.vpc_cidr,
                region=config.aws_region,
                availability_zones=config.availability_zones,
                nat_gateways=NatGateways(network.nat_gateways),
                flow_log_retention_days=network.flow_log_retention_days,
                allow_short_flow_log_retention=network.allow_short_flow_log_retention,
            )
        edge = EdgeProps(
            domain=config.domain,
            public_domain=config.public_domain,
            manage_zone_settings=cloudflare.manage_zone,
            plan=CloudflarePlan(cloudflare.plan),
            min_tls_version=cloudflare.min_tls_version,
            hsts_preload=cloudflare.hsts_preload,
            content_security_policy=cloudflare.content_security_policy,
            rate_limit_period_seconds=cloudflare.rate_limit_period_seconds,
            rate_limit_mitigation_seconds=cloudflare.rate_limit_mitigation_seconds,
            api_requests_per_period=cloudflare.api_requests_per_period,
            auth_requests_per_period=cloudflare.auth_requests_per_period,
            advanced_certificate=cloudflare.advanced_certificate,
            health_check_path=cloudflare.health_check_path,
            health_alert_account_id=cloudflare.account_id,
            health_alert_emails=tuple(config.audit.alert_emails) if cloudflare.account_id else (),
        )
        self.network = NetworkBaseline(self, "Network", NetworkBaselineProps(edge=edge, vpc=vpc))

    def _add_audit_trail(self) -> None:
        """The trail into the ``audit-logs`` bucket; PHI buckets of this and later phases are found at synthesis."""
        audit = self.config.audit
        self.audit_trail = AuditTrail(
            self,
            "AuditTrail",
            AuditTrailProps(
                name_prefix=f"{self.config.project}-{self.config.name}",
                log_bucket=self.buckets.get("audit-logs"),  # type: ignore[arg-type]  # AuditTrail rejects a missing bucket
                alert_emails=tuple(audit.alert_emails),
                log_retention_days=audit.log_retention_days,
                allow_short_log_retention=audit.allow_short_log_retention,
                alarm_period_seconds=audit.alarm_period_seconds,
                alarm_evaluation_periods=audit.alarm_evaluation_periods,
                unauthorized_api_calls_threshold=audit.unauthorized_api_calls_threshold,
                console_signin_failures_threshold=audit.console_signin_failures_threshold,
                change_alarm_threshold=audit.change_alarm_threshold,
                protect_from_destroy=audit.protect_from_destroy,
            ),
        )
    def _add_storage(self) -> None:
        """The access-logs bucket, the phase's SecureS3 buckets, service identities and their grants."""
        s3 = self.config.s3
        project, env = self.config.project, self.config.name
        replica_provider = (
            AwsProvider(self, "aws_replica", alias="replica", region=s3.replica_region, default_tags=self._default_tags)
            if s3.replica_region
            else None
        )
        self.access_log_bucket = AccessLogBucket(
            self,
            "AccessLogs",
            AccessLogBucketProps(
                project=project,
                environment=env,
                expiration_days=s3.access_log_expiration_days,
                protect_from_destroy=s3.protect_from_destroy,
            ),
        )
        self.replica_access_log_bucket = (
            AccessLogBucket(
                self,
                "AccessLogsReplica",
                AccessLogBucketProps(
                    project=project,
                    environment=env,
                    purpose=f"access-logs-{s3.replica_region}",
                    expiration_days=s3.access_log_expiration_days,
                    protect_from_destroy=s3.protect_from_destroy,
                    provider=replica_provider,
                ),
            )
            if replica_provider
            else None
        )
        for spec in self.plan.buckets:
            lock = spec.object_lock
            self.buckets[spec.purpose] = SecureS3(
                self,
                f"Bucket-{spec.purpose}",
                SecureS3Props(
                    project=project,
                    environment=env,
                    purpose=spec.purpose,
                    access_log_bucket=self.access_log_bucket,
                    classification=spec.classification,
                    transition_ia_days=spec.transition_ia_days,
                    transition_glacier_days=spec.transition_glacier_days,
                    noncurrent_version_expiration_days=(
                        max(s3.noncurrent_version_expiration_days, s3.audit_log_retention_days)
                        if lock
                        else s3.noncurrent_version_expiration_days
                    ),
                    object_lock_retention_days=s3.audit_log_retention_days if lock else None,
                    object_lock_mode=ObjectLockMode(s3.audit_log_lock_mode) if lock else ObjectLockMode.COMPLIANCE,
                    replica_provider=replica_provider,
                    replica_access_log_bucket=self.replica_access_log_bucket,
                    protect_from_destroy=s3.protect_from_destroy,
                ),
            )
        for grant in self.plan.bucket_grants:
            identity = self.identities.get(grant.service)
            if identity is None:
                identity = ServiceIdentity(
                    self,
                    f"Identity-{grant.service}",
                    ServiceIdentityProps(project=project, environment=env, service=grant.service),
                )
                self.identities[grant.service] = identity
            self.buckets[grant.bucket].grant(identity, grant.access, grant.prefix)

"""``PlatformStack``: one Terraform stack per environment, composed from the phase plan."""

from __future__ import annotations

from cdktf import CloudBackend, LocalBackend, NamedCloudWorkspace, TerraformStack
from cdktf_cdktf_provider_aws.provider import AwsProvider, AwsProviderDefaultTags
from cdktf_cdktf_provider_cloudflare.provider import CloudflareProvider
from constructs import Construct

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
        self.buckets: dict[str, SecureS3] = {}
        """SecureS3 buckets by purpose (``audit-logs``, ``medical-documents``, ...)."""
        self.identities: dict[str, ServiceIdentity] = {}
        """AWS identities (IAM user + access key) by service name, for services with S3 grants."""
        if plan.has(Component.STORAGE):
            self._add_storage()

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

"""The S3 storage of a ``PlatformStack``: access-log buckets, the phase's SecureS3 buckets, service identities and grants.

``PlatformStack`` calls ``add_storage`` once, with the storage component; every construct is
created under the stack itself, so their Terraform addresses are the stack's own.
``storage_variables`` names, for a Railway service, the buckets it was granted.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from constructs_lib.engine.aws import AwsProvider
from constructs_lib.storage.access_log_bucket import AccessLogBucket, AccessLogBucketProps
from constructs_lib.storage.secure_s3 import SecureS3
from constructs_lib.storage.secure_s3_props import SecureS3Props
from constructs_lib.storage.service_identity import ServiceIdentity, ServiceIdentityProps
from constructs_lib.storage.storage_types import ObjectLockMode
from platform_plan.phases import ServiceSpec

if TYPE_CHECKING:
    from .platform import PlatformStack

NO_REPLICA_REASON = "cross-region replication is prod-only by environment config ([s3] replica_region); dev and staging hold no real PHI"
"""Why a bucket of an environment without ``[s3] replica_region`` has no replica (published as its accepted CKV_AWS_144)."""


@dataclass(frozen=True, slots=True)
class AccessLogs:
    """The server-access-log buckets: the stack's region's and, with ``[s3] replica_region``, the replica region's."""

    bucket: AccessLogBucket
    replica: AccessLogBucket | None


def add_storage(stack: PlatformStack) -> AccessLogs:
    """The access-logs bucket(s), the phase's SecureS3 buckets into ``stack.buckets``, and one ServiceIdentity per
    service with a bucket grant into ``stack.identities``, with its grants (a Railway service's pinned to
    ``[railway] static_egress_ips``); the backup restorer's read grant."""
    s3 = stack.config.s3
    project, env = stack.config.project, stack.config.name
    replica_provider = (
        AwsProvider(
            stack,
            "aws_replica",
            alias="replica",
            region=s3.replica_region,
            default_tags=stack._default_tags,  # noqa: SLF001 - the stack's provider settings, shared
            allowed_account_ids=stack._allowed_account_ids,  # noqa: SLF001
        )
        if s3.replica_region
        else None
    )
    access_log_bucket = AccessLogBucket(
        stack,
        "AccessLogs",
        AccessLogBucketProps(
            project=project,
            environment=env,
            expiration_days=s3.access_log_expiration_days,
            protect_from_destroy=s3.protect_from_destroy,
            force_destroy=s3.force_destroy,
        ),
    )
    replica_access_log_bucket = (
        AccessLogBucket(
            stack,
            "AccessLogsReplica",
            AccessLogBucketProps(
                project=project,
                environment=env,
                purpose=f"access-logs-{s3.replica_region}",
                expiration_days=s3.access_log_expiration_days,
                protect_from_destroy=s3.protect_from_destroy,
                force_destroy=s3.force_destroy,
                provider=replica_provider,
            ),
        )
        if replica_provider
        else None
    )
    backups = stack.config.backups
    for spec in stack.plan.buckets:
        lock = spec.object_lock
        # The audit logs keep HIPAA's six years; every dump is locked for as long as it is kept.
        lock_days = s3.audit_log_retention_days if lock else backups.retention_days if spec.backup_retention else None
        lock_mode = s3.audit_log_lock_mode if lock else stack.config.backup_lock_mode if spec.backup_retention else "COMPLIANCE"
        stack.buckets[spec.purpose] = SecureS3(
            stack,
            f"Bucket-{spec.purpose}",
            SecureS3Props(
                project=project,
                environment=env,
                purpose=spec.purpose,
                access_log_bucket=access_log_bucket,
                classification=spec.classification,
                transition_ia_days=spec.transition_ia_days,
                transition_glacier_days=spec.transition_glacier_days,
                glacier_storage_class=spec.glacier_storage_class,
                noncurrent_version_expiration_days=(
                    max(s3.noncurrent_version_expiration_days, s3.audit_log_retention_days)
                    if lock
                    else backups.noncurrent_version_expiration_days
                    if spec.backup_retention
                    else s3.noncurrent_version_expiration_days
                ),
                expiration_days=backups.retention_days if spec.backup_retention else None,
                object_lock_retention_days=lock_days,
                object_lock_mode=ObjectLockMode(lock_mode),
                replica_provider=replica_provider,
                replica_access_log_bucket=replica_access_log_bucket,
                replication_opt_out_reason=None if replica_provider else NO_REPLICA_REASON,
                protect_from_destroy=s3.protect_from_destroy,
                force_destroy=s3.force_destroy,
                # force_destroy passed the loader's check: a disposable environment with synthetic data.
                allow_force_destroy_phi=s3.force_destroy,
            ),
        )
    restorer = backups.restore_reader_arn
    for spec in stack.plan.buckets:
        if spec.backup_retention and restorer is not None:
            stack.buckets[spec.purpose].grant_read_to_principal(restorer, label="BackupRestore")
    for grant in stack.plan.bucket_grants:
        stack.buckets[grant.bucket].grant(service_identity(stack, grant.service), grant.access, grant.prefix)
    return AccessLogs(access_log_bucket, replica_access_log_bucket)


def service_identity(stack: PlatformStack, service: str) -> ServiceIdentity:
    """The AWS identity ``Identity-<service>`` of a service, created (into ``stack.identities``) on first use.

    One per service, whatever needs it first (a bucket grant, its field-encryption key): the construct id,
    hence the Terraform address, is the same either way.
    """
    identity = stack.identities.get(service)
    if identity is None:
        # A Railway service's keys work only from the services' static egress ([railway] static_egress_ips). The AI
        # service runs in the VPC and reaches S3 through its gateway endpoint, where aws:SourceIp does not exist.
        on_railway = any(spec.name == service and spec.runs_on_railway for spec in stack.plan.services)
        sources = tuple(stack.config.railway.static_egress_ips) if on_railway else ()
        identity = ServiceIdentity(
            stack,
            f"Identity-{service}",
            ServiceIdentityProps(project=stack.config.project, environment=stack.config.name, service=service, allowed_source_ips=sources),
        )
        stack.identities[service] = identity
    return identity


def storage_variables(stack: PlatformStack, spec: ServiceSpec) -> dict[str, str]:
    """Plain variables naming the buckets a service was granted (``S3_BUCKET_<PURPOSE>``, with
    ``S3_PREFIX_<PURPOSE>`` when the grant is limited to a prefix) and their region."""
    variables: dict[str, str] = {}
    for grant in stack.plan.bucket_grants:
        if grant.service == spec.name:
            suffix = grant.bucket.upper().replace("-", "_")
            variables[f"S3_BUCKET_{suffix}"] = stack.buckets[grant.bucket].bucket_name
            if grant.prefix:
                variables[f"S3_PREFIX_{suffix}"] = grant.prefix
    if variables:
        variables["AWS_REGION"] = stack.config.aws_region
    return variables

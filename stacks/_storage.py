"""The S3 storage of a ``PlatformStack``: service identities, access-log buckets, the phase's SecureS3 buckets and grants.

``add_service_identities`` creates each service's AWS identity (the holder of its bucket grants, its log-write
grant and its field key); ``add_storage`` the buckets and their grants to those identities, and returns them as ``Storage``.
Every construct is created under the stack itself, so their Terraform addresses are the stack's own.
``storage_variables`` names, for a Railway service, the buckets it was granted.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from constructs import Construct

from constructs_lib.storage.access_log_bucket import AccessLogBucket, AccessLogBucketProps
from constructs_lib.storage.secure_s3 import SecureS3
from constructs_lib.storage.secure_s3_props import SecureS3Props
from constructs_lib.storage.secure_s3_settings import SecureS3Settings
from constructs_lib.storage.service_identity import ServiceIdentity, ServiceIdentityProps
from environments import EnvironmentConfig
from platform_plan.phases import BucketSpec, Component, PhasePlan, ServiceSpec

from ._aws_settings import AwsProviderSettings

NO_REPLICA_REASON = "cross-region replication is prod-only by environment config ([s3] replica_region); dev and staging hold no real PHI"
"""Why a bucket of an environment without ``[s3] replica_region`` has no replica (published as its accepted CKV_AWS_144)."""


@dataclass(frozen=True, slots=True)
class Storage:
    """What ``add_storage`` created."""

    access_log_bucket: AccessLogBucket
    """Server access logs of every bucket in the stack's region."""
    replica_access_log_bucket: AccessLogBucket | None
    """Server access logs of the replica region's buckets (``[s3] replica_region``), else None."""
    buckets: Mapping[str, SecureS3]
    """SecureS3 buckets by purpose (``audit-logs``, ``medical-documents``, ...)."""


def identity_services(plan: PhasePlan) -> tuple[str, ...]:
    """Services with an AWS identity: those with a bucket grant (storage), those with a telemetry path (each writes its own
    log group: ``PhasePlan.monitored_services``), then those encrypting PHI fields (their own key)."""
    wanted = [grant.service for grant in plan.bucket_grants] if plan.has(Component.STORAGE) else []
    wanted += [spec.name for spec in plan.monitored_services]
    if plan.has(Component.SERVICES):
        wanted += [spec.name for spec in plan.services if spec.encrypts_fields]
    return tuple(dict.fromkeys(wanted))


def add_service_identities(scope: Construct, config: EnvironmentConfig, plan: PhasePlan) -> Mapping[str, ServiceIdentity]:
    """``Identity-<service>`` (IAM user + access key) of each service of ``identity_services``, by service.

    A Railway service's keys work only from the services' static egress (``[railway] static_egress_ips``). The AI
    service runs in the VPC and reaches S3 through its gateway endpoint, where ``aws:SourceIp`` does not exist.
    """
    on_railway = {spec.name for spec in plan.services if spec.runs_on_railway}
    return {
        service: ServiceIdentity(
            scope,
            f"Identity-{service}",
            ServiceIdentityProps(
                project=config.project,
                environment=config.name,
                service=service,
                allowed_source_ips=tuple(config.railway.static_egress_ips) if service in on_railway else (),
            ),
        )
        for service in identity_services(plan)
    }


def bucket_settings(config: EnvironmentConfig, spec: BucketSpec, *, replicated: bool) -> SecureS3Settings:
    """The values of the plan's bucket ``spec`` in ``config``'s environment: the plan's (classification, transitions),
    then ``[s3]``'s (protection, noncurrent expiry, the audit logs' lock), then ``[backups]``' for the dumps."""
    settings = config.s3.bucket(
        SecureS3Settings(
            classification=spec.classification,
            transition_ia_days=spec.transition_ia_days,
            transition_glacier_days=spec.transition_glacier_days,
            glacier_storage_class=spec.glacier_storage_class,
            replication_opt_out_reason=None if replicated else NO_REPLICA_REASON,
        ),
        audit_log=spec.object_lock,
    )
    return config.backups.bucket(settings, lock_mode=config.backup_lock_mode) if spec.backup_retention else settings


def add_storage(scope: Construct, config: EnvironmentConfig, plan: PhasePlan, aws: AwsProviderSettings, identities: Mapping[str, ServiceIdentity]) -> Storage:
    """The access-logs bucket(s), the phase's SecureS3 buckets, each plan grant to the service's identity (a Railway
    service's pinned to ``[railway] static_egress_ips`` by its identity), and the backup restorer's read grant."""
    s3 = config.s3
    project, env = config.project, config.name
    replica_provider = aws.provider(scope, "aws_replica", alias="replica", region=s3.replica_region) if s3.replica_region else None
    access_logs = s3.access_log_bucket()
    access_log_bucket = AccessLogBucket(scope, "AccessLogs", AccessLogBucketProps.from_settings(access_logs, project=project, environment=env))
    replica_access_log_bucket = (
        AccessLogBucket(
            scope,
            "AccessLogsReplica",
            AccessLogBucketProps.from_settings(
                access_logs, project=project, environment=env, purpose=f"access-logs-{s3.replica_region}", provider=replica_provider
            ),
        )
        if replica_provider
        else None
    )
    buckets: dict[str, SecureS3] = {}
    for spec in plan.buckets:
        buckets[spec.purpose] = SecureS3(
            scope,
            f"Bucket-{spec.purpose}",
            SecureS3Props.from_settings(
                bucket_settings(config, spec, replicated=replica_provider is not None),
                project=project,
                environment=env,
                purpose=spec.purpose,
                access_log_bucket=access_log_bucket,
                replica_provider=replica_provider,
                replica_access_log_bucket=replica_access_log_bucket,
            ),
        )
    restorer = config.backups.restore_reader_arn
    for spec in plan.buckets:
        if spec.backup_retention and restorer is not None:
            buckets[spec.purpose].grant_read_to_principal(restorer, label="BackupRestore")
    for grant in plan.bucket_grants:
        buckets[grant.bucket].grant(identities[grant.service], grant.access, grant.prefix)
    return Storage(access_log_bucket, replica_access_log_bucket, buckets)


def storage_variables(config: EnvironmentConfig, plan: PhasePlan, buckets: Mapping[str, SecureS3], spec: ServiceSpec) -> dict[str, str]:
    """Plain variables naming the buckets a service was granted (``S3_BUCKET_<PURPOSE>``, with
    ``S3_PREFIX_<PURPOSE>`` when the grant is limited to a prefix) and their region."""
    variables: dict[str, str] = {}
    for grant in plan.bucket_grants:
        if grant.service == spec.name:
            suffix = grant.bucket.upper().replace("-", "_")
            variables[f"S3_BUCKET_{suffix}"] = buckets[grant.bucket].bucket_name
            if grant.prefix:
                variables[f"S3_PREFIX_{suffix}"] = grant.prefix
    if variables:
        variables["AWS_REGION"] = config.aws_region
    return variables

"""The rollout plan as data: which component, service and bucket arrives in which phase.

``PlatformStack`` reads ``plan_for(phase)``; nothing else in the code branches on the
phase number. A phase only adds: everything in phase N is also in phase N+1, which is
what makes promoting an environment safe to apply (a test checks every resource
address of phase N exists in phase N+1).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from constructs_lib.storage.storage_types import BucketAccess, DataClassification, GlacierStorageClass

PHASES = (1, 2, 3, 4)
"""The rollout phases an environment may declare (``phase`` of its file; also ``environments.PHASES``)."""
MAX_PHASE = PHASES[-1]
"""The last rollout phase."""


class Component(enum.Enum):
    """A group of resources the platform stack adds once its phase is reached."""

    NEON_DATABASE = "neon_database"
    """Neon project, one database + owning role per service that owns data."""
    NEON_READ_REPLICA = "neon_read_replica"
    """Pooled read-only compute on the default branch: ``DATABASE_READ_URL`` of the read-heavy services."""
    NEON_ANALYTICS = "neon_analytics"
    """A second read-only compute on the default branch and role ``analytics_reader`` (``SELECT`` on the
    databases of ``ServiceSpec.analytics_source`` services) for the AI service: live data, its own compute."""
    STORAGE = "storage"
    """The access-logs bucket, the SecureS3 buckets of ``BUCKETS`` and the service identities of ``BUCKET_GRANTS``."""
    SERVICES = "services"
    """The Railway project of the environment and one RailwayService per phase-plan service."""
    EDGE = "edge"
    """Cloudflare zone settings, rulesets and public DNS: TLS at the edge is a phase 1 security item."""
    VPC = "vpc"
    """AWS VPC baseline: its first tenant is the phase 4 AI service (Railway and Neon need no VPC)."""
    AUDIT_TRAIL = "audit_trail"
    """CloudTrail (infrastructure changes from phase 1, PHI data events as PHI buckets arrive), alert topic, security alarms.

    Writes to the ``audit-logs`` bucket, which arrives in phase 1 for this reason (see ``BUCKETS``)."""
    DETECTION = "detection"
    """Threat detection and compliance monitoring of the AWS account (where ``[account] owns_account_baseline``):
    GuardDuty with S3 Protection, Security Hub (FSBP + CIS), the AWS Config recorder delivering into the ``audit-logs``
    bucket with the HIPAA Security conformance pack, IAM Access Analyzer, Macie on the PHI buckets (``[detection]
    macie``; a classification job joins with each PHI bucket of a later phase) and the EventBridge rules routing
    findings to the security alert topic."""
    OPERATIONS = "operations"
    """The alert topic and its routes (``[alerts]``), Route 53 uptime checks of the public hostnames with their
    alarms (``[uptime]``), the monthly AWS budget (``[budget]``) and the environment's dashboard."""
    ACCOUNT_BASELINE = "account_baseline"
    """The account's CIS password policy and the human admin group that requires MFA (``[account]``)."""
    APP_TELEMETRY = "app_telemetry"
    """Application telemetry: each monitored service's own encrypted log group and metric namespace, written by its own
    identity (``PhasePlan.monitored_services``), and the error-rate, p95-latency and no-traffic alarms of the public ones
    (``PhasePlan.alarmed_services``), from ``[telemetry]``."""
    LATENCY_ALARMS = "latency_alarms"
    """Performance alerts: a time-to-first-byte alarm on every uptime check (with the booking APIs of phase 3)."""
    MODEL_STORE_ALARMS = "model_store_alarms"
    """ML monitoring: S3 request metrics on the ``ml-models`` bucket and an alarm on its client errors."""


COMPONENT_PHASES: dict[Component, int] = {
    Component.NEON_DATABASE: 1,
    Component.EDGE: 1,
    Component.STORAGE: 1,
    Component.SERVICES: 1,
    Component.AUDIT_TRAIL: 1,
    Component.DETECTION: 1,
    Component.OPERATIONS: 1,
    Component.ACCOUNT_BASELINE: 1,
    Component.APP_TELEMETRY: 1,
    Component.NEON_READ_REPLICA: 3,
    Component.NEON_ANALYTICS: 4,
    Component.LATENCY_ALARMS: 3,
    Component.MODEL_STORE_ALARMS: 4,
    Component.VPC: 4,
}
"""Phase in which each built component arrives. A component joins this table when its construct lands."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ServiceSpec:
    """A platform service and the phase it arrives in."""

    name: str
    phase: int
    owns_database: bool = False
    """The service gets its own Neon database and owning role."""
    public: bool = False
    """The service gets a public hostname at the edge."""
    runs_on_railway: bool = True
    """False for services with their own identity outside Railway (the Phase 4 AI service)."""
    hostname_label: str = ""
    """Label of a public service's hostname under the environment's public domain (``api`` -> ``api.<public_domain>``)."""
    cron_schedule: str | None = None
    """Cron expression (UTC) for a scheduled job; such a service runs one replica and serves no port."""
    calls: tuple[str, ...] = ()
    """Services this one addresses over Railway's private network; each present in the phase gets ``<NAME>_URL``."""
    reads_replica: bool = False
    """Read-heavy: the service also gets ``DATABASE_READ_URL`` (its own role on the read replica) once the
    replica exists. An environment file may name other services (``[neon] replica_readers``)."""
    analytics_source: bool = False
    """The analytics reader (phase 4, the AI service) may ``SELECT`` from this service's database."""
    reads_analytics: bool = False
    """The service reads the analytics databases (``analytics_reader`` on the analytics compute); it runs
    outside Railway and receives the URLs as sensitive stack outputs."""
    signs_tokens: bool = False
    """The service signs session tokens: it gets a generated ``JWT_SIGNING_KEY`` (``AppSecret``; older kept versions as
    ``JWT_SIGNING_KEY_V<n>``, the current number as ``JWT_SIGNING_VERSION``)."""
    encrypts_fields: bool = False
    """The service encrypts PHI fields: it gets its own KMS key (``FieldEncryptionKey``, usable only by its own identity
    with the context ``service=<name>``) as ``FIELD_ENCRYPTION_KEY_ARN`` and ``FIELD_ENCRYPTION_CONTEXT``; a raw key
    only when the environment lists it in ``[field_encryption] raw_key_services``."""
    backs_up_databases: bool = False
    """The daily logical backup job: runs on ``[backups] schedule`` as ``backup_reader`` (``SELECT`` on every
    service database) and writes under ``neon/`` of the ``backups`` bucket."""

    @property
    def is_job(self) -> bool:
        """Runs on a schedule (one replica, no port) instead of serving."""
        return self.cron_schedule is not None or self.backs_up_databases


_BEHIND_GATEWAY = ("auth", "patient", "provider", "medical-records", "appointment")

SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(name="gateway", phase=1, public=True, hostname_label="api", calls=_BEHIND_GATEWAY),
    ServiceSpec(name="auth", phase=1, owns_database=True, signs_tokens=True),
    ServiceSpec(name="patient", phase=1, owns_database=True, encrypts_fields=True),
    # Backs up every service database as it arrives; the bucket and its grant are in BUCKETS / BUCKET_GRANTS.
    ServiceSpec(name="db-backup", phase=1, backs_up_databases=True),
    ServiceSpec(name="provider", phase=2, owns_database=True),
    ServiceSpec(name="medical-records", phase=2, owns_database=True, encrypts_fields=True, analytics_source=True),
    # Scheduling reads (availability searches) go to the read replica.
    ServiceSpec(name="appointment", phase=3, owns_database=True, encrypts_fields=True, reads_replica=True, analytics_source=True),
    ServiceSpec(name="appointment-scheduler", phase=3, cron_schedule="*/5 * * * *", calls=("appointment",)),
    ServiceSpec(name="ai", phase=4, runs_on_railway=False, reads_analytics=True),
)


@dataclass(frozen=True, kw_only=True, slots=True)
class BucketSpec:
    """A SecureS3 bucket ``<project>-<env>-<purpose>`` and the phase it arrives in."""

    purpose: str
    phase: int
    classification: DataClassification = DataClassification.PHI
    object_lock: bool = False
    """Object Lock with the environment's ``s3.audit_log_retention_days`` and ``audit_log_lock_mode``."""
    transition_ia_days: int | None = 30
    transition_glacier_days: int | None = 90
    glacier_storage_class: GlacierStorageClass = GlacierStorageClass.INSTANT_RETRIEVAL
    """Every bucket a service or a reader role reads stays readable without a restore (guardrail HC-S3-006)."""
    backup_retention: bool = False
    """Lifecycle from ``[backups]``: objects expire after ``retention_days``, noncurrent versions
    ``noncurrent_version_expiration_days`` later (no archive transitions)."""


BUCKETS: tuple[BucketSpec, ...] = (
    # The CloudTrail trail (phase 1) writes here; not PHI itself, so data events never log it. Glacier Instant
    # Retrieval, not Flexible: the log reader reads evidence during an incident without waiting hours for a restore.
    BucketSpec(purpose="audit-logs", phase=1, classification=DataClassification.INTERNAL, object_lock=True),
    # Daily pg_dump of every service database, outside Neon (PHI; replicated cross-region where [s3] says so).
    # Never archived: a restore must not wait for a Glacier retrieval, and dumps expire after [backups] retention_days.
    BucketSpec(purpose="backups", phase=1, transition_ia_days=None, transition_glacier_days=None, backup_retention=True),
    BucketSpec(purpose="medical-documents", phase=2),
    BucketSpec(purpose="medical-images", phase=2),
    BucketSpec(purpose="appointment-attachments", phase=3),
    # Models are read on every start of the AI service: keep them in STANDARD.
    BucketSpec(
        purpose="ml-models",
        phase=4,
        classification=DataClassification.INTERNAL,
        transition_ia_days=None,
        transition_glacier_days=None,
    ),
)


@dataclass(frozen=True, kw_only=True, slots=True)
class BucketGrantSpec:
    """``service`` gets ``access`` on the bucket ``bucket`` (optionally under ``prefix``)."""

    service: str
    bucket: str
    access: BucketAccess
    prefix: str = ""


BUCKET_GRANTS: tuple[BucketGrantSpec, ...] = (
    BucketGrantSpec(service="medical-records", bucket="medical-documents", access=BucketAccess.READ_WRITE),
    BucketGrantSpec(service="medical-records", bucket="medical-images", access=BucketAccess.READ_WRITE),
    BucketGrantSpec(service="provider", bucket="medical-documents", access=BucketAccess.READ),
    BucketGrantSpec(service="appointment", bucket="appointment-attachments", access=BucketAccess.READ_WRITE),
    BucketGrantSpec(service="ai", bucket="ml-models", access=BucketAccess.READ),
    # The backup job may only add dumps under its prefix: no read, no delete, no other prefix.
    BucketGrantSpec(service="db-backup", bucket="backups", access=BucketAccess.WRITE, prefix="neon/"),
)
"""Least-privilege S3 access per service per bucket. A service with a grant gets a ServiceIdentity."""


@dataclass(frozen=True, kw_only=True, slots=True)
class PhasePlan:
    """Everything an environment at ``phase`` contains."""

    phase: int
    components: frozenset[Component]
    services: tuple[ServiceSpec, ...]
    buckets: tuple[BucketSpec, ...] = ()
    bucket_grants: tuple[BucketGrantSpec, ...] = ()
    """Grants whose service and bucket are both part of this phase."""

    def has(self, component: Component) -> bool:
        """Whether ``component`` is part of this phase."""
        return component in self.components

    @property
    def monitored_services(self) -> tuple[ServiceSpec, ...]:
        """Services with a telemetry path (``Component.APP_TELEMETRY``): every service of the phase that runs on Railway,
        jobs included (their logs too may carry PHI). The AI service (phase 4) runs outside Railway and is not one yet."""
        if not self.has(Component.APP_TELEMETRY):
            return ()
        return tuple(s for s in self.services if s.runs_on_railway)

    @property
    def alarmed_services(self) -> tuple[ServiceSpec, ...]:
        """Monitored services with request alarms (error rate, p95 latency, no traffic): the public ones."""
        return tuple(s for s in self.monitored_services if s.public)

    def service(self, name: str) -> ServiceSpec:
        """The service called ``name`` (KeyError when this phase does not have it)."""
        for spec in self.services:
            if spec.name == name:
                return spec
        raise KeyError(name)


def plan_for(phase: int) -> PhasePlan:
    """The cumulative plan for ``phase`` (1..MAX_PHASE)."""
    if not 1 <= phase <= MAX_PHASE:
        raise ValueError(f"phase must be 1..{MAX_PHASE}, got {phase!r}")
    services = tuple(s for s in SERVICES if s.phase <= phase)
    buckets = tuple(b for b in BUCKETS if b.phase <= phase)
    service_names = {s.name for s in services}
    bucket_names = {b.purpose for b in buckets}
    return PhasePlan(
        phase=phase,
        components=frozenset(c for c, p in COMPONENT_PHASES.items() if p <= phase),
        services=services,
        buckets=buckets,
        bucket_grants=tuple(g for g in BUCKET_GRANTS if g.service in service_names and g.bucket in bucket_names),
    )

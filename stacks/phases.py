"""The rollout plan as data: which component, service and bucket arrives in which phase.

``PlatformStack`` reads ``plan_for(phase)``; nothing else in the code branches on the
phase number. A phase only adds: everything in phase N is also in phase N+1, which is
what makes promoting an environment safe to apply (a test checks every resource
address of phase N exists in phase N+1).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

from constructs_lib.storage_types import BucketAccess, DataClassification

MAX_PHASE = 4


class Component(enum.Enum):
    """A group of resources the platform stack adds once its phase is reached."""

    NEON_DATABASE = "neon_database"
    """Neon project, one database + owning role per service that owns data."""
    NEON_READ_REPLICA = "neon_read_replica"
    """Read-only compute on the default branch for scheduling reads."""
    NEON_ANALYTICS_BRANCH = "neon_analytics_branch"
    """Analytics branch with a read-only compute and a reader role for the AI service."""
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
    OPERATIONS = "operations"
    """The alert topic and its routes (``[alerts]``), Route 53 uptime checks of the public hostnames with their
    alarms (``[uptime]``), the monthly AWS budget (``[budget]``) and the environment's dashboard."""
    ACCOUNT_BASELINE = "account_baseline"
    """The account's CIS password policy and the human admin group that requires MFA (``[account]``)."""
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
    Component.OPERATIONS: 1,
    Component.ACCOUNT_BASELINE: 1,
    Component.NEON_READ_REPLICA: 3,
    Component.LATENCY_ALARMS: 3,
    Component.MODEL_STORE_ALARMS: 4,
    Component.NEON_ANALYTICS_BRANCH: 4,
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


_BEHIND_GATEWAY = ("auth", "patient", "provider", "medical-records", "appointment")

SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(name="gateway", phase=1, public=True, hostname_label="api", calls=_BEHIND_GATEWAY),
    ServiceSpec(name="auth", phase=1, owns_database=True),
    ServiceSpec(name="patient", phase=1, owns_database=True),
    ServiceSpec(name="provider", phase=2, owns_database=True),
    ServiceSpec(name="medical-records", phase=2, owns_database=True),
    ServiceSpec(name="appointment", phase=3, owns_database=True),
    ServiceSpec(name="appointment-scheduler", phase=3, cron_schedule="*/5 * * * *", calls=("appointment",)),
    ServiceSpec(name="ai", phase=4, runs_on_railway=False),
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


BUCKETS: tuple[BucketSpec, ...] = (
    # The CloudTrail trail (phase 1) writes here; not PHI itself, so data events never log it.
    BucketSpec(purpose="audit-logs", phase=1, classification=DataClassification.INTERNAL, object_lock=True),
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

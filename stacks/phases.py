"""The rollout plan as data: which component, service and bucket arrives in which phase.

``PlatformStack`` reads ``plan_for(phase)``; nothing else in the code branches on the
phase number. A phase only adds: everything in phase N is also in phase N+1, which is
what makes promoting an environment safe to apply (a test checks every resource
address of phase N exists in phase N+1).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass

MAX_PHASE = 4


class Component(enum.Enum):
    """A group of resources the platform stack adds once its phase is reached."""

    NEON_DATABASE = "neon_database"
    """Neon project, one database + owning role per service that owns data."""
    NEON_READ_REPLICA = "neon_read_replica"
    """Read-only compute on the default branch for scheduling reads."""
    NEON_ANALYTICS_BRANCH = "neon_analytics_branch"
    """Analytics branch with a read-only compute and a reader role for the AI service."""
    EDGE = "edge"
    """Cloudflare zone settings, rulesets and public DNS: TLS at the edge is a phase 1 security item."""
    VPC = "vpc"
    """AWS VPC baseline: its first tenant is the phase 4 AI service (Railway and Neon need no VPC)."""
    AUDIT_TRAIL = "audit_trail"
    """CloudTrail (infrastructure changes from phase 1, PHI data events as PHI buckets arrive), alert topic, security alarms.

    Writes to the ``audit-logs`` bucket, which arrives in phase 1 for this reason (see ``BUCKETS``)."""


COMPONENT_PHASES: dict[Component, int] = {
    Component.NEON_DATABASE: 1,
    Component.EDGE: 1,
    Component.AUDIT_TRAIL: 1,
    Component.NEON_READ_REPLICA: 3,
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


SERVICES: tuple[ServiceSpec, ...] = (
    ServiceSpec(name="gateway", phase=1, public=True),
    ServiceSpec(name="auth", phase=1, owns_database=True),
    ServiceSpec(name="patient", phase=1, owns_database=True),
    ServiceSpec(name="provider", phase=2, owns_database=True),
    ServiceSpec(name="medical-records", phase=2, owns_database=True),
    ServiceSpec(name="appointment", phase=3, owns_database=True),
    ServiceSpec(name="ai", phase=4, runs_on_railway=False),
)


@dataclass(frozen=True, kw_only=True, slots=True)
class PhasePlan:
    """Everything an environment at ``phase`` contains."""

    phase: int
    components: frozenset[Component]
    services: tuple[ServiceSpec, ...]

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
    return PhasePlan(
        phase=phase,
        components=frozenset(c for c, p in COMPONENT_PHASES.items() if p <= phase),
        services=tuple(s for s in SERVICES if s.phase <= phase),
    )

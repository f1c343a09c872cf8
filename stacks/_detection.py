"""The detection part of an environment's stack: the account baseline's threat detection and compliance monitoring.

``PlatformStack`` calls ``add_detection`` with the buckets and the audit trail it created. Only the environment that
owns the account baseline (``[account] owns_account_baseline``) creates it: every piece is account-wide per region.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from constructs import Construct

from constructs_lib.audit.audit_trail import AuditTrail
from constructs_lib.detection.access_analysis import AccessAnalysis, AccessAnalysisProps
from constructs_lib.detection.config_compliance import ConfigCompliance, ConfigComplianceProps
from constructs_lib.detection.detection_types import DisabledControl, SecurityStandard
from constructs_lib.detection.finding_patterns import FindingSource
from constructs_lib.detection.finding_routes import FindingRoutes, FindingRoutesProps
from constructs_lib.detection.security_posture import SecurityPosture, SecurityPostureProps
from constructs_lib.detection.sensitive_data_discovery import SensitiveDataDiscovery, SensitiveDataDiscoveryProps
from constructs_lib.detection.threat_detection import ThreatDetection, ThreatDetectionProps
from constructs_lib.storage.secure_s3 import SecureS3, phi_buckets
from environments import EnvironmentConfig
from platform_plan.phases import Component, PhasePlan

AUDIT_BUCKET = "audit-logs"
MACIE_OFF_REASON = "Macie is off in this environment ([detection] macie = false): its buckets hold synthetic records only"
"""Why Security Hub's Macie.1 (Macie should be enabled) cannot pass where Macie is off."""


@dataclass(frozen=True, slots=True)
class Detection:
    """What ``add_detection`` created."""

    threats: ThreatDetection
    posture: SecurityPosture
    config: ConfigCompliance
    access: AccessAnalysis
    macie: SensitiveDataDiscovery | None
    routes: FindingRoutes


def add_detection(
    scope: Construct, config: EnvironmentConfig, plan: PhasePlan, *, buckets: Mapping[str, SecureS3], trail: AuditTrail | None
) -> Detection | None:
    """The detection constructs, when the plan has ``Component.DETECTION``, the environment owns the account baseline
    and the audit trail (whose topic receives the findings) exists; else None.

    Macie looks at the PHI buckets found under ``scope`` (``phi_buckets``): every SecureS3 created before this call."""
    if not plan.has(Component.DETECTION) or not config.account.owns_account_baseline or trail is None:
        return None
    settings, prefix = config.detection, config.name_prefix
    threats = ThreatDetection(scope, "ThreatDetection", ThreatDetectionProps(finding_publishing_frequency=settings.publishing_frequency))
    controls = settings.controls
    if not settings.macie:
        controls = (*controls, DisabledControl(standard=SecurityStandard.FSBP, control_id="Macie.1", reason=MACIE_OFF_REASON))
    posture = SecurityPosture(scope, "SecurityPosture", SecurityPostureProps(standards=settings.standards, disabled_controls=controls))
    compliance = ConfigCompliance(
        scope,
        "ConfigCompliance",
        ConfigComplianceProps(
            name_prefix=prefix,
            log_bucket=buckets[AUDIT_BUCKET],
            record_global_resources=settings.record_global_resources,
            excluded_rules=settings.excluded_rules,
        ),
    )
    access = AccessAnalysis(
        scope,
        "AccessAnalysis",
        AccessAnalysisProps(name_prefix=prefix, unused_access=settings.unused_access_analyzer, unused_access_age_days=settings.unused_access_age_days),
    )
    macie = None
    phi = phi_buckets(scope)
    if settings.macie and phi:
        macie = SensitiveDataDiscovery(
            scope,
            "SensitiveData",
            SensitiveDataDiscoveryProps(
                name_prefix=prefix, buckets=phi, schedule=settings.schedule, finding_publishing_frequency=settings.publishing_frequency
            ),
        )
    sources = (FindingSource.GUARDDUTY, FindingSource.SECURITY_HUB, FindingSource.ACCESS_ANALYZER) + ((FindingSource.MACIE,) if macie else ())
    routes = FindingRoutes(scope, "FindingRoutes", FindingRoutesProps(name_prefix=prefix, alert_trail=trail, min_severity=settings.severity, sources=sources))
    return Detection(threats, posture, compliance, access, macie, routes)

"""``ThreatDetection``: the account's GuardDuty detector in the stack's region, with S3 Protection."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from .._provider_requirements import AWS, require_provider
from ..checkov_gate import accept
from ..engine.aws import GuarddutyDetector, GuarddutyDetectorFeature
from ..errors import ValidationError
from .detection_types import PublishingFrequency

S3_PROTECTION_FEATURE = "S3_DATA_EVENTS"
"""GuardDuty's feature name for S3 Protection (``aws_guardduty_detector_feature``); malware scanning of S3
objects is a separate, per-bucket resource (``aws_guardduty_malware_protection_plan``), not made here."""
NOT_AN_ORGANIZATION_ADMIN = (
    "the detector of one account: GuardDuty's organization configuration (aws_guardduty_organization_configuration, "
    "which checkov looks for) exists only in an AWS Organizations GuardDuty administrator account, not here"
)
"""Published as the detector's accepted checkov CKV2_AWS_3 finding (see ``constructs_lib.checkov_gate``)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ThreatDetectionProps:
    """Settings for ThreatDetection. GuardDuty is account-wide per region: one stack per account and region may own it."""

    finding_publishing_frequency: PublishingFrequency = PublishingFrequency.FIFTEEN_MINUTES
    """How often GuardDuty publishes updates of findings it already reported to EventBridge (a new finding is
    published within minutes whatever this says). Default: every 15 minutes, GuardDuty's fastest."""
    s3_protection: bool = True
    """S3 Protection (feature ``S3_DATA_EVENTS``): GuardDuty analyses the S3 data events of every bucket of the
    account in the region (billed per million events analysed). Default: on; turning it off loses detection of
    unusual reads of PHI objects."""


class ThreatDetection(Construct):
    """``Resource`` (``aws_guardduty_detector``, enabled) and ``S3Protection`` (``aws_guardduty_detector_feature``
    ``S3_DATA_EVENTS``, enabled, with ``s3_protection``). Findings go to EventBridge (``FindingRoutes``) and to
    Security Hub (GuardDuty's integration, on by default)."""

    def __init__(self, scope: Construct, id_: str, props: ThreatDetectionProps | None = None) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        props = props or ThreatDetectionProps()
        if not isinstance(props.finding_publishing_frequency, PublishingFrequency):
            raise ValidationError(self.node.path, "finding_publishing_frequency", props.finding_publishing_frequency, "a PublishingFrequency")
        self._props = props
        self.resource = GuarddutyDetector(self, "Resource", enable=True, finding_publishing_frequency=props.finding_publishing_frequency.value)
        accept(self.resource, "CKV2_AWS_3", NOT_AN_ORGANIZATION_ADMIN)
        self.s3_protection: GuarddutyDetectorFeature | None = None
        if props.s3_protection:
            self.s3_protection = GuarddutyDetectorFeature(self, "S3Protection", detector_id=self.resource.id, name=S3_PROTECTION_FEATURE, status="ENABLED")

    @property
    def detector_id(self) -> str:
        return self.resource.id

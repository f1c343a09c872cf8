"""The ``[detection]`` section of an environment file: GuardDuty, Security Hub, AWS Config, Access Analyzer, Macie
and the routing of their findings. Applies only where ``[account] owns_account_baseline`` is true.

Validated at load like the rest of ``EnvironmentConfig`` (no cdktf import here).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated, Literal

from pydantic import AfterValidator, Field

from constructs_lib._reasons import check_reason
from constructs_lib.detection.conformance_pack import hipaa_security_rule_names
from constructs_lib.detection.detection_types import (
    CONTROL_ID_RE,
    DisabledControl,
    ExcludedRule,
    FindingSeverity,
    MacieSchedule,
    PublishingFrequency,
    SecurityStandard,
)

from ._section import _Section

CIS_VERSIONS = {"1.4.0": SecurityStandard.CIS_1_4_0, "3.0.0": SecurityStandard.CIS_3_0_0, "5.0.0": SecurityStandard.CIS_5_0_0}


def _reason(value: str) -> str:
    return check_reason(value)


def _control_id(value: str) -> str:
    if not CONTROL_ID_RE.match(value):
        raise ValueError("a Security Hub control id such as S3.20")
    return value


def _rule_name(value: str) -> str:
    if value not in hipaa_security_rule_names():
        raise ValueError("a ConfigRuleName of the HIPAA Security conformance pack (constructs_lib/detection/packs)")
    return value


class DisabledControlSetting(_Section):
    """One entry of ``[detection] disabled_controls``."""

    standard: Literal["fsbp", "cis"]
    """``fsbp`` (AWS Foundational Security Best Practices v1.0.0) or ``cis`` (the version of ``cis_version``)."""
    control: Annotated[str, AfterValidator(_control_id)]
    """Security Hub control id, ``S3.20``."""
    reason: Annotated[str, AfterValidator(_reason)]
    """Why it cannot apply here (stored in AWS as the control's disabled reason)."""


class ExcludedRuleSetting(_Section):
    """One entry of ``[detection] excluded_config_rules``."""

    rule: Annotated[str, AfterValidator(_rule_name)]
    """The pack's rule name, ``iam-user-mfa-enabled``."""
    reason: Annotated[str, AfterValidator(_reason)]
    """Why it cannot apply here (published in cdk.tf.json next to the pack)."""


class DetectionSettings(_Section):
    """``[detection]``: threat detection, posture and compliance checks of the AWS account, and where findings go."""

    min_severity: Literal["LOW", "MEDIUM", "HIGH", "CRITICAL"] = "HIGH"
    """Lowest severity of the GuardDuty, Security Hub and Macie findings sent to the security alert topic ([audit]
    routes): GuardDuty >= 7.0 for HIGH (4.0 MEDIUM, 1.0 LOW, 9.0 CRITICAL). Access Analyzer external access findings
    have no severity and are always sent."""
    finding_publishing_frequency: Literal["FIFTEEN_MINUTES", "ONE_HOUR", "SIX_HOURS"] = "FIFTEEN_MINUTES"
    """How often GuardDuty and Macie publish updates of findings already reported (new ones go at once)."""
    cis_version: Literal["1.4.0", "3.0.0", "5.0.0"] = "3.0.0"
    """CIS AWS Foundations Benchmark version Security Hub checks, besides FSBP v1.0.0."""
    disabled_controls: list[DisabledControlSetting] = []
    """Security Hub controls that cannot apply here: ``{ standard = "cis", control = "S3.20", reason = "..." }``."""
    record_global_resources: bool = True
    """AWS Config records global resource types (IAM) here; true in exactly one region of the account."""
    excluded_config_rules: list[ExcludedRuleSetting] = []
    """Rules of the HIPAA Security conformance pack that cannot apply here: ``{ rule = "...", reason = "..." }``."""
    unused_access_analyzer: bool = False
    """Also run IAM Access Analyzer's unused access analysis (unused roles, keys, passwords, permissions). Billed by
    AWS at USD 0.20 per IAM role or user analysed per month (external access analysis is free and always on)."""
    unused_access_age_days: Annotated[int, Field(ge=1, le=365)] = 90
    """Days without use after which access counts as unused (with ``unused_access_analyzer``)."""
    macie: bool = False
    """Amazon Macie with a scheduled classification job per PHI bucket. Required in production. AWS's published
    us-east-1 prices: USD 0.10 per S3 bucket of the account per month (inventory and monitoring) and USD 1.00 per GB
    inspected (first 50 TB a month; each run inspects only objects added or changed since the previous one)."""
    macie_schedule: Literal["DAILY", "WEEKLY", "MONTHLY"] = "WEEKLY"
    """How often the classification jobs run (weekly on Sunday, monthly on the 1st)."""

    def _problems(self) -> Iterator[str]:
        """Each control once per standard, each Config rule once."""
        controls = [(c.standard, c.control) for c in self.disabled_controls]
        for standard, control in sorted({k for k in controls if controls.count(k) > 1}):
            yield f"detection.disabled_controls must name each control once per standard, got {control} in {standard} twice"
        rules = [r.rule for r in self.excluded_config_rules]
        for rule in sorted({r for r in rules if rules.count(r) > 1}):
            yield f"detection.excluded_config_rules must name each rule once, got {rule} twice"

    @property
    def severity(self) -> FindingSeverity:
        return FindingSeverity(self.min_severity)

    @property
    def publishing_frequency(self) -> PublishingFrequency:
        return PublishingFrequency(self.finding_publishing_frequency)

    @property
    def standards(self) -> tuple[SecurityStandard, ...]:
        """FSBP and the chosen CIS version."""
        return (SecurityStandard.FSBP, CIS_VERSIONS[self.cis_version])

    @property
    def controls(self) -> tuple[DisabledControl, ...]:
        """``disabled_controls`` as the library's type."""
        standard = {"fsbp": SecurityStandard.FSBP, "cis": CIS_VERSIONS[self.cis_version]}
        return tuple(DisabledControl(standard=standard[c.standard], control_id=c.control, reason=c.reason) for c in self.disabled_controls)

    @property
    def excluded_rules(self) -> tuple[ExcludedRule, ...]:
        return tuple(ExcludedRule(rule_name=r.rule, reason=r.reason) for r in self.excluded_config_rules)

    @property
    def schedule(self) -> MacieSchedule:
        return MacieSchedule(self.macie_schedule)

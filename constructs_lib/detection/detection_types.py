"""The detection domain's plain types and pure rules: severities, standards, disabled controls, excluded rules.

No cdktf import: the environment loader validates ``[detection]`` with these before any provider loads.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Iterable
from dataclasses import dataclass

from .._reasons import check_reason
from ..errors import Problem


class FindingSeverity(enum.Enum):
    """A finding's severity, lowest first; a route sends findings at or above its threshold."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"
    CRITICAL = "CRITICAL"

    @property
    def rank(self) -> int:
        return list(FindingSeverity).index(self)

    def at_or_above(self) -> tuple[FindingSeverity, ...]:
        """This severity and every higher one."""
        return tuple(s for s in FindingSeverity if s.rank >= self.rank)

    @property
    def guardduty_minimum(self) -> float:
        """Lowest GuardDuty ``detail.severity`` of this level (GuardDuty: Low 1.0-3.9, Medium 4.0-6.9,
        High 7.0-8.9, Critical 9.0-10.0)."""
        return {"LOW": 1.0, "MEDIUM": 4.0, "HIGH": 7.0, "CRITICAL": 9.0}[self.value]

    @property
    def security_hub_labels(self) -> tuple[str, ...]:
        """ASFF ``Severity.Label`` values at or above this level (Security Hub's labels are the level names)."""
        return tuple(s.value for s in self.at_or_above())

    @property
    def macie_labels(self) -> tuple[str, ...]:
        """Macie ``detail.severity.description`` values at or above this level (Macie has Low, Medium, High; no Critical)."""
        return tuple(s.value.capitalize() for s in self.at_or_above() if s is not FindingSeverity.CRITICAL)


class PublishingFrequency(enum.Enum):
    """How often GuardDuty and Macie publish updates of findings they already reported (new findings go at once)."""

    FIFTEEN_MINUTES = "FIFTEEN_MINUTES"
    ONE_HOUR = "ONE_HOUR"
    SIX_HOURS = "SIX_HOURS"


class SecurityStandard(enum.Enum):
    """A Security Hub standard; its ARN is ``arn:<partition>:securityhub:<region>::standards/<value>``."""

    FSBP = "aws-foundational-security-best-practices/v/1.0.0"
    """AWS Foundational Security Best Practices v1.0.0."""
    CIS_1_4_0 = "cis-aws-foundations-benchmark/v/1.4.0"
    CIS_3_0_0 = "cis-aws-foundations-benchmark/v/3.0.0"
    CIS_5_0_0 = "cis-aws-foundations-benchmark/v/5.0.0"

    def arn(self, *, partition: str, region: str) -> str:
        """The standard's ARN in ``region`` (the regional ``standards/`` form; CIS 1.2.0's ``ruleset/`` form is not offered)."""
        return f"arn:{partition}:securityhub:{region}::standards/{self.value}"

    @property
    def slug(self) -> str:
        """``fsbp``, ``cis-3-0-0``: part of construct ids."""
        return self.name.lower().replace("_", "-")


class MacieSchedule(enum.Enum):
    """How often a Macie classification job analyses the objects added or changed since its previous run."""

    DAILY = "DAILY"
    WEEKLY = "WEEKLY"
    MONTHLY = "MONTHLY"


class SnapshotFrequency(enum.Enum):
    """How often AWS Config delivers a configuration snapshot to the delivery channel's bucket."""

    ONE_HOUR = "One_Hour"
    THREE_HOURS = "Three_Hours"
    SIX_HOURS = "Six_Hours"
    TWELVE_HOURS = "Twelve_Hours"
    TWENTY_FOUR_HOURS = "TwentyFour_Hours"


CONTROL_ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9]{1,31}\.\d{1,3}$")
"""A Security Hub security control id: ``S3.20``, ``Macie.1``, ``IAM.6``."""
CONFIG_RULE_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,127}$")


@dataclass(frozen=True, kw_only=True, slots=True)
class DisabledControl:
    """A Security Hub control that cannot apply here, disabled in one standard with the reason (it is
    written to the control association's ``updated_reason``, so it is in the synthesized JSON and in AWS)."""

    standard: SecurityStandard
    control_id: str
    """Security control id, ``S3.20``."""
    reason: str
    """Why the control cannot apply: at least 20 characters and three meaningful words."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ExcludedRule:
    """An AWS Config rule of the conformance pack that cannot apply here: left out of the pack, with the reason."""

    rule_name: str
    """The pack's ``ConfigRuleName``, ``iam-user-mfa-enabled``."""
    reason: str
    """Why the rule cannot apply: at least 20 characters and three meaningful words."""


def disabled_control_problems(controls: Iterable[DisabledControl], standards: Iterable[SecurityStandard]) -> list[Problem]:
    """Every malformed disabled control: unknown id form, a standard that is not subscribed, a reason that says nothing, a repeat."""
    subscribed = set(standards)
    problems: list[Problem] = []
    seen: set[tuple[SecurityStandard, str]] = set()
    for control in controls:
        if not isinstance(control.control_id, str) or not CONTROL_ID_RE.match(control.control_id):
            problems.append(Problem("disabled_controls", control.control_id, "a Security Hub control id such as S3.20"))
        if control.standard not in subscribed:
            problems.append(Problem("disabled_controls", f"{control.control_id} in {control.standard.value}", "a control of a subscribed standard"))
        try:
            check_reason(control.reason)
        except ValueError as exc:
            problems.append(Problem("disabled_controls", f"{control.control_id}: {control.reason!r}", str(exc)))
        key = (control.standard, control.control_id)
        if key in seen:
            problems.append(Problem("disabled_controls", control.control_id, "each control once per standard"))
        seen.add(key)
    return problems


def excluded_rule_problems(rules: Iterable[ExcludedRule], known: Iterable[str]) -> list[Problem]:
    """Every malformed exclusion: a rule name the pack does not have, a reason that says nothing, a repeat."""
    names = set(known)
    problems: list[Problem] = []
    seen: set[str] = set()
    for rule in rules:
        if rule.rule_name not in names:
            problems.append(Problem("excluded_rules", rule.rule_name, "a ConfigRuleName of the HIPAA Security conformance pack"))
        try:
            check_reason(rule.reason)
        except ValueError as exc:
            problems.append(Problem("excluded_rules", f"{rule.rule_name}: {rule.reason!r}", str(exc)))
        if rule.rule_name in seen:
            problems.append(Problem("excluded_rules", rule.rule_name, "each rule once"))
        seen.add(rule.rule_name)
    return problems

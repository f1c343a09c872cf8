"""``FindingRoutes``: EventBridge rules that send security findings at or above a severity to the security alert topic."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

from constructs import Construct

from .._provider_requirements import AWS, require_provider
from ..audit.audit_trail import AuditTrail
from ..engine.aws import CloudwatchEventRule, CloudwatchEventTarget
from ..errors import Problems
from .detection_types import FindingSeverity
from .finding_patterns import FindingSource, finding_pattern

DEFAULT_SOURCES = (FindingSource.GUARDDUTY, FindingSource.SECURITY_HUB, FindingSource.ACCESS_ANALYZER)
_NAME_PREFIX_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$")
_DESCRIPTIONS = {
    FindingSource.GUARDDUTY: "GuardDuty findings",
    FindingSource.SECURITY_HUB: "Security Hub findings (failed controls and integrated products without a route of their own)",
    FindingSource.ACCESS_ANALYZER: "IAM Access Analyzer external access findings (active)",
    FindingSource.MACIE: "Macie findings",
}


@dataclass(frozen=True, kw_only=True, slots=True)
class FindingRoutesProps:
    """Settings for FindingRoutes (rules on the default event bus of the stack's region)."""

    name_prefix: str
    """Prefix of the rule names (``<name_prefix>-<source>-findings``)."""
    alert_trail: AuditTrail
    """The AuditTrail whose security alert topic receives the findings; its topic and key policies admit exactly these rules."""
    min_severity: FindingSeverity = FindingSeverity.HIGH
    """Lowest severity sent (GuardDuty >= 7.0, Security Hub HIGH and CRITICAL, Macie High). Access Analyzer external
    access findings have no severity and are all sent. Default: HIGH."""
    sources: tuple[FindingSource, ...] = DEFAULT_SOURCES
    """Services whose findings are routed, one rule each; Security Hub's route leaves out the findings of the others.
    Default: GuardDuty, Security Hub and IAM Access Analyzer (add MACIE where Macie runs)."""


class FindingRoutes(Construct):
    """``Rule-<source>`` (``aws_cloudwatch_event_rule`` with the pattern of ``finding_pattern``) and ``Target-<source>``
    (``aws_cloudwatch_event_target``: the security alert topic) per source. Lets exactly these rules publish to the
    topic and use its key (``AuditTrail.allow_event_rules``: ``aws:SourceArn`` of each rule, ``aws:SourceAccount``)."""

    def __init__(self, scope: Construct, id_: str, props: FindingRoutesProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        _validate(self.node.path, props)
        self._props = props
        self.rules: dict[FindingSource, CloudwatchEventRule] = {}
        self.patterns: dict[FindingSource, dict[str, object]] = {}
        for source in props.sources:
            pattern = finding_pattern(source, props.min_severity, routed=props.sources)
            if pattern is None:
                continue
            rule = CloudwatchEventRule(
                self,
                f"Rule-{source.value}",
                name=f"{props.name_prefix}-{source.value}-findings",
                description=f"{_DESCRIPTIONS[source]} at or above {props.min_severity.value} to the security alert topic",
                event_pattern=json.dumps(pattern, sort_keys=True),
            )
            CloudwatchEventTarget(self, f"Target-{source.value}", rule=rule.name, arn=props.alert_trail.alert_topic_arn, target_id="security-alert-topic")
            self.rules[source] = rule
            self.patterns[source] = pattern
        props.alert_trail.allow_event_rules(*(rule.arn for rule in self.rules.values()))

    @property
    def rule_arns(self) -> tuple[str, ...]:
        return tuple(rule.arn for rule in self.rules.values())


def _validate(path: str, props: FindingRoutesProps) -> None:
    problems = Problems(path)
    if not isinstance(props.name_prefix, str) or not _NAME_PREFIX_RE.match(props.name_prefix):
        problems.add("name_prefix", props.name_prefix, "lowercase letters, digits and hyphens (3..42 characters)")
    if not isinstance(props.alert_trail, AuditTrail):
        problems.add("alert_trail", props.alert_trail, "the AuditTrail whose alert topic receives the findings")
    if not isinstance(props.min_severity, FindingSeverity):
        problems.add("min_severity", props.min_severity, "a FindingSeverity")
    sources = props.sources
    if not isinstance(sources, tuple) or not sources or not all(isinstance(s, FindingSource) for s in sources) or len(set(sources)) != len(sources):
        problems.add("sources", sources, "a non-empty tuple of distinct FindingSource")
    problems.raise_if_any()

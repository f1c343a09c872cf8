"""``AccessAnalysis``: IAM Access Analyzer for the account in the stack's region (external access; unused access as an option)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs import Construct

from .._provider_requirements import AWS, require_provider
from ..engine.aws import AccessanalyzerAnalyzer, AccessanalyzerAnalyzerConfiguration, AccessanalyzerAnalyzerConfigurationUnusedAccess
from ..errors import Problems

UNUSED_ACCESS_PRICE_USD_PER_PRINCIPAL_MONTH = 0.20
"""AWS's published price of unused access analysis: per IAM role or user analysed, per month, per analyzer."""
_NAME_PREFIX_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$")


@dataclass(frozen=True, kw_only=True, slots=True)
class AccessAnalysisProps:
    """Settings for AccessAnalysis. One account analyzer per account and region: one stack per account and region may own it."""

    name_prefix: str
    """Prefix of the analyzers' names (``<name_prefix>-external-access``, ``<name_prefix>-unused-access``)."""
    unused_access: bool = False
    """Also create an unused access analyzer (unused roles, access keys, passwords and permissions). It is billed:
    USD 0.20 per IAM role or user analysed per month (AWS's published price; external access analysis is free).
    Default: off."""
    unused_access_age_days: int = 90
    """Days without use after which access counts as unused, 1..365. Default: 90 (the platform's key rotation age)."""


class AccessAnalysis(Construct):
    """``Resource`` (``aws_accessanalyzer_analyzer`` of type ``ACCOUNT``: a finding for every resource policy, such as a
    bucket, key, role trust or topic policy, that grants access outside the account) and, with ``unused_access``,
    ``UnusedAccess`` (type ``ACCOUNT_UNUSED_ACCESS``)."""

    def __init__(self, scope: Construct, id_: str, props: AccessAnalysisProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        problems = Problems(self.node.path)
        if not isinstance(props.name_prefix, str) or not _NAME_PREFIX_RE.match(props.name_prefix):
            problems.add("name_prefix", props.name_prefix, "lowercase letters, digits and hyphens (3..42 characters)")
        age = props.unused_access_age_days
        if isinstance(age, bool) or not isinstance(age, int) or not 1 <= age <= 365:
            problems.add("unused_access_age_days", age, "1..365")
        problems.raise_if_any()
        self.resource = AccessanalyzerAnalyzer(self, "Resource", analyzer_name=f"{props.name_prefix}-external-access", type="ACCOUNT")
        self.unused_access: AccessanalyzerAnalyzer | None = None
        if props.unused_access:
            self.unused_access = AccessanalyzerAnalyzer(
                self,
                "UnusedAccess",
                analyzer_name=f"{props.name_prefix}-unused-access",
                type="ACCOUNT_UNUSED_ACCESS",
                configuration=AccessanalyzerAnalyzerConfiguration(unused_access=AccessanalyzerAnalyzerConfigurationUnusedAccess(unused_access_age=age)),
            )

    @property
    def analyzer_arn(self) -> str:
        return self.resource.arn

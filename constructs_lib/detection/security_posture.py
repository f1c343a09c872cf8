"""``SecurityPosture``: Security Hub for the account in the stack's region, its standards and the controls that cannot apply."""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from .._aws.iam import AwsAccount
from .._provider_requirements import AWS, require_provider
from ..engine.aws import SecurityhubAccount, SecurityhubStandardsControlAssociation, SecurityhubStandardsSubscription
from ..errors import Problems
from .detection_types import DisabledControl, SecurityStandard, disabled_control_problems

DEFAULT_STANDARDS = (SecurityStandard.FSBP, SecurityStandard.CIS_3_0_0)
"""AWS Foundational Security Best Practices v1.0.0 and CIS AWS Foundations Benchmark v3.0.0 (the newest CIS
version the AWS provider's documentation lists in the regional ``standards/`` ARN form; 5.0.0 exists too)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class SecurityPostureProps:
    """Settings for SecurityPosture. Security Hub is account-wide per region: one stack per account and region may own it."""

    standards: tuple[SecurityStandard, ...] = DEFAULT_STANDARDS
    """Standards subscribed. Default: FSBP v1.0.0 and CIS v3.0.0 (Security Hub's own default standards are not
    enabled: they include CIS 1.2.0, superseded)."""
    disabled_controls: tuple[DisabledControl, ...] = ()
    """Controls that cannot apply here, each disabled in one subscribed standard with its reason (written to
    AWS as the association's ``updated_reason``). Default: every control of every standard runs."""


class SecurityPosture(Construct):
    """``Resource`` (``aws_securityhub_account``: default standards off, new controls enabled automatically,
    consolidated control findings), ``Standard-<standard>`` (one ``aws_securityhub_standards_subscription`` each)
    and ``Disabled-<standard>-<control>`` (``aws_securityhub_standards_control_association``, ``DISABLED`` with the
    reason) per disabled control."""

    def __init__(self, scope: Construct, id_: str, props: SecurityPostureProps | None = None) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        props = props or SecurityPostureProps()
        _validate(self.node.path, props)
        self._props = props
        account = AwsAccount.of(self)
        self.resource = SecurityhubAccount(
            self, "Resource", enable_default_standards=False, auto_enable_controls=True, control_finding_generator="SECURITY_CONTROL"
        )
        self.subscriptions: dict[SecurityStandard, SecurityhubStandardsSubscription] = {
            standard: SecurityhubStandardsSubscription(
                self,
                f"Standard-{standard.slug}",
                standards_arn=standard.arn(partition=account.partition, region=account.region),
                depends_on=[self.resource],
            )
            for standard in props.standards
        }
        self.disabled: tuple[SecurityhubStandardsControlAssociation, ...] = tuple(
            SecurityhubStandardsControlAssociation(
                self,
                f"Disabled-{control.standard.slug}-{control.control_id}",
                standards_arn=self.subscriptions[control.standard].standards_arn,
                security_control_id=control.control_id,
                association_status="DISABLED",
                updated_reason=" ".join(control.reason.split()),
                depends_on=[self.subscriptions[control.standard]],
            )
            for control in props.disabled_controls
        )

    @property
    def standards(self) -> tuple[SecurityStandard, ...]:
        return self._props.standards


def _validate(path: str, props: SecurityPostureProps) -> None:
    problems = Problems(path)
    if not isinstance(props.standards, tuple) or not props.standards or not all(isinstance(s, SecurityStandard) for s in props.standards):
        problems.add("standards", props.standards, "a non-empty tuple of SecurityStandard")
    elif len(set(props.standards)) != len(props.standards):
        problems.add("standards", props.standards, "distinct standards")
    else:
        problems.extend(disabled_control_problems(props.disabled_controls, props.standards))
    problems.raise_if_any()

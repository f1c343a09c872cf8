"""``AlertTopic``: the SNS topic an environment's operational alarms and budget notify, and its routes."""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TypedDict

from constructs import Construct

from .._aws.iam import AwsAccount, configured_region
from .._aws.perms import KMS_PUBLISH_ACTIONS
from .._aws.topic_subscriptions import topic_subscriptions
from .._provider_requirements import AWS, require_provider
from ..audit._audit_topics import topic_policy
from ..engine.aws import DataAwsRegion, KmsAlias, KmsKey, SnsTopic, SnsTopicPolicy
from ..engine.core import TerraformProvider, TerraformResourceLifecycle
from ..errors import Problems
from .settings import AlertRoutes, alert_routes_problems, settings_values

_NAME_RE = re.compile(r"^[a-z][a-z0-9-]{1,200}[a-z0-9]$")
CLOUDWATCH = "cloudwatch.amazonaws.com"
BUDGETS = "budgets.amazonaws.com"


@dataclass(frozen=True, kw_only=True, slots=True)
class AlertTopicProps(AlertRoutes):
    """Settings for AlertTopic: its routes (``AlertRoutes``, every keyword of it) and the topic itself."""

    name: str
    """Topic name (``<project>-<env>-alerts``); also the key alias ``alias/<name>``."""
    budgets_may_publish: bool = False
    """Let AWS Budgets of this account publish (budget notifications) besides CloudWatch alarms.
    Default: CloudWatch alarms of this account in the topic's region only."""
    provider: TerraformProvider | None = None
    """AWS provider (and so region) of the topic and its key. Default: the stack's default provider."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on the key and the topic. Default: on."""

    @classmethod
    def from_settings(
        cls,
        routes: AlertRoutes,
        *,
        name: str,
        budgets_may_publish: bool = False,
        provider: TerraformProvider | None = None,
        protect_from_destroy: bool = True,
    ) -> AlertTopicProps:
        """Props from ``routes`` (an environment file's ``[alerts]`` section is one) and the topic's own input."""
        values = settings_values(routes, AlertRoutes)
        return cls(**values, name=name, budgets_may_publish=budgets_may_publish, provider=provider, protect_from_destroy=protect_from_destroy)


class AlarmNotifications(TypedDict):
    """Keywords of a CloudWatch alarm that notifies one topic on ALARM and on OK (``AlertTopic.alarm_notifications``)."""

    actions_enabled: bool
    alarm_actions: Sequence[str]
    ok_actions: Sequence[str]


class AlertTopic(Construct):
    """An encrypted SNS topic (``Resource``), its KMS key (``Key`` + ``KeyAlias``), a topic policy
    (``Policy``) and one subscription per route (``Email-<address>``, ``Https-<hash of the URL>``).

    Only CloudWatch alarms of this account in the topic's region (``aws:SourceArn`` alarm ARNs,
    ``aws:SourceAccount``) and, with ``budgets_may_publish``, AWS Budgets of this account may
    publish; publishing without TLS is denied. The key is a customer-managed key with rotation whose
    policy lets those two services use it (the AWS-managed ``alias/aws/sns`` key admits neither).
    """

    def __init__(self, scope: Construct, id_: str, props: AlertTopicProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        _validate(self.node.path, props)
        self._props = props
        self.provider = props.provider
        account = AwsAccount.of(self)
        region = configured_region(self, props.provider) or DataAwsRegion(self, "Region", provider=props.provider).region
        self.region_name = configured_region(self, props.provider)
        """The topic's region as written in the stack (``us-east-1``), or None when only known at apply."""
        alarm_arns = f"arn:{account.partition}:cloudwatch:{region}:{account.account_id}:alarm:*"
        budget_arns = f"arn:{account.partition}:budgets::{account.account_id}:*"
        lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None
        source = {"StringEquals": {"aws:SourceAccount": account.account_id}}
        key_statements: list[dict[str, object]] = [
            {"Sid": "AccountAdministers", "Effect": "Allow", "Principal": {"AWS": account.root_arn}, "Action": "kms:*", "Resource": "*"},
            {
                "Sid": "CloudWatchAlarmsPublish",
                "Effect": "Allow",
                "Principal": {"Service": CLOUDWATCH},
                "Action": KMS_PUBLISH_ACTIONS,
                "Resource": "*",
                "Condition": {**source, "ArnLike": {"aws:SourceArn": alarm_arns}},
            },
        ]
        if props.budgets_may_publish:
            # AWS Cost Management user guide, "Configuring AWS KMS permissions" for budget notifications, with the
            # topic policy's aws:SourceAccount / aws:SourceArn ("Creating an Amazon SNS topic for budget notifications"):
            # without them, budgets.amazonaws.com acting for any other account could use this key (confused deputy).
            key_statements.append(
                {
                    "Sid": "BudgetsPublish",
                    "Effect": "Allow",
                    "Principal": {"Service": BUDGETS},
                    "Action": ["kms:GenerateDataKey*", "kms:Decrypt"],
                    "Resource": "*",
                    "Condition": {**source, "ArnLike": {"aws:SourceArn": budget_arns}},
                }
            )
        self.key = KmsKey(
            self,
            "Key",
            description=f"{props.name}: alert topic",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps({"Version": "2012-10-17", "Statement": key_statements}),
            provider=props.provider,
            lifecycle=lifecycle,
        )
        KmsAlias(self, "KeyAlias", name=f"alias/{props.name}", target_key_id=self.key.key_id, provider=props.provider)
        self.resource = SnsTopic(self, "Resource", name=props.name, kms_master_key_id=self.key.arn, provider=props.provider, lifecycle=lifecycle)
        allows: list[dict[str, object]] = [
            {"Sid": "CloudWatchAlarmsOfThisAccount", "Principal": {"Service": CLOUDWATCH}, "Condition": {**source, "ArnLike": {"aws:SourceArn": alarm_arns}}}
        ]
        if props.budgets_may_publish:
            # AWS Cost Management user guide, "Creating an Amazon SNS topic for budget notifications".
            allows.append(
                {"Sid": "BudgetsOfThisAccount", "Principal": {"Service": BUDGETS}, "Condition": {**source, "ArnLike": {"aws:SourceArn": budget_arns}}}
            )
        self.policy = SnsTopicPolicy(self, "Policy", arn=self.resource.arn, policy=topic_policy(self.resource.arn, *allows), provider=props.provider)
        self.subscriptions = topic_subscriptions(self, self.resource.arn, props.emails, props.https_endpoints, provider=props.provider)

    @property
    def budgets_may_publish(self) -> bool:
        """Whether AWS Budgets of the account may publish to the topic (``AlertTopicProps.budgets_may_publish``)."""
        return self._props.budgets_may_publish

    @property
    def topic_arn(self) -> str:
        return self.resource.arn

    def alarm_notifications(self) -> AlarmNotifications:
        """The keywords of a CloudWatch alarm that notifies this topic when it fires and when it clears:
        ``CloudwatchMetricAlarm(..., **alert_topic.alarm_notifications())``."""
        arns = [self.topic_arn]
        return AlarmNotifications(actions_enabled=True, alarm_actions=arns, ok_actions=arns)

    @property
    def key_arn(self) -> str:
        return self.key.arn


def _validate(path: str, props: AlertTopicProps) -> None:
    problems = Problems(path)
    if not isinstance(props.name, str) or not _NAME_RE.match(props.name) or len(props.name) > 256:
        problems.add("name", props.name, "an SNS topic name of lowercase letters, digits and hyphens (3..256 characters)")
    problems.extend(alert_routes_problems(props))
    problems.raise_if_any()

"""The audit SNS topics: security alerts (with email subscriptions) and CloudTrail's delivery notifications."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from constructs import Construct

from .._aws.topic_subscriptions import topic_subscriptions
from ..engine.aws import SnsTopic, SnsTopicPolicy
from ..engine.core import TerraformResourceLifecycle
from ._audit_logs import AuditArns


def topic_policy(topic_arn: str, *allows: dict[str, object]) -> str:
    """One ``sns:Publish`` Allow per ``allows`` entry (Sid, Principal, Condition) plus a deny of every
    publish to the topic made without TLS."""
    return json.dumps(
        {
            "Version": "2012-10-17",
            "Statement": [
                *({**allow, "Effect": "Allow", "Action": "sns:Publish", "Resource": topic_arn} for allow in allows),
                {
                    "Sid": "DenyInsecureTransport",
                    "Effect": "Deny",
                    "Principal": "*",
                    "Action": "sns:Publish",
                    "Resource": topic_arn,
                    "Condition": {"Bool": {"aws:SecureTransport": "false"}},
                },
            ],
        }
    )


class AuditTopics(Construct):
    """``Alerts``: the topic the security alarms notify, one email subscription per address
    (AWS mails each a confirmation link) and one HTTPS subscription per URL (``Https-<hash of the URL>``,
    a paging route). ``Deliveries``: the topic CloudTrail notifies on every log file it delivers, kept
    apart so on-call mailboxes do not receive them. Both are encrypted with ``kms_key_arn``; each topic's
    policy lets only its publishers in (``admit_alert_publisher`` adds one to ``Alerts``).
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        arns: AuditArns,
        name_prefix: str,
        kms_key_arn: str,
        alert_emails: Sequence[str],
        alert_https_endpoints: Sequence[str] = (),
        protect_from_destroy: bool = True,
    ) -> None:
        super().__init__(scope, id_)
        lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if protect_from_destroy else None
        self.alerts = SnsTopic(self, "Alerts", name=f"{name_prefix}-security-alerts", kms_master_key_id=kms_key_arn, lifecycle=lifecycle)
        self._alert_allows: list[dict[str, Any]] = [
            {
                "Sid": "CloudWatchAlarmsOfThisAccount",
                "Principal": {"Service": "cloudwatch.amazonaws.com"},
                "Condition": {
                    "StringEquals": {"aws:SourceAccount": arns.account},
                    "ArnLike": {"aws:SourceArn": arns.alarm_arns},
                },
            }
        ]
        self.alerts_policy = SnsTopicPolicy(self, "AlertsPolicy", arn=self.alerts.arn, policy=topic_policy(self.alerts.arn, *self._alert_allows))
        self.subscriptions = topic_subscriptions(self, self.alerts.arn, alert_emails, alert_https_endpoints)
        self.deliveries = SnsTopic(self, "Deliveries", name=f"{name_prefix}-cloudtrail-deliveries", kms_master_key_id=kms_key_arn, lifecycle=lifecycle)
        self.deliveries_policy = SnsTopicPolicy(
            self,
            "DeliveriesPolicy",
            arn=self.deliveries.arn,
            policy=topic_policy(
                self.deliveries.arn,
                {
                    "Sid": "ThisTrailOnly",
                    "Principal": {"Service": "cloudtrail.amazonaws.com"},
                    "Condition": {"StringEquals": {"aws:SourceArn": arns.trail_arn}},
                },
            ),
        )

    def admit_alert_publisher(self, allow: dict[str, Any]) -> None:
        """Let ``allow`` (``Sid``, ``Principal``, ``Condition``) publish to ``Alerts``, replacing the entry with the same ``Sid``."""
        self._alert_allows[:] = [a for a in self._alert_allows if a["Sid"] != allow["Sid"]] + [allow]
        self.alerts_policy.policy = topic_policy(self.alerts.arn, *self._alert_allows)

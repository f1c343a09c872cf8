"""The audit SNS topics: security alerts (with email subscriptions) and CloudTrail's delivery notifications."""

from __future__ import annotations

import json

from constructs import Construct

from ..engine.aws import SnsTopic, SnsTopicPolicy, SnsTopicSubscription
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
    (AWS mails each a confirmation link). ``Deliveries``: the topic CloudTrail notifies on every
    log file it delivers, kept apart so on-call mailboxes do not receive them. Both are
    encrypted with ``kms_key_arn``; each topic's policy lets only its one publisher in.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        arns: AuditArns,
        name_prefix: str,
        kms_key_arn: str,
        alert_emails: tuple[str, ...],
        protect_from_destroy: bool = True,
    ) -> None:
        super().__init__(scope, id_)
        lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if protect_from_destroy else None
        self.alerts = SnsTopic(self, "Alerts", name=f"{name_prefix}-security-alerts", kms_master_key_id=kms_key_arn, lifecycle=lifecycle)
        SnsTopicPolicy(
            self,
            "AlertsPolicy",
            arn=self.alerts.arn,
            policy=topic_policy(
                self.alerts.arn,
                {
                    "Sid": "CloudWatchAlarmsOfThisAccount",
                    "Principal": {"Service": "cloudwatch.amazonaws.com"},
                    "Condition": {
                        "StringEquals": {"aws:SourceAccount": arns.account},
                        "ArnLike": {"aws:SourceArn": arns.alarm_arns},
                    },
                },
            ),
        )
        # Keyed by address, so reordering the list replaces nothing.
        self.subscriptions = tuple(
            SnsTopicSubscription(self, f"Email-{address}", topic_arn=self.alerts.arn, protocol="email", endpoint=address) for address in alert_emails
        )
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

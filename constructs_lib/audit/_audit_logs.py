"""The trail's CloudWatch side: a KMS key, the encrypted log group and CloudTrail's delivery role."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from constructs import Construct

from .._aws.iam import Condition
from .._aws.log_delivery import DeliveryRoleSpec, KeySpec, build_log_delivery
from .._aws.perms import KMS_PUBLISH_ACTIONS

"""What a service publishing to a KMS-encrypted SNS topic needs on the topic's key."""
TRAIL_LOG_DELIVERY_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents"]
"""What CloudTrail needs to deliver into an existing log group (AWS's documented role policy)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class AuditArns:
    """Names and ARNs of the trail, known before the resources exist (built from parts, no cycles)."""

    account: str
    partition: str
    region: str
    trail_arn: str
    log_group_name: str

    @property
    def log_group_arn(self) -> str:
        return f"arn:{self.partition}:logs:{self.region}:{self.account}:log-group:{self.log_group_name}"

    @property
    def alarm_arns(self) -> str:
        return f"arn:{self.partition}:cloudwatch:{self.region}:{self.account}:alarm:*"


class AuditLogs(Construct):
    """The audit KMS key (``Key``, alias ``alias/<name_prefix>-audit``), the log group the trail
    delivers to (``LogGroup``) and the role CloudTrail assumes to write it (``DeliveryRole``).

    The key encrypts the log group and the SNS topics. Its policy lets the account administer
    it through IAM; CloudWatch Logs use it only for this log group; CloudWatch alarms of this
    account and this trail publish to the topics encrypted with it. Nothing else.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        arns: AuditArns,
        name_prefix: str,
        retention_days: int,
        protect_from_destroy: bool,
    ) -> None:
        super().__init__(scope, id_)
        built = build_log_delivery(
            self,
            account=arns.account,
            partition=arns.partition,
            region=arns.region,
            log_group_name=arns.log_group_name,
            retention_days=retention_days,
            protect_from_destroy=protect_from_destroy,
            key=KeySpec(
                description=f"{name_prefix} audit: CloudTrail log group and alert topics",
                alias=f"alias/{name_prefix}-audit",
                logs_sid="CloudWatchLogsEncryptsTheTrailLogGroup",
                extra_statements=[
                    {
                        "Sid": "CloudWatchAlarmsPublishToAlertTopic",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudwatch.amazonaws.com"},
                        "Action": KMS_PUBLISH_ACTIONS,
                        "Resource": "*",
                        "Condition": {
                            "StringEquals": {"aws:SourceAccount": arns.account},
                            "ArnLike": {"aws:SourceArn": arns.alarm_arns},
                        },
                    },
                    {
                        "Sid": "CloudTrailPublishesDeliveryNotifications",
                        "Effect": "Allow",
                        "Principal": {"Service": "cloudtrail.amazonaws.com"},
                        "Action": KMS_PUBLISH_ACTIONS,
                        "Resource": "*",
                        "Condition": {"StringEquals": {"aws:SourceArn": arns.trail_arn}},
                    },
                ],
            ),
            role=DeliveryRoleSpec(
                role_id="DeliveryRole",
                name=f"{name_prefix}-cloudtrail-logs",
                service="cloudtrail.amazonaws.com",
                trust_sid="ThisTrailOnly",
                trust_conditions=[
                    Condition("StringEquals", "aws:SourceAccount", (arns.account,)),
                    Condition("StringEquals", "aws:SourceArn", (arns.trail_arn,)),
                ],
                policy_name=f"{name_prefix}-cloudtrail-logs-delivery",
                policy_description=f"CloudTrail delivers {arns.log_group_name} log streams",
                delivery_sid="DeliverToTheTrailLogGroupOnly",
                delivery_actions=TRAIL_LOG_DELIVERY_ACTIONS,
                # CloudTrail names its streams <account>_CloudTrail_<region> (one per region of the trail).
                resource_suffixes=[f":log-stream:{arns.account}_CloudTrail_*"],
            ),
        )
        self.key = built.key
        self._key_policy = built.key_policy
        self.log_group = built.log_group
        self.role = built.role
        self.delivery_policy = built.policy
        self.role_policy = built.attachment

    def put_key_statement(self, statement: dict[str, Any]) -> None:
        """Add ``statement`` (JSON form) to the audit key's policy, replacing the one with the same ``Sid``."""
        statements: list[dict[str, Any]] = self._key_policy["Statement"]
        statements[:] = [s for s in statements if s.get("Sid") != statement["Sid"]] + [statement]
        self.key.policy = json.dumps(self._key_policy)

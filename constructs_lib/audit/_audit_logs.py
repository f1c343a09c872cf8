"""The trail's CloudWatch side: a KMS key, the encrypted log group and CloudTrail's delivery role."""

from __future__ import annotations

import json
from dataclasses import dataclass

from constructs import Construct

from ..engine.aws import (
    CloudwatchLogGroup,
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
    IamPolicy,
    IamRole,
    IamRolePolicyAttachment,
    KmsAlias,
    KmsKey,
)
from ..engine.core import TerraformResourceLifecycle

KMS_LOGS_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]
"""What CloudWatch Logs needs on the key of an encrypted log group (AWS's documented key policy)."""
KMS_PUBLISH_ACTIONS = ["kms:GenerateDataKey*", "kms:Decrypt"]
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


def _condition(test: str, variable: str, *values: str) -> DataAwsIamPolicyDocumentStatementCondition:
    return DataAwsIamPolicyDocumentStatementCondition(test=test, variable=variable, values=list(values))


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
        lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if protect_from_destroy else None
        # A key policy, not an IAM policy: "*" as resource means "this key". Kept as JSON on the key
        # (checkov's IAM-policy checks would misread a policy document data source as an identity policy).
        key_policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministers",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{arns.partition}:iam::{arns.account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "CloudWatchLogsEncryptsTheTrailLogGroup",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{arns.region}.amazonaws.com"},
                    "Action": KMS_LOGS_ACTIONS,
                    "Resource": "*",
                    "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": arns.log_group_arn}},
                },
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
        }
        self.key = KmsKey(
            self,
            "Key",
            description=f"{name_prefix} audit: CloudTrail log group and alert topics",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(key_policy),
            lifecycle=lifecycle,
        )
        KmsAlias(self, "KeyAlias", name=f"alias/{name_prefix}-audit", target_key_id=self.key.key_id)
        self.log_group = CloudwatchLogGroup(
            self,
            "LogGroup",
            name=arns.log_group_name,
            retention_in_days=retention_days,
            kms_key_id=self.key.arn,
            lifecycle=lifecycle,
        )

        trust = DataAwsIamPolicyDocument(
            self,
            "TrustPolicy",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    sid="ThisTrailOnly",
                    effect="Allow",
                    actions=["sts:AssumeRole"],
                    principals=[DataAwsIamPolicyDocumentStatementPrincipals(type="Service", identifiers=["cloudtrail.amazonaws.com"])],
                    condition=[
                        _condition("StringEquals", "aws:SourceAccount", arns.account),
                        _condition("StringEquals", "aws:SourceArn", arns.trail_arn),
                    ],
                )
            ],
        )
        self.role = IamRole(self, "DeliveryRole", name=f"{name_prefix}-cloudtrail-logs", assume_role_policy=trust.json)
        delivery = DataAwsIamPolicyDocument(
            self,
            "DeliveryPolicy",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    sid="DeliverToTheTrailLogGroupOnly",
                    effect="Allow",
                    actions=TRAIL_LOG_DELIVERY_ACTIONS,
                    # CloudTrail names its streams <account>_CloudTrail_<region> (one per region of the trail).
                    resources=[f"{self.log_group.arn}:log-stream:{arns.account}_CloudTrail_*"],
                )
            ],
        )
        # A managed policy (guardrail HC-IAM-003: reviewable on its own), attached to this role only.
        self.delivery_policy = IamPolicy(
            self,
            "DeliveryRolePolicy",
            name=f"{name_prefix}-cloudtrail-logs-delivery",
            path="/platform/",
            description=f"CloudTrail delivers {arns.log_group_name} log streams",
            policy=delivery.json,
        )
        self.role_policy = IamRolePolicyAttachment(self, "DeliveryRolePolicyAttachment", role=self.role.name, policy_arn=self.delivery_policy.arn)

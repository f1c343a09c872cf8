"""VPC flow logs (all traffic) into a KMS-encrypted CloudWatch log group, least-privilege delivery role."""

from __future__ import annotations

import json

from constructs import Construct

from ..engine.aws import (
    CloudwatchLogGroup,
    DataAwsCallerIdentity,
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
    DataAwsPartition,
    FlowLog,
    IamPolicy,
    IamRole,
    IamRolePolicyAttachment,
    KmsAlias,
    KmsKey,
)

FLOW_LOG_DELIVERY_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
"""What the flow logs service needs on an existing log group (no CreateLogGroup, no account-wide Describe)."""
POLICY_PATH = "/platform/"
"""IAM path of the delivery role's managed policy."""
KMS_LOGS_ACTIONS = ["kms:Encrypt*", "kms:Decrypt*", "kms:ReEncrypt*", "kms:GenerateDataKey*", "kms:Describe*"]


class FlowLogs(Construct):
    """Flow log of every packet decision in ``vpc_id``, kept ``retention_days`` in an encrypted log group.

    Creates a KMS key (rotation on, usable only by this account and CloudWatch Logs for
    this one log group) with an alias, the log group, an IAM role the flow logs service
    assumes only on behalf of this account, a customer-managed policy (RolePolicy, on this
    log group only, path ``/platform/``) attached to it by RolePolicyAttachment (no inline
    policy: HC-IAM-003), and the ``aws_flow_log``.
    """

    def __init__(self, scope: Construct, id_: str, *, vpc_id: str, name_prefix: str, region: str, retention_days: int) -> None:
        super().__init__(scope, id_)
        account = DataAwsCallerIdentity(self, "Account").account_id
        partition = DataAwsPartition(self, "Partition").partition
        self.log_group_name = f"/aws/vpc/{name_prefix}/flow-logs"
        # Built from parts: the key policy needs the ARN before the log group (which needs the key) exists.
        log_group_arn = f"arn:{partition}:logs:{region}:{account}:log-group:{self.log_group_name}"

        # A key policy, not an IAM policy: "*" as resource means "this key". Kept as JSON on the key
        # itself (checkov's IAM-policy checks would misread it as an identity policy otherwise).
        key_policy = {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Sid": "AccountAdministers",
                    "Effect": "Allow",
                    "Principal": {"AWS": f"arn:{partition}:iam::{account}:root"},
                    "Action": "kms:*",
                    "Resource": "*",
                },
                {
                    "Sid": "CloudWatchLogsEncryptsThisLogGroup",
                    "Effect": "Allow",
                    "Principal": {"Service": f"logs.{region}.amazonaws.com"},
                    "Action": KMS_LOGS_ACTIONS,
                    "Resource": "*",
                    "Condition": {"ArnEquals": {"kms:EncryptionContext:aws:logs:arn": log_group_arn}},
                },
            ],
        }
        self.key = KmsKey(
            self,
            "Key",
            description=f"{name_prefix} VPC flow logs",
            enable_key_rotation=True,
            deletion_window_in_days=30,
            policy=json.dumps(key_policy),
        )
        KmsAlias(self, "KeyAlias", name=f"alias/{name_prefix}-vpc-flow-logs", target_key_id=self.key.key_id)
        self.log_group = CloudwatchLogGroup(
            self,
            "LogGroup",
            name=self.log_group_name,
            retention_in_days=retention_days,
            kms_key_id=self.key.arn,
        )

        trust = DataAwsIamPolicyDocument(
            self,
            "TrustPolicy",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    sid="FlowLogsForThisAccountOnly",
                    effect="Allow",
                    actions=["sts:AssumeRole"],
                    principals=[DataAwsIamPolicyDocumentStatementPrincipals(type="Service", identifiers=["vpc-flow-logs.amazonaws.com"])],
                    condition=[
                        DataAwsIamPolicyDocumentStatementCondition(test="StringEquals", variable="aws:SourceAccount", values=[account]),
                        DataAwsIamPolicyDocumentStatementCondition(
                            test="ArnLike", variable="aws:SourceArn", values=[f"arn:{partition}:ec2:{region}:{account}:vpc-flow-log/*"]
                        ),
                    ],
                )
            ],
        )
        self.role = IamRole(self, "Role", name=f"{name_prefix}-vpc-flow-logs", assume_role_policy=trust.json)
        delivery = DataAwsIamPolicyDocument(
            self,
            "DeliveryPolicy",
            statement=[
                DataAwsIamPolicyDocumentStatement(
                    sid="DeliverToThisLogGroupOnly",
                    effect="Allow",
                    actions=FLOW_LOG_DELIVERY_ACTIONS,
                    resources=[self.log_group.arn, f"{self.log_group.arn}:*"],
                )
            ],
        )
        self.role_policy = IamPolicy(
            self,
            "RolePolicy",
            name=f"{name_prefix}-vpc-flow-logs-delivery",
            path=POLICY_PATH,
            description=f"VPC flow logs delivery to {self.log_group_name} only",
            policy=delivery.json,
        )
        attachment = IamRolePolicyAttachment(self, "RolePolicyAttachment", role=self.role.name, policy_arn=self.role_policy.arn)
        self.flow_log = FlowLog(
            self,
            "Resource",
            vpc_id=vpc_id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.log_group.arn,
            iam_role_arn=self.role.arn,
            depends_on=[attachment],
        )

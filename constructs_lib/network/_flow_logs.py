"""VPC flow logs (all traffic) into a KMS-encrypted CloudWatch log group, least-privilege delivery role."""

from __future__ import annotations

from constructs import Construct

from .._aws.iam import Condition
from .._aws.log_delivery import DeliveryRoleSpec, KeySpec, build_log_delivery
from ..engine.aws import DataAwsCallerIdentity, DataAwsPartition, FlowLog

FLOW_LOG_DELIVERY_ACTIONS = ["logs:CreateLogStream", "logs:PutLogEvents", "logs:DescribeLogStreams"]
"""What the flow logs service needs on an existing log group (no CreateLogGroup, no account-wide Describe)."""


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
        built = build_log_delivery(
            self,
            account=account,
            partition=partition,
            region=region,
            log_group_name=self.log_group_name,
            retention_days=retention_days,
            key=KeySpec(
                description=f"{name_prefix} VPC flow logs",
                alias=f"alias/{name_prefix}-vpc-flow-logs",
                logs_sid="CloudWatchLogsEncryptsThisLogGroup",
            ),
            role=DeliveryRoleSpec(
                role_id="Role",
                name=f"{name_prefix}-vpc-flow-logs",
                service="vpc-flow-logs.amazonaws.com",
                trust_sid="FlowLogsForThisAccountOnly",
                trust_conditions=[
                    Condition("StringEquals", "aws:SourceAccount", (account,)),
                    Condition("ArnLike", "aws:SourceArn", (f"arn:{partition}:ec2:{region}:{account}:vpc-flow-log/*",)),
                ],
                policy_name=f"{name_prefix}-vpc-flow-logs-delivery",
                policy_description=f"VPC flow logs delivery to {self.log_group_name} only",
                delivery_sid="DeliverToThisLogGroupOnly",
                delivery_actions=FLOW_LOG_DELIVERY_ACTIONS,
                resource_suffixes=["", ":*"],
            ),
        )
        self.key = built.key
        self.log_group = built.log_group
        self.role = built.role
        self.role_policy = built.policy
        self.flow_log = FlowLog(
            self,
            "Resource",
            vpc_id=vpc_id,
            traffic_type="ALL",
            log_destination_type="cloud-watch-logs",
            log_destination=self.log_group.arn,
            iam_role_arn=self.role.arn,
            depends_on=[built.attachment],
        )

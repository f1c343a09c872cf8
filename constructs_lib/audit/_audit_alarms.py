"""CIS AWS Foundations monitoring: CloudTrail metric filters and the alarms on them.

The filter patterns are those of the CIS AWS Foundations Benchmark (section 4 "Monitoring",
controls 4.1 to 4.15) and AWS Security Hub's CloudWatch.1..14 controls (Security Hub user
guide, "Amazon CloudWatch controls"; Security Hub has no control for 4.15), written once here
as data. 4.15 (AWS Organizations changes) counts in every account: most Organizations calls are
made (and logged) in the management account, but a member account's own ``LeaveOrganization``,
``AcceptHandshake`` and ``DeclineHandshake`` are logged in that member account, and an account
that becomes a management account later is covered from its first call. Organizations is a
global service, logged in us-east-1: the trail is multi-region with global service events.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from ..engine.aws import (
    CloudwatchLogMetricFilter,
    CloudwatchLogMetricFilterMetricTransformation,
    CloudwatchMetricAlarm,
)
from .audit_settings import AuditSettings


def _any_event(*names: str, quoted: bool = False) -> str:
    return " || ".join(f'($.eventName = "{name}")' if quoted else f"($.eventName = {name})" for name in names)


ORGANIZATIONS_EVENTS = (
    "AcceptHandshake",
    "AttachPolicy",
    "CreateAccount",
    "CreateOrganizationalUnit",
    "CreatePolicy",
    "DeclineHandshake",
    "DeleteOrganization",
    "DeleteOrganizationalUnit",
    "DeletePolicy",
    "DetachPolicy",
    "DisablePolicyType",
    "EnablePolicyType",
    "InviteAccountToOrganization",
    "LeaveOrganization",
    "MoveAccount",
    "RemoveAccountFromOrganization",
    "UpdatePolicy",
    "UpdateOrganizationalUnit",
)
"""The AWS Organizations calls CIS 4.15 counts (its filter pattern, in its order)."""


@dataclass(frozen=True, slots=True)
class SecurityAlarm:
    """One CIS monitoring control: a metric filter pattern and which threshold applies."""

    id: str
    """Construct id suffix and metric name (``UnauthorizedApiCalls``)."""
    description: str
    pattern: str
    threshold: str
    """Which ``AuditSettings`` threshold applies, one of ``audit_settings.ALARM_THRESHOLDS``."""


SECURITY_ALARMS: tuple[SecurityAlarm, ...] = (
    SecurityAlarm(
        "UnauthorizedApiCalls",
        "Unauthorized API calls (CIS 4.1)",
        '{ (($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*")) '
        '&& ($.sourceIPAddress != "delivery.logs.amazonaws.com") && ($.eventName != "HeadBucket") }',
        "unauthorized_api_calls_threshold",
    ),
    SecurityAlarm(
        "ConsoleSignInFailures",
        "AWS Management Console authentication failures (CIS 4.6)",
        '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }',
        "console_signin_failures_threshold",
    ),
    SecurityAlarm(
        "RootAccountUse",
        "Use of the root account (CIS 4.3)",
        '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }',
        "change_alarm_threshold",
    ),
    SecurityAlarm(
        "IamPolicyChanges",
        "IAM policy changes (CIS 4.4)",
        "{ "
        + _any_event(
            "DeleteGroupPolicy",
            "DeleteRolePolicy",
            "DeleteUserPolicy",
            "PutGroupPolicy",
            "PutRolePolicy",
            "PutUserPolicy",
            "CreatePolicy",
            "DeletePolicy",
            "CreatePolicyVersion",
            "DeletePolicyVersion",
            "SetDefaultPolicyVersion",
            "AttachRolePolicy",
            "DetachRolePolicy",
            "AttachUserPolicy",
            "DetachUserPolicy",
            "AttachGroupPolicy",
            "DetachGroupPolicy",
        )
        + " }",
        "change_alarm_threshold",
    ),
    SecurityAlarm(
        "KmsKeyDisabledOrScheduledForDeletion",
        "Disabling or scheduled deletion of customer-managed KMS keys (CIS 4.7)",
        "{ ($.eventSource = kms.amazonaws.com) && ((" + _any_event("DisableKey", "ScheduleKeyDeletion") + ")) }",
        "change_alarm_threshold",
    ),
    SecurityAlarm(
        "S3BucketPolicyChanges",
        "S3 bucket policy changes (CIS 4.8)",
        "{ ($.eventSource = s3.amazonaws.com) && (("
        + _any_event(
            "PutBucketAcl",
            "PutBucketPolicy",
            "PutBucketCors",
            "PutBucketLifecycle",
            "PutBucketReplication",
            "DeleteBucketPolicy",
            "DeleteBucketCors",
            "DeleteBucketLifecycle",
            "DeleteBucketReplication",
        )
        + ")) }",
        "change_alarm_threshold",
    ),
    SecurityAlarm(
        "CloudTrailChanges",
        "CloudTrail configuration changes (CIS 4.5)",
        "{ " + _any_event("CreateTrail", "UpdateTrail", "DeleteTrail", "StartLogging", "StopLogging", "PutEventSelectors") + " }",
        "change_alarm_threshold",
    ),
    SecurityAlarm(
        "SecurityGroupChanges",
        "Security group changes (CIS 4.10)",
        "{ "
        + _any_event(
            "AuthorizeSecurityGroupIngress",
            "AuthorizeSecurityGroupEgress",
            "RevokeSecurityGroupIngress",
            "RevokeSecurityGroupEgress",
            "CreateSecurityGroup",
            "DeleteSecurityGroup",
        )
        + " }",
        "change_alarm_threshold",
    ),
    SecurityAlarm(
        "NetworkAclChanges",
        "Network ACL changes (CIS 4.11)",
        "{ "
        + _any_event(
            "CreateNetworkAcl",
            "CreateNetworkAclEntry",
            "DeleteNetworkAcl",
            "DeleteNetworkAclEntry",
            "ReplaceNetworkAclEntry",
            "ReplaceNetworkAclAssociation",
        )
        + " }",
        "change_alarm_threshold",
    ),
    SecurityAlarm(
        "ConsoleSignInWithoutMfa",
        "Management Console sign-in without MFA (CIS 4.2)",
        '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") '
        '&& ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }',
        "change_alarm_threshold",
    ),
    SecurityAlarm(
        "AwsConfigChanges",
        "AWS Config configuration changes (CIS 4.9)",
        "{ ($.eventSource = config.amazonaws.com) && (("
        + _any_event("StopConfigurationRecorder", "DeleteDeliveryChannel", "PutDeliveryChannel", "PutConfigurationRecorder")
        + ")) }",
        "change_alarm_threshold",
    ),
    SecurityAlarm(
        "NetworkGatewayChanges",
        "Network gateway changes (CIS 4.12)",
        "{ "
        + _any_event(
            "CreateCustomerGateway",
            "DeleteCustomerGateway",
            "AttachInternetGateway",
            "CreateInternetGateway",
            "DeleteInternetGateway",
            "DetachInternetGateway",
        )
        + " }",
        "change_alarm_threshold",
    ),
    SecurityAlarm(
        "RouteTableChanges",
        "Route table changes (CIS 4.13)",
        "{ "
        + _any_event(
            "CreateRoute",
            "CreateRouteTable",
            "ReplaceRoute",
            "ReplaceRouteTableAssociation",
            "DeleteRouteTable",
            "DeleteRoute",
            "DisassociateRouteTable",
        )
        + " }",
        "change_alarm_threshold",
    ),
    SecurityAlarm(
        "VpcChanges",
        "VPC changes (CIS 4.14)",
        "{ "
        + _any_event(
            "CreateVpc",
            "DeleteVpc",
            "ModifyVpcAttribute",
            "AcceptVpcPeeringConnection",
            "CreateVpcPeeringConnection",
            "DeleteVpcPeeringConnection",
            "RejectVpcPeeringConnection",
            "AttachClassicLinkVpc",
            "DetachClassicLinkVpc",
            "DisableVpcClassicLink",
            "EnableVpcClassicLink",
        )
        + " }",
        "change_alarm_threshold",
    ),
    SecurityAlarm(
        "OrganizationsChanges",
        "AWS Organizations changes (CIS 4.15)",
        "{ ($.eventSource = organizations.amazonaws.com) && ((" + _any_event(*ORGANIZATIONS_EVENTS, quoted=True) + ")) }",
        "change_alarm_threshold",
    ),
)
"""The alarms every AuditTrail creates, in construct order."""


class SecurityAlarms(Construct):
    """One ``aws_cloudwatch_log_metric_filter`` and one ``aws_cloudwatch_metric_alarm`` per ``SECURITY_ALARMS`` entry.

    Each filter counts matching events (value 1, default 0) in ``namespace``; each alarm fires
    when the sum over ``alarm_period_seconds`` reaches its threshold, and notifies ``topic_arn``.
    """

    def __init__(
        self,
        scope: Construct,
        id_: str,
        *,
        log_group_name: str,
        namespace: str,
        name_prefix: str,
        topic_arn: str,
        settings: AuditSettings,
    ) -> None:
        super().__init__(scope, id_)
        self.filters: dict[str, CloudwatchLogMetricFilter] = {}
        self.alarms: dict[str, CloudwatchMetricAlarm] = {}
        for alarm in SECURITY_ALARMS:
            self.filters[alarm.id] = CloudwatchLogMetricFilter(
                self,
                f"{alarm.id}Filter",
                name=f"{name_prefix}-{alarm.id}",
                log_group_name=log_group_name,
                pattern=alarm.pattern,
                metric_transformation=CloudwatchLogMetricFilterMetricTransformation(name=alarm.id, namespace=namespace, value="1", default_value="0"),
            )
            self.alarms[alarm.id] = CloudwatchMetricAlarm(
                self,
                f"{alarm.id}Alarm",
                alarm_name=f"{name_prefix}-{alarm.id}",
                alarm_description=alarm.description,
                namespace=namespace,
                metric_name=alarm.id,
                statistic="Sum",
                period=settings.alarm_period_seconds,
                evaluation_periods=settings.alarm_evaluation_periods,
                threshold=getattr(settings, alarm.threshold),
                comparison_operator="GreaterThanOrEqualToThreshold",
                treat_missing_data="notBreaching",
                actions_enabled=True,
                alarm_actions=[topic_arn],
                depends_on=[self.filters[alarm.id]],
            )

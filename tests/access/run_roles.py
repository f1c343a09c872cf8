"""HCP Terraform run roles as AWS would see them after the bootstrap apply: who may assume them, and what they may do.

Two questions asked of the synthesized JSON, never of the code that wrote it:

- **Trust**: may a workload identity token (issuer, audience, ``sub``) assume environment E's role of
  run phase P? STS first checks that an OIDC provider of the role's account has the token's issuer as
  its URL and the token's audience in its client id list; then the role's trust policy decides
  (``iam_eval.decide_web_identity``).
- **Permissions**: what does a run role's identity policies (the managed policies attached to it)
  decide for a concrete request (``iam_eval.decide_same_account``), and, for every resource an app
  stack creates, which requests a deploy of that resource makes (``deploy_requests``)?

A resource type without an entry in ``deploy_requests`` raises ``UnmodelledResource``, so an app
stack that gains a new kind of AWS resource fails the tests until someone says what deploying it
needs (and the apply role allows it).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tests.access.iam_eval import Decision, Principal, Request, decide_same_account, decide_web_identity
from tests.access.world import PARTITION, StackWorld

ISSUER = "https://app.terraform.io"
AUDIENCE = "aws.workload.identity"


class UnmodelledResource(Exception):
    """An app stack holds an AWS resource type whose deploy requests this model does not know."""


@dataclass(frozen=True, slots=True)
class Token:
    """A workload identity token of an HCP Terraform run (the claims AWS conditions can see)."""

    sub: str
    aud: str = AUDIENCE
    iss: str = ISSUER

    @classmethod
    def run(cls, organization: str, workspace: str, phase: str, *, project: str = "Default Project", aud: str = AUDIENCE) -> Token:
        """The token HCP Terraform issues to a ``phase`` run of ``workspace`` (``sub`` as its docs give it)."""
        return cls(sub=f"organization:{organization}:project:{project}:workspace:{workspace}:run_phase:{phase}", aud=aud)


def _path(block: Mapping[str, Any]) -> str:
    return str(block["//"]["metadata"]["path"]).split("/", 1)[1]


def _named(value: str, rtype: str) -> str:
    """The resource name in the first ``${rtype.<name>.<attribute>}`` of ``value``."""
    found = re.search(rf"\$\{{{re.escape(rtype)}\.([A-Za-z0-9_-]+)\.", value)
    if found is None:
        raise UnmodelledResource(f"expected a reference to {rtype} in {value!r}")
    return found[1]


class RunRoles:
    """The bootstrap stack's OIDC providers and run roles, resolved in each environment's account."""

    def __init__(self, bootstrap: Mapping[str, Any]) -> None:
        self.world = StackWorld(bootstrap, accounts_from_providers=True)
        self.resources = self.world.resources
        self._policies: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def _at(self, rtype: str, path: str) -> tuple[str, Mapping[str, Any]]:
        for name, block in self.resources.get(rtype, {}).items():
            if _path(block) == path:
                return name, block
        raise KeyError(f"{rtype} at {path}")

    def role_arn(self, env: str, phase: str) -> str:
        name, _ = self._at("aws_iam_role", f"{env}/Aws/{phase.title()}Role")
        return self.world.reference(f"aws_iam_role.{name}.arn")

    def trust(self, env: str, phase: str) -> dict[str, Any]:
        _, block = self._at("aws_iam_role", f"{env}/Aws/{phase.title()}Role")
        return self.world.policy(block["assume_role_policy"])

    def identity_policies(self, env: str, phase: str) -> list[dict[str, Any]]:
        """The documents of every managed policy attached to the role (inline policies would raise: none are modelled).

        Resolved once per role: the stack does not change, and the deploy tests ask thousands of requests of each role.
        """
        if (env, phase) not in self._policies:
            self._policies[env, phase] = self._identity_policies(env, phase)
        return self._policies[env, phase]

    def _identity_policies(self, env: str, phase: str) -> list[dict[str, Any]]:
        role, block = self._at("aws_iam_role", f"{env}/Aws/{phase.title()}Role")
        if block.get("inline_policy") or self.resources.get("aws_iam_role_policy") or block.get("managed_policy_arns"):
            raise UnmodelledResource("run roles get managed policies through aws_iam_role_policy_attachment only")
        return [
            self.world.policy(self.resources["aws_iam_policy"][_named(a["policy_arn"], "aws_iam_policy")]["policy"])
            for a in self.resources.get("aws_iam_role_policy_attachment", {}).values()
            if _named(a["role"], "aws_iam_role") == role
        ]

    def oidc_providers(self, account: str) -> Iterator[tuple[str, Mapping[str, Any]]]:
        """``(arn, block)`` of every OIDC provider the stack creates in ``account``."""
        for name, block in self.resources.get("aws_iam_openid_connect_provider", {}).items():
            arn = self.world.reference(f"aws_iam_openid_connect_provider.{name}.arn")
            if arn.split(":")[4] == account:
                yield arn, block

    def may_assume(self, token: Token, env: str, phase: str) -> bool:
        """Whether STS gives ``token`` a session of ``env``'s ``phase`` role."""
        role = self.role_arn(env, phase)
        account = role.split(":")[4]
        for provider, block in self.oidc_providers(account):
            if block["url"] != token.iss or token.aud not in block["client_id_list"]:
                continue  # STS rejects the token before any trust policy is read
            issuer = token.iss.removeprefix("https://")
            claims = {f"{issuer}:sub": token.sub, f"{issuer}:aud": token.aud}
            if decide_web_identity(self.trust(env, phase), provider_arn=provider, role_arn=role, claims=claims) is Decision.ALLOW:
                return True
        return False

    def decide(self, env: str, phase: str, action: str, resource: str, context: Mapping[str, Any] | None = None) -> Decision:
        """What the role's identity policies decide for a same-account request (no resource policy)."""
        role = self.role_arn(env, phase)
        account = role.split(":")[4]
        request = Request(principal=self.session(env, phase), action=action, resource=resource, context=dict(context or {}))
        return decide_same_account(request, resource_policy=None, identity_policies=self.identity_policies(env, phase), resource_account=account)

    def session(self, env: str, phase: str) -> Principal:
        """The role as a principal (its session acts with the role's policies)."""
        role = self.role_arn(env, phase)
        return Principal("AWS", role, role.split(":")[4])


# ---------------------------------------------------------------------------------------------
# What deploying each resource of an app stack asks AWS
# ---------------------------------------------------------------------------------------------

DeployRequest = tuple[str, str]
"""``(action, resource ARN or "*")``."""


def _bucket(world: StackWorld, block: Mapping[str, Any]) -> str:
    return f"arn:{PARTITION}:s3:::{world.resolve(block['bucket'])}"


def _arn_of(world: StackWorld, value: str, rtype: str) -> str:
    return world.reference(f"{rtype}.{_named(value, rtype)}.arn")


def _s3(write: str, read: str) -> Callable[[StackWorld, str, Mapping[str, Any]], tuple[list[DeployRequest], list[DeployRequest]]]:
    return lambda world, _name, block: ([(f"s3:{write}", _bucket(world, block))], [(f"s3:{read}", _bucket(world, block))])


def _ec2(*writes: str, read: str) -> Callable[[StackWorld, str, Mapping[str, Any]], tuple[list[DeployRequest], list[DeployRequest]]]:
    return lambda _world, _name, _block: ([(f"ec2:{w}", "*") for w in writes], [(f"ec2:{read}", "*")])


def _iam_named(kind: str) -> Callable[[StackWorld, str, Mapping[str, Any]], tuple[list[DeployRequest], list[DeployRequest]]]:
    def requests(world: StackWorld, name: str, _block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
        arn = world.reference(f"aws_iam_{kind}.{name}.arn")
        return [(f"iam:Create{kind.title()}", arn), (f"iam:Tag{kind.title()}", arn)], [(f"iam:Get{kind.title()}", arn)]

    return requests


def _kms_key(world: StackWorld, name: str, _block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    arn = world.reference(f"aws_kms_key.{name}.arn")
    return [("kms:CreateKey", "*"), ("kms:EnableKeyRotation", arn), ("kms:TagResource", arn)], [("kms:DescribeKey", arn), ("kms:GetKeyPolicy", arn)]


def _kms_alias(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    region, account = world.region_of(block), world.account_of(block)
    alias = f"arn:{PARTITION}:kms:{region}:{account}:{world.resolve(block['name'])}"
    key = _arn_of(world, block["target_key_id"], "aws_kms_key")
    return [("kms:CreateAlias", alias), ("kms:CreateAlias", key)], [("kms:ListAliases", "*")]


def _log_group_arn(world: StackWorld, block: Mapping[str, Any], name: str) -> str:
    return f"arn:{PARTITION}:logs:{world.region_of(block)}:{world.account_of(block)}:log-group:{name}"


def _trail(world: StackWorld, name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    arn = world.reference(f"aws_cloudtrail.{name}.arn")
    writes = [("cloudtrail:CreateTrail", arn), ("cloudtrail:PutEventSelectors", arn), ("cloudtrail:StartLogging", arn)]
    if block.get("cloud_watch_logs_role_arn"):
        writes.append(("iam:PassRole", _arn_of(world, block["cloud_watch_logs_role_arn"], "aws_iam_role")))
    return writes, [("cloudtrail:DescribeTrails", "*"), ("cloudtrail:GetTrailStatus", arn)]


def _alarm(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    arn = f"arn:{PARTITION}:cloudwatch:{world.region_of(block)}:{world.account_of(block)}:alarm:{world.resolve(block['alarm_name'])}"
    return [("cloudwatch:PutMetricAlarm", arn)], [("cloudwatch:DescribeAlarms", "*")]


def _dashboard(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    arn = f"arn:{PARTITION}:cloudwatch::{world.account_of(block)}:dashboard/{world.resolve(block['dashboard_name'])}"
    return [("cloudwatch:PutDashboard", arn)], [("cloudwatch:GetDashboard", arn)]


def _topic(world: StackWorld, name: str, _block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    arn = world.reference(f"aws_sns_topic.{name}.arn")
    return [("sns:CreateTopic", arn), ("sns:SetTopicAttributes", arn)], [("sns:GetTopicAttributes", arn)]


def _topic_of(attribute: str, write: str) -> Callable[[StackWorld, str, Mapping[str, Any]], tuple[list[DeployRequest], list[DeployRequest]]]:
    return lambda world, _name, block: (
        [(write, _arn_of(world, block[attribute], "aws_sns_topic"))],
        [("sns:GetTopicAttributes", _arn_of(world, block[attribute], "aws_sns_topic"))],
    )


def _flow_log(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    return [("ec2:CreateFlowLogs", "*"), ("iam:PassRole", _arn_of(world, block["iam_role_arn"], "aws_iam_role"))], [("ec2:DescribeFlowLogs", "*")]


def _replication(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    bucket = _bucket(world, block)
    return [("s3:PutReplicationConfiguration", bucket), ("iam:PassRole", _arn_of(world, block["role"], "aws_iam_role"))], [
        ("s3:GetReplicationConfiguration", bucket)
    ]


def _attachment(kind: str) -> Callable[[StackWorld, str, Mapping[str, Any]], tuple[list[DeployRequest], list[DeployRequest]]]:
    def requests(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
        target = _arn_of(world, block[kind], f"aws_iam_{kind}")
        return [(f"iam:Attach{kind.title()}Policy", target)], [(f"iam:ListAttached{kind.title()}Policies", target)]

    return requests


def _membership(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    groups = [_arn_of(world, group, "aws_iam_group") for group in block["groups"]]
    user = _arn_of(world, block["user"], "aws_iam_user")
    return [("iam:AddUserToGroup", group) for group in groups], [("iam:ListGroupsForUser", user)]


def _access_key(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    user = _arn_of(world, block["user"], "aws_iam_user")
    return [("iam:CreateAccessKey", user), ("iam:UpdateAccessKey", user)], [("iam:ListAccessKeys", user)]


def _metric_filter(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    group = _log_group_arn(world, block, world.resolve(block["log_group_name"]))
    return [("logs:PutMetricFilter", group)], [("logs:DescribeMetricFilters", "*")]


def _log_group(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    group = _log_group_arn(world, block, world.resolve(block["name"]))
    return [("logs:CreateLogGroup", group), ("logs:PutRetentionPolicy", group), ("logs:AssociateKmsKey", group)], [("logs:DescribeLogGroups", "*")]


def _budget(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    arn = f"arn:{PARTITION}:budgets::{world.account_of(block)}:budget/{world.resolve(block['name'])}"
    return [("budgets:ModifyBudget", arn)], [("budgets:ViewBudget", arn)]


def _secret_arn(world: StackWorld, block: Mapping[str, Any], name: str) -> str:
    return f"arn:{PARTITION}:secretsmanager:{world.region_of(block)}:{world.account_of(block)}:secret:{name}-AbCdEf"  # AWS appends 6 characters


def _secret(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    arn = _secret_arn(world, block, world.resolve(block["name"]))
    return [("secretsmanager:CreateSecret", arn), ("secretsmanager:TagResource", arn)], [("secretsmanager:DescribeSecret", arn)]


def _secret_of(write: str, read: str) -> Callable[[StackWorld, str, Mapping[str, Any]], tuple[list[DeployRequest], list[DeployRequest]]]:
    def requests(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
        reference = block.get("secret_id") or block.get("secret_arn")
        arn = world.reference(str(reference)[2:-1])
        return [(write, arn)], [(read, arn)]

    return requests


def _account_wide(write: str, read: str) -> Callable[[StackWorld, str, Mapping[str, Any]], tuple[list[DeployRequest], list[DeployRequest]]]:
    """A detection resource of the account (detector, hub, recorder, Macie session...): AWS names it or it has no ARN."""
    return lambda _world, _name, _block: ([(write, "*")], [(read, "*")])


def _analyzer(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    arn = f"arn:{PARTITION}:access-analyzer:{world.region_of(block)}:{world.account_of(block)}:analyzer/{world.resolve(block['analyzer_name'])}"
    return [("access-analyzer:CreateAnalyzer", arn), ("access-analyzer:TagResource", arn)], [("access-analyzer:GetAnalyzer", arn)]


def _event_rule_arn(world: StackWorld, block: Mapping[str, Any], name: str) -> str:
    return f"arn:{PARTITION}:events:{world.region_of(block)}:{world.account_of(block)}:rule/{name}"


def _event_rule(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    arn = _event_rule_arn(world, block, world.resolve(block["name"]))
    return [("events:PutRule", arn), ("events:TagResource", arn)], [("events:DescribeRule", arn)]


def _event_target(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    arn = _event_rule_arn(world, block, world.resolve(block["rule"]))
    return [("events:PutTargets", arn)], [("events:ListTargetsByRule", arn)]


def _service_linked_role(world: StackWorld, _name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    service = world.resolve(block["aws_service_name"])
    arn = f"arn:{PARTITION}:iam::{world.account_of(block)}:role/aws-service-role/{service}/AWSServiceRoleFor{service.split('.')[0].title()}"
    return [("iam:CreateServiceLinkedRole", arn)], [("iam:GetRole", arn)]


def _recorder(world: StackWorld, name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    role = f"arn:{PARTITION}:iam::{world.account_of(block)}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"
    return [("config:PutConfigurationRecorder", "*"), ("iam:PassRole", role)], [("config:DescribeConfigurationRecorders", "*")]


DEPLOY_REQUESTS: Mapping[str, Callable[[StackWorld, str, Mapping[str, Any]], tuple[list[DeployRequest], list[DeployRequest]]]] = {
    "aws_s3_bucket": lambda world, name, _b: (
        [("s3:CreateBucket", world.reference(f"aws_s3_bucket.{name}.arn")), ("s3:PutBucketTagging", world.reference(f"aws_s3_bucket.{name}.arn"))],
        [("s3:ListBucket", world.reference(f"aws_s3_bucket.{name}.arn")), ("s3:GetBucketTagging", world.reference(f"aws_s3_bucket.{name}.arn"))],
    ),
    "aws_s3_bucket_lifecycle_configuration": _s3("PutLifecycleConfiguration", "GetLifecycleConfiguration"),
    "aws_s3_bucket_logging": _s3("PutBucketLogging", "GetBucketLogging"),
    "aws_s3_bucket_metric": _s3("PutMetricsConfiguration", "GetMetricsConfiguration"),
    "aws_s3_bucket_notification": _s3("PutBucketNotification", "GetBucketNotification"),
    "aws_s3_bucket_object_lock_configuration": _s3("PutBucketObjectLockConfiguration", "GetBucketObjectLockConfiguration"),
    "aws_s3_bucket_ownership_controls": _s3("PutBucketOwnershipControls", "GetBucketOwnershipControls"),
    "aws_s3_bucket_policy": _s3("PutBucketPolicy", "GetBucketPolicy"),
    "aws_s3_bucket_public_access_block": _s3("PutBucketPublicAccessBlock", "GetBucketPublicAccessBlock"),
    "aws_s3_bucket_replication_configuration": _replication,
    "aws_s3_bucket_server_side_encryption_configuration": _s3("PutEncryptionConfiguration", "GetEncryptionConfiguration"),
    "aws_s3_bucket_versioning": _s3("PutBucketVersioning", "GetBucketVersioning"),
    "aws_kms_key": _kms_key,
    "aws_kms_alias": _kms_alias,
    "aws_iam_role": _iam_named("role"),
    "aws_iam_user": _iam_named("user"),
    "aws_iam_group": lambda world, name, _b: (
        [("iam:CreateGroup", world.reference(f"aws_iam_group.{name}.arn"))],
        [("iam:GetGroup", world.reference(f"aws_iam_group.{name}.arn"))],
    ),
    "aws_iam_policy": _iam_named("policy"),
    "aws_iam_role_policy_attachment": _attachment("role"),
    "aws_iam_group_policy_attachment": _attachment("group"),
    "aws_iam_user_group_membership": _membership,
    "aws_iam_access_key": _access_key,
    "aws_iam_account_password_policy": lambda _w, _n, _b: ([("iam:UpdateAccountPasswordPolicy", "*")], [("iam:GetAccountPasswordPolicy", "*")]),
    "aws_cloudtrail": _trail,
    "aws_cloudwatch_log_group": _log_group,
    "aws_cloudwatch_log_metric_filter": _metric_filter,
    "aws_cloudwatch_metric_alarm": _alarm,
    "aws_cloudwatch_dashboard": _dashboard,
    "aws_sns_topic": _topic,
    "aws_sns_topic_policy": _topic_of("arn", "sns:SetTopicAttributes"),
    "aws_sns_topic_subscription": _topic_of("topic_arn", "sns:Subscribe"),
    "aws_budgets_budget": _budget,
    "aws_secretsmanager_secret": _secret,
    "aws_guardduty_detector": _account_wide("guardduty:CreateDetector", "guardduty:GetDetector"),
    "aws_guardduty_detector_feature": _account_wide("guardduty:UpdateDetector", "guardduty:GetDetector"),
    "aws_securityhub_account": _account_wide("securityhub:EnableSecurityHub", "securityhub:DescribeHub"),
    "aws_securityhub_standards_subscription": _account_wide("securityhub:BatchEnableStandards", "securityhub:GetEnabledStandards"),
    "aws_securityhub_standards_control_association": _account_wide(
        "securityhub:BatchUpdateStandardsControlAssociations", "securityhub:BatchGetStandardsControlAssociations"
    ),
    "aws_config_configuration_recorder": _recorder,
    "aws_config_configuration_recorder_status": _account_wide("config:StartConfigurationRecorder", "config:DescribeConfigurationRecorderStatus"),
    "aws_config_delivery_channel": _account_wide("config:PutDeliveryChannel", "config:DescribeDeliveryChannels"),
    "aws_config_conformance_pack": _account_wide("config:PutConformancePack", "config:DescribeConformancePacks"),
    "aws_accessanalyzer_analyzer": _analyzer,
    "aws_macie2_account": _account_wide("macie2:EnableMacie", "macie2:GetMacieSession"),
    "aws_macie2_classification_job": _account_wide("macie2:CreateClassificationJob", "macie2:DescribeClassificationJob"),
    "aws_cloudwatch_event_rule": _event_rule,
    "aws_cloudwatch_event_target": _event_target,
    "aws_iam_service_linked_role": _service_linked_role,
    "aws_secretsmanager_secret_version": _secret_of("secretsmanager:PutSecretValue", "secretsmanager:GetSecretValue"),
    "aws_secretsmanager_secret_policy": _secret_of("secretsmanager:PutResourcePolicy", "secretsmanager:GetResourcePolicy"),
    "aws_route53_health_check": lambda _w, _n, _b: (
        [("route53:CreateHealthCheck", "*"), ("route53:ChangeTagsForResource", "*")],
        [("route53:GetHealthCheck", "*")],
    ),
    "aws_vpc": _ec2("CreateVpc", "ModifyVpcAttribute", "CreateTags", read="DescribeVpcs"),
    "aws_subnet": _ec2("CreateSubnet", "ModifySubnetAttribute", read="DescribeSubnets"),
    "aws_internet_gateway": _ec2("CreateInternetGateway", "AttachInternetGateway", read="DescribeInternetGateways"),
    "aws_eip": _ec2("AllocateAddress", "ReleaseAddress", read="DescribeAddresses"),
    "aws_nat_gateway": _ec2("CreateNatGateway", "DeleteNatGateway", read="DescribeNatGateways"),
    "aws_route_table": _ec2("CreateRouteTable", read="DescribeRouteTables"),
    "aws_route": _ec2("CreateRoute", "ReplaceRoute", read="DescribeRouteTables"),
    "aws_route_table_association": _ec2("AssociateRouteTable", "DisassociateRouteTable", read="DescribeRouteTables"),
    "aws_default_network_acl": _ec2("CreateNetworkAclEntry", "ReplaceNetworkAclEntry", "DeleteNetworkAclEntry", read="DescribeNetworkAcls"),
    "aws_default_security_group": _ec2("RevokeSecurityGroupIngress", "RevokeSecurityGroupEgress", read="DescribeSecurityGroups"),
    "aws_flow_log": _flow_log,
    "aws_vpc_endpoint": _ec2("CreateVpcEndpoint", "ModifyVpcEndpoint", "DeleteVpcEndpoints", read="DescribeVpcEndpoints"),
}
"""Resource type -> ``(writes, reads)``: the requests an apply makes to create and update one such resource, and
those a plan makes to refresh it (the main calls of hashicorp/aws 6.25; not every call, but one per thing it does)."""


def deploy_requests(world: StackWorld, rtype: str, name: str, block: Mapping[str, Any]) -> tuple[list[DeployRequest], list[DeployRequest]]:
    """``(writes, reads)`` of one resource of an app stack; ``UnmodelledResource`` for a type without an entry."""
    try:
        requests = DEPLOY_REQUESTS[rtype]
    except KeyError:
        raise UnmodelledResource(
            f"{rtype}: no deploy requests modelled; add it to tests/access/run_roles.py DEPLOY_REQUESTS and its actions to "
            "stacks/_tfc_aws.py (the apply role), then run the run-role tests"
        ) from None
    return requests(world, name, block)

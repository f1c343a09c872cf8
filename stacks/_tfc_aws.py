"""AWS side of HCP Terraform's dynamic provider credentials: one environment's OIDC trust, run roles and their permissions.

Part of the bootstrap stack (``stacks/bootstrap.py``), never of the environment's own stack: a
workspace cannot create the role its runs authenticate with, and a run that broke its own trust
could not run again to repair it. The administrator applies it with an AWS profile of the
environment's account (``TF_VAR_<env>_aws_profile``, provider ``aws.<env>`` pinned by the file's
``aws_account_ids``).

Per environment: an IAM OIDC identity provider for ``https://app.terraform.io`` (audience
``aws.workload.identity``; no thumbprint: AWS verifies the issuer's TLS certificate against its
trusted root CAs and ignores thumbprints for such issuers, and the API fetches one itself when none
is given), and two roles under ``/tfc/``, one per run phase, each trusting only tokens whose ``sub``
names this organization, this workspace (in any project: a workspace name is unique in its
organization) and that run phase:

- ``<prefix>-tfc-plan``: ``READ_ACTIONS`` on every resource, nothing else (a plan refreshes state);
- ``<prefix>-tfc-apply``: the same, plus ``deploy_statements``: the services the environment stack
  uses, IAM and S3/KMS/SNS/CloudTrail/CloudWatch/Budgets scoped to the environment's own names.

Both carry ``guard_statements``: no object or log-event reads (the deploy never reads PHI), no change to the
deployment identity itself (roles and policies under ``/tfc/``, OIDC providers), no role chaining, no
console passwords. No administrator policy anywhere (guardrail HC-IAM-002's rule holds here too).
What remains, and is documented in docs/deploying.md: an identity that writes IAM can create a user
or role of the environment's name with a policy of its choosing; only a permissions boundary on
everything the stack creates would close that.
"""

from __future__ import annotations

from collections.abc import Sequence

from constructs import Construct

from constructs_lib.engine.aws import (
    AwsProvider,
    AwsProviderDefaultTags,
    DataAwsCallerIdentity,
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
    DataAwsPartition,
    IamOpenidConnectProvider,
    IamPolicy,
    IamRole,
    IamRolePolicyAttachment,
)
from constructs_lib.engine.core import TerraformVariable
from environments import EnvironmentConfig
from environments.config import TerraformCloudSettings

from .credentials import AWS_WORKLOAD_IDENTITY_AUDIENCE, TFC_HOSTNAME

ROLE_PATH = "/tfc/"
"""IAM path of the run roles and their policies: ``guard_statements`` forbid the runs themselves every change under it."""

RUN_PHASES = ("plan", "apply")

READ_ACTIONS: tuple[str, ...] = (
    "s3:GetBucket*",
    "s3:GetEncryptionConfiguration",
    "s3:GetLifecycleConfiguration",
    "s3:GetReplicationConfiguration",
    "s3:GetMetricsConfiguration",
    "s3:GetAccelerateConfiguration",
    "s3:GetIntelligentTieringConfiguration",
    "s3:GetAnalyticsConfiguration",
    "s3:GetInventoryConfiguration",
    "s3:ListAllMyBuckets",
    "s3:ListBucket",
    "kms:Describe*",
    "kms:Get*",
    "kms:List*",
    "iam:Get*",
    "iam:List*",
    "cloudtrail:Describe*",
    "cloudtrail:Get*",
    "cloudtrail:List*",
    "logs:Describe*",
    "logs:ListTagsForResource",
    "logs:ListTagsLogGroup",
    "sns:Get*",
    "sns:List*",
    "cloudwatch:Describe*",
    "cloudwatch:GetDashboard",
    "cloudwatch:List*",
    "ec2:Describe*",
    "route53:GetHealthCheck",
    "route53:ListHealthChecks",
    "route53:ListTagsForResource",
    "route53:ListTagsForResources",
    "budgets:ViewBudget",
    "budgets:ListTagsForResource",
    "secretsmanager:DescribeSecret",
    "secretsmanager:GetResourcePolicy",
    "secretsmanager:ListSecrets",
    # Detection (phase 1, the account baseline's owner): configuration and status, no finding contents beyond
    # what the services' consoles show; Macie's sensitive-data samples are denied by the guard.
    "guardduty:Get*",
    "guardduty:List*",
    "securityhub:Describe*",
    "securityhub:Get*",
    "securityhub:List*",
    "securityhub:BatchGetStandardsControlAssociations",
    "config:Describe*",
    "config:Get*",
    "config:List*",
    "access-analyzer:Get*",
    "access-analyzer:List*",
    "macie2:GetMacieSession",
    "macie2:DescribeClassificationJob",
    "macie2:ListClassificationJobs",
    "macie2:ListTagsForResource",
    "events:Describe*",
    "events:List*",
)
"""What a plan reads to refresh the environment's AWS resources: configuration, never data (no object or secret
read; ``ListBucket`` is what S3's HeadBucket needs; the guard denies object and log-event reads besides)."""

IAM_ACTIONS: tuple[str, ...] = ("iam:*Role*", "iam:*User*", "iam:*Group*", "iam:*Polic*", "iam:*AccessKey*", "iam:Tag*", "iam:Untag*")
"""What the apply role may do to the environment's IAM identities (on their names only): roles, users, groups,
managed policies and their attachments, access keys, tags; not login profiles, MFA devices or identity providers."""

NETWORK_ACTIONS: tuple[str, ...] = (
    "ec2:*Vpc",
    "ec2:*VpcAttribute",
    "ec2:*Subnet",
    "ec2:*SubnetAttribute",
    "ec2:*InternetGateway",
    "ec2:*NatGateway",
    "ec2:AllocateAddress",
    "ec2:ReleaseAddress",
    "ec2:AssociateAddress",
    "ec2:DisassociateAddress",
    "ec2:*Route",
    "ec2:*RouteTable",
    "ec2:*RouteTableAssociation",
    "ec2:*NetworkAclEntry",
    "ec2:ReplaceNetworkAclAssociation",
    "ec2:*SecurityGroupIngress",
    "ec2:*SecurityGroupEgress",
    "ec2:*FlowLogs",
    "ec2:*VpcEndpoint",
    "ec2:*VpcEndpoints",
    "ec2:CreateTags",
    "ec2:DeleteTags",
)
"""The VPC baseline's write actions (EC2 resources have no names to scope by); no instance, volume or image action."""

DATA_READ_ACTIONS: tuple[str, ...] = (
    "s3:GetObject*",
    "s3:RestoreObject",
    "logs:GetLogEvents",
    "logs:FilterLogEvents",
    "logs:StartQuery",
    "logs:GetQueryResults",
    "logs:StartLiveTail",
    "logs:GetLogRecord",
    "logs:Unmask",
    "macie2:GetSensitiveDataOccurrences",
    "macie2:GetSensitiveDataOccurrencesAvailability",
)
"""Denied to both run roles: the deploy manages buckets and log groups, it never reads what they hold."""


Statement = DataAwsIamPolicyDocumentStatement


def _statement(sid: str, resources: Sequence[str], *, actions: Sequence[str] = (), not_actions: Sequence[str] = (), effect: str = "Allow") -> Statement:
    return DataAwsIamPolicyDocumentStatement(
        sid=sid, effect=effect, actions=list(actions) or None, not_actions=list(not_actions) or None, resources=list(resources)
    )


def deploy_statements(partition: str, account: str, prefix: str) -> list[Statement]:
    """The apply role's writes: each service the environment stack uses, on the environment's own names where AWS has them.

    ``prefix`` is ``<project>-<env>``: bucket names end in the account id, IAM names (any path) start with the
    prefix, the trail, topics, alarms and budget are ``<prefix>-...``, log groups ``/aws/<service>/<prefix>...``.
    """
    arn = f"arn:{partition}"
    iam = [f"{arn}:iam::{account}:{kind}{path}{prefix}-*" for kind in ("role", "user", "group", "policy") for path in ("/", "/*/")]
    log_group = f"{arn}:logs:*:{account}:log-group:/aws/*/{prefix}"
    return [
        _statement("EnvironmentBuckets", [f"{arn}:s3:::{prefix}-*-{account}", f"{arn}:s3:::{prefix}-*-{account}/*"], actions=["s3:*"]),
        _statement("CreateKeys", ["*"], actions=["kms:CreateKey"]),
        # Key ids carry no name; each key's policy decides what IAM may do with it (the stack's keys delegate administration only).
        _statement("AccountKeys", [f"{arn}:kms:*:{account}:key/*", f"{arn}:kms:*:{account}:alias/{prefix}-*"], actions=["kms:*"]),
        _statement("EnvironmentIdentities", iam, actions=list(IAM_ACTIONS)),
        _statement("PasswordPolicy", ["*"], actions=["iam:UpdateAccountPasswordPolicy", "iam:DeleteAccountPasswordPolicy"]),
        _statement("EnvironmentTrail", [f"{arn}:cloudtrail:*:{account}:trail/{prefix}-*"], actions=["cloudtrail:*"]),
        _statement("EnvironmentLogGroups", [log_group, f"{log_group}:*", f"{log_group}/*"], actions=["logs:*"]),
        _statement("EnvironmentTopics", [f"{arn}:sns:*:{account}:{prefix}-*"], actions=["sns:*"]),
        _statement(
            "EnvironmentAlarms",
            [
                f"{arn}:cloudwatch:*:{account}:alarm:{prefix}-*",
                f"{arn}:cloudwatch::{account}:dashboard/{prefix}",
                f"{arn}:cloudwatch::{account}:dashboard/{prefix}-*",
            ],
            actions=["cloudwatch:*"],
        ),
        _statement("Network", ["*"], actions=list(NETWORK_ACTIONS)),
        _statement(
            "HealthChecks",
            ["*"],
            actions=["route53:CreateHealthCheck", "route53:UpdateHealthCheck", "route53:DeleteHealthCheck", "route53:ChangeTagsForResource"],
        ),
        _statement("EnvironmentBudget", [f"{arn}:budgets::{account}:budget/{prefix}-*"], actions=["budgets:*"]),
        # ServiceSecret: secrets named <prefix>/..., their keys' aliases alias/secret/<prefix>/...
        _statement("EnvironmentSecrets", [f"{arn}:secretsmanager:*:{account}:secret:{prefix}/*"], actions=["secretsmanager:*"]),
        _statement("EnvironmentSecretKeyAliases", [f"{arn}:kms:*:{account}:alias/secret/{prefix}/*"], actions=["kms:*"]),
        # Detection is account-wide (one detector, hub, recorder, analyzer and Macie session per account and region;
        # [account] owns_account_baseline): GuardDuty, Security Hub, Config and Macie act on the account's own
        # resources, most of which AWS names at creation or which have no resource type at all.
        _statement(
            "AccountDetection",
            ["*"],
            actions=["guardduty:*", "securityhub:*", "config:*", "macie2:*"],
        ),
        _statement("EnvironmentAnalyzer", [f"{arn}:access-analyzer:*:{account}:analyzer/{prefix}-*"], actions=["access-analyzer:*"]),
        _statement("EnvironmentFindingRules", [f"{arn}:events:*:{account}:rule/{prefix}-*"], actions=["events:*"]),
        # The detection services' own service-linked roles (AWS-managed policies), and the recorder's role passed to Config.
        _statement("DetectionServiceLinkedRoles", [f"{arn}:iam::{account}:role/aws-service-role/*"], actions=["iam:CreateServiceLinkedRole", "iam:GetRole"]),
        _statement(
            "ConfigRecorderRole",
            [f"{arn}:iam::{account}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig"],
            actions=["iam:PassRole"],
        ),
    ]


def guard_statements(partition: str, account: str) -> list[Statement]:
    """Explicit denies of both run roles (they win over any allow, ours or one a run adds)."""
    iam = f"arn:{partition}:iam::{account}"
    return [
        _statement("NoDataReads", ["*"], actions=list(DATA_READ_ACTIONS), effect="Deny"),
        # The runs may look at the deployment identity, never change it: no wider trust, no new policy, no assuming it.
        _statement(
            "DeploymentIdentityIsBootstrapOnly",
            [f"{iam}:role{ROLE_PATH}*", f"{iam}:policy{ROLE_PATH}*", f"{iam}:oidc-provider/*"],
            not_actions=["iam:Get*", "iam:List*"],
            effect="Deny",
        ),
        # A role the run creates could otherwise trust the run and carry any policy.
        _statement("NoRoleChaining", ["*"], actions=["sts:AssumeRole"], effect="Deny"),
        _statement("NoConsolePasswords", ["*"], actions=["iam:CreateLoginProfile", "iam:UpdateLoginProfile"], effect="Deny"),
    ]


def run_subject(tfc: TerraformCloudSettings, environment: str, phase: str) -> str:
    """The ``sub`` claim pattern of the environment's workspace in ``phase`` (any project: names are unique per organization)."""
    return f"organization:{tfc.organization}:project:*:workspace:{tfc.workspace_name(environment)}:run_phase:{phase}"


class EnvironmentAwsAccess(Construct):
    """One environment's OIDC provider, plan and apply roles and their policies, in the environment's account.

    Every resource uses the provider ``aws.<env>``: the administrator's profile ``TF_VAR_<env>_aws_profile``,
    ``allowed_account_ids`` from the file, so a profile of another account fails at plan.
    """

    def __init__(self, scope: Construct, id_: str, *, config: EnvironmentConfig, tfc: TerraformCloudSettings, profile: TerraformVariable) -> None:
        super().__init__(scope, id_)
        prefix = config.name_prefix
        self.provider = AwsProvider(
            self,
            "Provider",
            alias=config.name,
            region=config.aws_region,
            profile=profile.string_value,
            allowed_account_ids=list(config.aws_account_ids) or None,
            default_tags=[AwsProviderDefaultTags(tags={"Environment": config.name, "Project": config.project, "ManagedBy": "cdktf-bootstrap"})],
        )
        provider = self.provider
        account = DataAwsCallerIdentity(self, "Account", provider=provider).account_id
        partition = DataAwsPartition(self, "Partition", provider=provider).partition
        self.oidc = IamOpenidConnectProvider(self, "Oidc", provider=provider, url=f"https://{TFC_HOSTNAME}", client_id_list=[AWS_WORKLOAD_IDENTITY_AUDIENCE])
        policies = {
            "read": [
                _statement("ReadDeployedConfiguration", ["*"], actions=list(READ_ACTIONS)),
                # A plan refreshes a secret's version by reading it (the value is in state already; the secret's own
                # policy still admits only its reader and the runs' identity).
                _statement(
                    "RefreshEnvironmentSecrets", [f"arn:{partition}:secretsmanager:*:{account}:secret:{prefix}/*"], actions=["secretsmanager:GetSecretValue"]
                ),
            ],
            "deploy": deploy_statements(partition, account, prefix),
            "guard": guard_statements(partition, account),
        }
        # Documents, not JSON text: checkov evaluates aws_iam_policy_document blocks (its findings on the read and
        # deploy documents are accepted, with the reasons, in tests/security/checkov_skips.toml).
        managed = {
            purpose: IamPolicy(
                self,
                f"{purpose.title()}Policy",
                provider=provider,
                name=f"{prefix}-tfc-{purpose}",
                path=ROLE_PATH,
                description=f"HCP Terraform runs of {config.name}: {purpose} (bootstrap stack)",
                policy=DataAwsIamPolicyDocument(self, f"{purpose.title()}Document", provider=provider, statement=statements).json,
            )
            for purpose, statements in policies.items()
        }
        self.roles: dict[str, IamRole] = {}
        """Run phase (``plan``, ``apply``) -> its role."""
        for phase in RUN_PHASES:
            trust = DataAwsIamPolicyDocument(
                self,
                f"{phase.title()}Trust",
                provider=provider,
                statement=[
                    DataAwsIamPolicyDocumentStatement(
                        sid=f"{phase.title()}RunsOf{config.name.title().replace('-', '')}",
                        effect="Allow",
                        actions=["sts:AssumeRoleWithWebIdentity"],
                        principals=[DataAwsIamPolicyDocumentStatementPrincipals(type="Federated", identifiers=[self.oidc.arn])],
                        condition=[
                            DataAwsIamPolicyDocumentStatementCondition(
                                test="StringEquals", variable=f"{TFC_HOSTNAME}:aud", values=[AWS_WORKLOAD_IDENTITY_AUDIENCE]
                            ),
                            DataAwsIamPolicyDocumentStatementCondition(
                                test="StringLike", variable=f"{TFC_HOSTNAME}:sub", values=[run_subject(tfc, config.name, phase)]
                            ),
                        ],
                    )
                ],
            )
            role = self.roles[phase] = IamRole(
                self,
                f"{phase.title()}Role",
                provider=provider,
                name=f"{prefix}-tfc-{phase}",
                path=ROLE_PATH,
                description=f"HCP Terraform {phase} runs of workspace {tfc.workspace_name(config.name)} (bootstrap stack)",
                assume_role_policy=trust.json,
            )
            attached = ("read", "guard") if phase == "plan" else ("read", "deploy", "guard")
            for purpose in attached:
                IamRolePolicyAttachment(self, f"{phase.title()}{purpose.title()}", provider=provider, role=role.name, policy_arn=managed[purpose].arn)

    @property
    def plan_role_arn(self) -> str:
        """``TFC_AWS_PLAN_ROLE_ARN``."""
        return self.roles["plan"].arn

    @property
    def apply_role_arn(self) -> str:
        """``TFC_AWS_APPLY_ROLE_ARN``."""
        return self.roles["apply"].arn

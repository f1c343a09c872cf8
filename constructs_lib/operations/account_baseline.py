"""``AccountBaseline``: the AWS account's IAM password policy and MFA enforcement for human users."""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs import Construct

from .._aws.iam import AwsAccount
from .._provider_requirements import AWS, require_provider
from ..engine.aws import (
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    IamAccountPasswordPolicy,
    IamGroup,
    IamGroupPolicyAttachment,
    IamPolicy,
)
from ..errors import Problems
from .settings import AccountBaselineSettings, account_baseline_settings_problems, settings_values

MFA_SETUP_ACTIONS = (
    "iam:ChangePassword",
    "iam:CreateVirtualMFADevice",
    "iam:EnableMFADevice",
    "iam:GetUser",
    "iam:ListMFADevices",
    "iam:ListVirtualMFADevices",
    "iam:ResyncMFADevice",
    "sts:GetSessionToken",
)
"""What a human user signed in without MFA may still do: change the first password and set up MFA
(IAM user guide, "AWS: Allows MFA-authenticated IAM users to manage their own MFA device on the Security
credentials page", plus ``iam:ChangePassword`` for the first sign-in's forced password change)."""
_NAME_PREFIX_RE = re.compile(r"^[a-z][a-z0-9-]{1,40}[a-z0-9]$")


@dataclass(frozen=True, kw_only=True, slots=True)
class AccountBaselineProps(AccountBaselineSettings):
    """Settings for AccountBaseline: the baseline's values (``AccountBaselineSettings``, every keyword of it) and the
    MFA policy's name prefix. The account is the one of the stack's default AWS provider; one stack per account may
    own it (the password policy is a single account-wide setting)."""

    name_prefix: str
    """Prefix of the MFA policy's name (``<name_prefix>-require-mfa``)."""

    @classmethod
    def from_settings(cls, settings: AccountBaselineSettings, *, name_prefix: str) -> AccountBaselineProps:
        """Props from ``settings`` (an environment file's ``[account]`` section is one) and the name prefix."""
        return cls(**settings_values(settings, AccountBaselineSettings), name_prefix=name_prefix)


class AccountBaseline(Construct):
    """``PasswordPolicy`` (``aws_iam_account_password_policy``: length >= 14, upper and lower case,
    numbers, symbols, 24 remembered, expiry after 90 days, users may change their own), ``RequireMfa``
    (a managed ``aws_iam_policy``: the user may set up its own MFA device; everything else is denied
    while ``aws:MultiFactorAuthPresent`` is false or absent) and, with ``admin_group_name``,
    ``AdminGroup`` (``aws_iam_group``) with that policy attached.
    """

    def __init__(self, scope: Construct, id_: str, props: AccountBaselineProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        _validate(self.node.path, props)
        self._props = props
        account = AwsAccount.of(self)
        iam = f"arn:{account.partition}:iam::{account.account_id}"
        self.password_policy: IamAccountPasswordPolicy | None = None
        if props.manage_password_policy:
            self.password_policy = IamAccountPasswordPolicy(
                self,
                "PasswordPolicy",
                minimum_password_length=props.min_password_length,
                require_uppercase_characters=True,
                require_lowercase_characters=True,
                require_numbers=True,
                require_symbols=True,
                password_reuse_prevention=props.password_reuse_prevention,
                max_password_age=props.max_password_age_days,
                allow_users_to_change_password=True,
                hard_expiry=False,
            )
        # &{...} is the policy document's spelling of an IAM policy variable (${...} is Terraform's).
        # A virtual MFA device's name is the user's choice (the console asks for one; a user may have up to
        # eight devices), so device ARNs are mfa/*: what binds a device to a user is EnableMFADevice, and that
        # is allowed on the user's own ARN only. Deactivating (and then deleting) a device needs an MFA session.
        with_mfa = [DataAwsIamPolicyDocumentStatementCondition(test="Bool", variable="aws:MultiFactorAuthPresent", values=["true"])]
        document = DataAwsIamPolicyDocument(
            self,
            "RequireMfaDocument",
            statement=[
                DataAwsIamPolicyDocumentStatement(sid="AllowViewAccountInfo", effect="Allow", actions=["iam:ListVirtualMFADevices"], resources=["*"]),
                DataAwsIamPolicyDocumentStatement(
                    sid="AllowCreateVirtualMFADevice", effect="Allow", actions=["iam:CreateVirtualMFADevice"], resources=[f"{iam}:mfa/*"]
                ),
                DataAwsIamPolicyDocumentStatement(
                    sid="AllowDeleteVirtualMFADeviceWithMFA",
                    effect="Allow",
                    actions=["iam:DeleteVirtualMFADevice"],
                    resources=[f"{iam}:mfa/*"],
                    condition=with_mfa,
                ),
                DataAwsIamPolicyDocumentStatement(
                    sid="AllowManageOwnUserMFA",
                    effect="Allow",
                    actions=[
                        "iam:ChangePassword",
                        "iam:EnableMFADevice",
                        "iam:GetMFADevice",
                        "iam:GetUser",
                        "iam:ListMFADevices",
                        "iam:ResyncMFADevice",
                    ],
                    resources=[f"{iam}:user/&{{aws:username}}"],
                ),
                DataAwsIamPolicyDocumentStatement(
                    sid="AllowDeactivateOwnMFAWithMFA",
                    effect="Allow",
                    actions=["iam:DeactivateMFADevice"],
                    resources=[f"{iam}:user/&{{aws:username}}"],
                    condition=with_mfa,
                ),
                DataAwsIamPolicyDocumentStatement(
                    sid="DenyAllExceptListedIfNoMFA",
                    effect="Deny",
                    not_actions=list(MFA_SETUP_ACTIONS),
                    resources=["*"],
                    condition=[DataAwsIamPolicyDocumentStatementCondition(test="BoolIfExists", variable="aws:MultiFactorAuthPresent", values=["false"])],
                ),
            ],
        )
        self.require_mfa = IamPolicy(
            self,
            "RequireMfa",
            name=f"{props.name_prefix}-require-mfa",
            path="/platform/",
            description="Humans without MFA may only set up their own MFA device and change their password",
            policy=document.json,
        )
        self.admin_group: IamGroup | None = None
        if props.admin_group_name is not None:
            self.admin_group = IamGroup(self, "AdminGroup", name=props.admin_group_name, path="/humans/")
            IamGroupPolicyAttachment(self, "AdminGroupRequiresMfa", group=self.admin_group.name, policy_arn=self.require_mfa.arn)

    @property
    def require_mfa_policy_arn(self) -> str:
        """Attach to any group or user of humans (never to a workload identity: it would be denied everything)."""
        return self.require_mfa.arn


def _validate(path: str, props: AccountBaselineProps) -> None:
    problems = Problems(path)
    if not isinstance(props.name_prefix, str) or not _NAME_PREFIX_RE.match(props.name_prefix):
        problems.add("name_prefix", props.name_prefix, "lowercase letters, digits and hyphens (3..42 characters)")
    problems.extend(account_baseline_settings_problems(props))
    problems.raise_if_any()

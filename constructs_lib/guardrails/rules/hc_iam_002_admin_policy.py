"""HC-IAM-002: no policy or attachment grants administrator access."""

from __future__ import annotations

from collections.abc import Iterator

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView
from ._iam import identity_policies

_ADMIN_ARN_SUFFIX = ":policy/AdministratorAccess"
_ATTACHMENTS = ("aws_iam_role_policy_attachment", "aws_iam_user_policy_attachment", "aws_iam_group_policy_attachment", "aws_iam_policy_attachment")


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for block, statements in identity_policies(view):
        if any(s.allows and "*" in s.actions and "*" in s.resources for s in statements or []):
            yield Violation(address=block.address, detail='policy allows action "*" on resource "*"')
    for rtype in _ATTACHMENTS:
        for attachment in view.resources(rtype):
            if str(attachment.get("policy_arn", "")).endswith(_ADMIN_ARN_SUFFIX):
                yield Violation(address=attachment.address, detail="attaches the AdministratorAccess managed policy")


RULE = Rule(
    id="HC-IAM-002",
    level=Level.ERROR,
    rationale="no workload identity may administer the account that holds PHI",
    fix='remove the "*"/"*" statement or AdministratorAccess attachment and grant the specific actions needed',
    hipaa="HIPAA.Security-IAMPolicyNoStatementsWithAdminAccess",
    check=check,
)

"""HC-IAM-003: identities use managed policies, not inline ones."""

from __future__ import annotations

from collections.abc import Iterator

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView, as_list
from ._iam import INLINE_TYPES


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for rtype in INLINE_TYPES:
        for block in view.resources(rtype):
            yield Violation(address=block.address, detail=f"{rtype} is an inline policy")
    for role in view.resources("aws_iam_role"):
        if any(p.get("policy") for p in as_list(role.get("inline_policy"))):
            yield Violation(address=role.address, detail="role declares an inline_policy")


RULE = Rule(
    id="HC-IAM-003",
    level=Level.WARNING,
    rationale="managed policies are reviewable and reusable on their own; inline ones hide inside identities",
    fix="use an aws_iam_policy attached with aws_iam_role_policy_attachment",
    hipaa="HIPAA.Security-IAMNoInlinePolicy",
    check=check,
)

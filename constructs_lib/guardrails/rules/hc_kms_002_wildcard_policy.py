"""HC-KMS-002: no key policy grants kms:* to a wildcard principal."""

from __future__ import annotations

from collections.abc import Iterator

from .._policy import has_wildcard, statements_of
from .._rule import Level, PackOptions, Rule, Violation
from .._view import Block, StackView


def _policies(view: StackView) -> Iterator[tuple[Block, object]]:
    for key in view.resources("aws_kms_key"):
        yield key, key.get("policy")
    for policy in view.resources("aws_kms_key_policy"):
        yield policy, policy.get("policy")


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for block, policy in _policies(view):
        statements = statements_of(view, policy)
        if statements is None:
            yield Violation(address=block.address, detail="key policy cannot be read at synth time (write it as JSON text or an aws_iam_policy_document)")
            continue
        for statement in statements:
            if statement.allows and has_wildcard(statement.actions, "kms:*", "*") and has_wildcard(statement.principals, "*"):
                yield Violation(address=block.address, detail="key policy allows kms:* to principal *")
                break


RULE = Rule(
    id="HC-KMS-002",
    level=Level.ERROR,
    rationale="a key that anyone may administer or use protects no PHI",
    fix="grant kms:* only to the account root (arn:aws:iam::<account>:root) and name other principals with the actions they need",
    hipaa=None,
    check=check,
)

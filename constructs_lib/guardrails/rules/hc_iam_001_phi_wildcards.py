"""HC-IAM-001: no identity policy allows a wildcard action or resource on S3 or KMS."""

from __future__ import annotations

from collections.abc import Iterator

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView
from ._iam import identity_policies

_SERVICES = ("s3:", "kms:")
_FULL_ACCESS = frozenset({"*", "s3:*", "kms:*"})
UNREADABLE = "policy cannot be read at synth time (write it as JSON text, e.g. json.dumps, or an aws_iam_policy_document)"


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for block, statements in identity_policies(view):
        if statements is None:
            yield Violation(address=block.address, detail=UNREADABLE)
            continue
        for statement in statements:
            if not statement.allows or ("*" in statement.actions and "*" in statement.resources):
                continue  # "*" on "*" is administrator access: HC-IAM-002
            actions = [a.lower() for a in statement.actions]
            # Like cdk-nag, a whole-service wildcard is full access; "s3:GetObject*" stays allowed (grant-style).
            wildcard_action = next((a for a in actions if a in _FULL_ACCESS), None)
            touches_phi = any(a.startswith(_SERVICES) for a in actions)
            if wildcard_action is not None:
                yield Violation(address=block.address, detail=f"policy allows wildcard action {wildcard_action}")
                break
            if touches_phi and "*" in statement.resources:
                yield Violation(address=block.address, detail="policy allows S3/KMS actions on resource *")
                break


RULE = Rule(
    id="HC-IAM-001",
    level=Level.ERROR,
    rationale="access to PHI buckets and keys is least privilege: named actions on named buckets and keys",
    fix="name the s3:/kms: actions (s3:GetObject* style prefixes are fine) and the bucket/key ARNs, e.g. via the owning construct's grant_* method",
    hipaa="HIPAA.Security-IAMPolicyNoStatementsWithFullAccess",
    check=check,
)

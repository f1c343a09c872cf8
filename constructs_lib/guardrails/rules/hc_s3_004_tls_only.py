"""HC-S3-004: every bucket policy denies requests that do not use TLS."""

from __future__ import annotations

from collections.abc import Iterator

from .._policy import Statement, statements_of
from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView
from ._s3 import companions


def denies_plain_http(statement: Statement) -> bool:
    """A Deny of every principal when ``aws:SecureTransport`` is false."""
    return (
        statement.effect.lower() == "deny"
        and "*" in statement.principals
        and any(
            op.lower() == "bool" and key.lower() == "aws:securetransport" and "false" in [v.lower() for v in values] for op, key, values in statement.conditions
        )
    )


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for bucket in view.resources("aws_s3_bucket"):
        policies = companions(view, bucket, "aws_s3_bucket_policy")
        statements = [statements_of(view, p.get("policy")) for p in policies]
        if not any(s is not None and any(denies_plain_http(x) for x in s) for s in statements):
            unreadable = " (its policy is not literal JSON nor an aws_iam_policy_document)" if None in statements else ""
            yield Violation(address=bucket.address, detail=f"bucket policy does not deny aws:SecureTransport=false{unreadable}")


RULE = Rule(
    id="HC-S3-004",
    level=Level.ERROR,
    rationale="PHI must be encrypted in transit: the bucket refuses plain HTTP requests",
    fix="add an aws_s3_bucket_policy with a Deny of s3:* for principal * when aws:SecureTransport is false",
    hipaa="HIPAA.Security-S3BucketSSLRequestsOnly",
    check=check,
)

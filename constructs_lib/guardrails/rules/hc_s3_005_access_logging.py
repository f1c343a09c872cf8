"""HC-S3-005: every bucket that is not itself a log target has server access logging."""

from __future__ import annotations

from collections.abc import Iterator

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView
from ._s3 import companions, log_targets


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    targets = log_targets(view)
    for bucket in view.resources("aws_s3_bucket"):
        if bucket.name in targets:
            continue  # logging a log bucket into itself or a further bucket only adds noise
        if not companions(view, bucket, "aws_s3_bucket_logging"):
            yield Violation(address=bucket.address, detail="bucket has no aws_s3_bucket_logging (server access logs)")


RULE = Rule(
    id="HC-S3-005",
    level=Level.ERROR,
    rationale="every access to PHI objects is traceable to a requester (HIPAA audit controls)",
    fix="add an aws_s3_bucket_logging sending access logs to a log bucket (SecureS3 does this by default)",
    hipaa="HIPAA.Security-S3BucketLoggingEnabled",
    check=check,
)

"""HC-S3-002: every bucket keeps object versions."""

from __future__ import annotations

from collections.abc import Iterator

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView, as_list
from ._s3 import companions


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for bucket in view.resources("aws_s3_bucket"):
        statuses = [
            str(conf.get("status")) for v in companions(view, bucket, "aws_s3_bucket_versioning") for conf in as_list(v.get("versioning_configuration"))
        ]
        if "Enabled" not in statuses:
            yield Violation(address=bucket.address, detail="bucket has no aws_s3_bucket_versioning with status Enabled")


RULE = Rule(
    id="HC-S3-002",
    level=Level.ERROR,
    rationale="versions protect PHI and audit logs against overwrites and deletions (HIPAA integrity controls)",
    fix="add an aws_s3_bucket_versioning with versioning_configuration.status = Enabled",
    hipaa="HIPAA.Security-S3BucketVersioningEnabled",
    check=check,
)

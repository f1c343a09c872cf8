"""HC-S3-003: every bucket blocks public access with all four switches."""

from __future__ import annotations

from collections.abc import Iterator

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView
from ._s3 import companions

SWITCHES = ("block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets")


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    for bucket in view.resources("aws_s3_bucket"):
        blocks = companions(view, bucket, "aws_s3_bucket_public_access_block")
        if not blocks:
            yield Violation(address=bucket.address, detail="bucket has no aws_s3_bucket_public_access_block")
            continue
        missing = [s for s in SWITCHES if not any(b.get(s) is True for b in blocks)]
        if missing:
            yield Violation(address=bucket.address, detail=f"public access block leaves {', '.join(missing)} off")


RULE = Rule(
    id="HC-S3-003",
    level=Level.ERROR,
    rationale="no PHI bucket may ever become public through an ACL or a bucket policy",
    fix="add an aws_s3_bucket_public_access_block with all four block_/ignore_/restrict_ switches true",
    hipaa="HIPAA.Security-S3BucketLevelPublicAccessProhibited",
    check=check,
)

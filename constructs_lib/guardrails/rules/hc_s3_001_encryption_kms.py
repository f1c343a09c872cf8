"""HC-S3-001: every bucket is encrypted with SSE-KMS (SSE-S3 only for access-log targets)."""

from __future__ import annotations

from collections.abc import Iterator

from .._rule import Level, PackOptions, Rule, Violation
from .._view import StackView
from ._s3 import companions, kms_algorithms, log_targets

KMS = {"aws:kms", "aws:kms:dsse"}


def check(view: StackView, options: PackOptions) -> Iterator[Violation]:
    targets = log_targets(view)
    for bucket in view.resources("aws_s3_bucket"):
        algorithms = [a for c in companions(view, bucket, "aws_s3_bucket_server_side_encryption_configuration") for a in kms_algorithms(c)]
        allowed = KMS | {"AES256"} if bucket.name in targets else KMS
        if not algorithms:
            yield Violation(address=bucket.address, detail="bucket has no aws_s3_bucket_server_side_encryption_configuration")
        elif not set(algorithms) <= allowed:
            yield Violation(address=bucket.address, detail=f"bucket default encryption is {', '.join(sorted(set(algorithms)))}, not aws:kms")


RULE = Rule(
    id="HC-S3-001",
    level=Level.ERROR,
    rationale="PHI at rest is encrypted under a customer-managed KMS key whose every use CloudTrail records",
    fix="add an aws_s3_bucket_server_side_encryption_configuration with sse_algorithm aws:kms and a kms_master_key_id",
    hipaa="HIPAA.Security-S3DefaultEncryptionKMS",
    check=check,
)

"""Helpers shared by the S3 rules: a bucket's companion resources and log-target buckets."""

from __future__ import annotations

from .._view import Block, StackView, as_list


def companions(view: StackView, bucket: Block, resource_type: str) -> list[Block]:
    """``resource_type`` resources (versioning, encryption, ...) whose ``bucket`` is ``bucket``."""
    return [c for c in view.resources(resource_type) if bucket in view.targets(c.get("bucket"), "aws_s3_bucket")]


ACCESS_LOG_TARGET_KEY = "s3_access_log_target"
"""Key under a bucket's ``"//"`` block with which ``AccessLogBucket`` declares the bucket a log target."""


def log_targets(view: StackView) -> set[str]:
    """Names of buckets that receive S3 server access logs: an ``aws_s3_bucket_logging.target_bucket``, or a
    bucket its construct declares a log target (``AccessLogBucket``, before any bucket logs to it)."""
    targets = {b.name for logging in view.resources("aws_s3_bucket_logging") for b in view.targets(logging.get("target_bucket"), "aws_s3_bucket")}
    targets |= {b.name for b in view.resources("aws_s3_bucket") if (b.get("//") or {}).get(ACCESS_LOG_TARGET_KEY) is True}
    return targets


def kms_algorithms(config: Block) -> list[str]:
    """The default encryption algorithms of an ``aws_s3_bucket_server_side_encryption_configuration``."""
    return [
        str(default.get("sse_algorithm")) for rule in as_list(config.get("rule")) for default in as_list(rule.get("apply_server_side_encryption_by_default"))
    ]

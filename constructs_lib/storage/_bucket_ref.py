"""``BucketRef``: what the storage helpers need of a bucket, as values (they never import the construct)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from constructs import Construct

from ..engine.aws import S3BucketVersioningA


@dataclass(frozen=True, kw_only=True, slots=True)
class BucketRef:
    """A bucket's construct (the scope for children, its path and account), names, references and key policy."""

    scope: Construct
    name_stem: str
    bucket_id: str
    bucket_arn: str
    kms_key_arn: str
    versioning: S3BucketVersioningA
    add_to_key_policy: Callable[..., None]
    """Appends ``DataAwsIamPolicyDocumentStatement``s to the bucket key's policy."""

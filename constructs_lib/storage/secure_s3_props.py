"""``SecureS3Props``: the input of a SecureS3 (its ``SecureS3Settings`` and the rest), apart from the construct so its helpers can read them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .._settings import settings_values
from ..engine.aws import AwsProvider
from .access_log_bucket import AccessLogBucket
from .secure_s3_settings import SecureS3Settings


@dataclass(frozen=True, kw_only=True, slots=True)
class SecureS3Props(SecureS3Settings):
    """Settings for SecureS3: the bucket's values (``SecureS3Settings``, every keyword of it) and what the construct
    is given besides: its name ``<project>-<environment>-<purpose>-<account id>`` and the constructs it uses.

    S3 bucket names are global across all AWS accounts: the account id (read from the AWS
    provider's credentials at plan time) makes the name unique by construction, so the first
    apply cannot fail with ``BucketAlreadyExists`` because someone else took the short name.
    """

    project: str
    """First part of the bucket name (lowercase words joined by hyphens)."""
    environment: str
    """Second part of the bucket name, e.g. ``prod``."""
    purpose: str
    """Last part of the bucket name, e.g. ``medical-documents``."""
    access_log_bucket: AccessLogBucket
    """Where S3 server access logs go (prefix ``<bucket name>/``); usually one per environment."""
    replica_provider: AwsProvider | None = None
    """An aliased AWS provider (with an explicit ``region``) to replicate every object to an encrypted
    bucket ``<name>-replica`` in that region, with its own KMS key. Default: no replication."""
    replica_access_log_bucket: AccessLogBucket | None = None
    """Where the replica's server access logs go: an AccessLogBucket created with ``replica_provider``
    (S3 delivers access logs only within a region). Required with ``replica_provider``. Default: none."""

    @classmethod
    def from_settings(cls, settings: SecureS3Settings, **construct_input: Any) -> SecureS3Props:
        """Props from ``settings`` (``StorageSettings.bucket`` makes an environment's) and the fields of this class
        that are not settings (``project``, ``environment``, ``purpose``, ``access_log_bucket``, the replica's)."""
        values = settings_values(settings, SecureS3Settings)
        return cls(**values, **construct_input)

"""``[app_secrets]`` and ``[field_encryption]``: the services' raw keys and KMS field keys (no cdktf import)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from pydantic import Field

from constructs_lib.data.settings_rules import (
    MAX_KEY_DELETION_WINDOW_DAYS,
    MAX_KEY_VERSION,
    MIN_KEY_DELETION_WINDOW_DAYS,
    key_version_problems,
)

from ._section import _range, _Section


class AppSecretSettings(_Section):
    """``[app_secrets]``: versions of the raw keys generated into state (``AppSecret``): auth's JWT signing key and
    the field keys of ``[field_encryption] raw_key_services``.

    Every version from ``*_oldest_version`` to ``*_version`` is kept; raise ``*_version`` to rotate (a new value,
    the older ones stay readable), raise ``*_oldest_version`` to retire. A ``*_version`` below its
    ``*_oldest_version`` is refused (it would destroy the newer keys); a lowered version that stays at or above
    it cannot be told from the file alone: the plan shows the destroyed ``random_bytes``.
    """

    jwt_signing_key_version: Annotated[int, _range(1, MAX_KEY_VERSION)] = 1
    """Current version of auth's JWT signing key (``JWT_SIGNING_KEY``; ``JWT_SIGNING_VERSION`` names it)."""
    jwt_signing_key_oldest_version: Annotated[int, _range(1, MAX_KEY_VERSION)] = 1
    """Oldest version of the JWT signing key still kept (``JWT_SIGNING_KEY_V<n>``): raise it once every token signed
    with the older ones has expired."""
    field_encryption_key_version: Annotated[int, _range(1, MAX_KEY_VERSION)] = 1
    """Current version of the raw field keys (``FIELD_ENCRYPTION_KEY``) of ``[field_encryption] raw_key_services``."""
    field_encryption_key_oldest_version: Annotated[int, _range(1, MAX_KEY_VERSION)] = 1
    """Oldest raw field-key version still kept: raise it only after every field encrypted with the older ones is
    re-encrypted (the older versions are destroyed)."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on every kept version (a change that would replace one fails the plan)."""

    def _problems(self) -> Iterator[str]:
        for key in ("jwt_signing_key", "field_encryption_key"):
            version, oldest = getattr(self, f"{key}_version"), getattr(self, f"{key}_oldest_version")
            for problem in key_version_problems(version=version, oldest_version=oldest):
                yield f"app_secrets.{key}_{problem.field} must be {problem.allowed}, got {problem.value!r}"


class FieldEncryptionSettings(_Section):
    """``[field_encryption]``: each PHI service's own KMS key (``FieldEncryptionKey``) for envelope encryption."""

    key_deletion_window_days: Annotated[int, _range(MIN_KEY_DELETION_WINDOW_DAYS, MAX_KEY_DELETION_WINDOW_DAYS)] = MAX_KEY_DELETION_WINDOW_DAYS
    """Days a scheduled deletion of a field key stays cancellable, 7..30; 30 when ``guardrails.production`` is true."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on the field keys; required when ``guardrails.production`` is true."""
    raw_key_services: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")]] = []
    """PHI services (``encrypts_fields``) that also receive a raw ``FIELD_ENCRYPTION_KEY`` generated into state
    (``AppSecret``, versions in ``[app_secrets]``): an application not yet on KMS, or one re-encrypting fields
    written with its raw key. Default: none (KMS only)."""

    def _problems(self) -> Iterator[str]:
        if len(set(self.raw_key_services)) != len(self.raw_key_services):
            yield f"field_encryption.raw_key_services must be distinct, got {self.raw_key_services!r}"

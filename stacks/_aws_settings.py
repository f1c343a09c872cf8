"""The settings every AWS provider of an environment's stack shares: default tags and the allowed accounts.

``PlatformStack`` makes one ``AwsProviderSettings`` from the environment and hands it to each part that needs
a provider of its own (the replica region's buckets, the us-east-1 uptime alarms), so every provider of a
stack tags alike and refuses a credential for another account.
"""

from __future__ import annotations

from dataclasses import dataclass

from constructs import Construct

from constructs_lib.engine.aws import AwsProvider, AwsProviderDefaultTags
from environments import EnvironmentConfig

STACK_DATA_CLASSIFICATION = "phi"
"""Default DataClassification tag: an environment of this platform holds PHI unless a resource says otherwise."""


@dataclass(frozen=True, kw_only=True, slots=True)
class AwsProviderSettings:
    """Default tags and allowed account ids of every AWS provider in one environment's stack."""

    default_tags: tuple[AwsProviderDefaultTags, ...]
    allowed_account_ids: tuple[str, ...]
    """A credential for any other account fails at plan, before anything is changed."""

    def provider(self, scope: Construct, id_: str, *, region: str, alias: str | None = None) -> AwsProvider:
        """An ``AwsProvider`` for ``region`` (``alias`` for any but the stack's default provider) with these settings."""
        return AwsProvider(scope, id_, alias=alias, region=region, default_tags=list(self.default_tags), allowed_account_ids=list(self.allowed_account_ids))


def aws_provider_settings(config: EnvironmentConfig) -> AwsProviderSettings:
    """The tags ``Environment``, ``Project``, ``DataClassification`` and ``ManagedBy``, and ``config.aws_account_ids``."""
    tags = {"Environment": config.name, "Project": config.project, "DataClassification": STACK_DATA_CLASSIFICATION, "ManagedBy": "cdktf"}
    return AwsProviderSettings(default_tags=(AwsProviderDefaultTags(tags=tags),), allowed_account_ids=tuple(config.aws_account_ids))

"""The rules of the HIPAA pack, one per module; ``ALL_RULES`` is their order of evaluation."""

from __future__ import annotations

from .._rule import Rule
from . import (
    cloudflare_hsts,
    cloudflare_min_tls,
    cloudflare_ssl_strict,
    iam_admin_policy,
    iam_inline_policy,
    iam_phi_wildcards,
    kms_rotation,
    kms_wildcard_policy,
    neon_history_retention,
    neon_prevent_destroy,
    neon_superuser_login,
    railway_literal_secrets,
    s3_access_logging,
    s3_encryption_kms,
    s3_public_access,
    s3_tls_only,
    s3_versioning,
    tags_required,
)

ALL_RULES: tuple[Rule, ...] = tuple(
    module.RULE
    for module in (
        s3_encryption_kms,
        s3_versioning,
        s3_public_access,
        s3_tls_only,
        s3_access_logging,
        kms_rotation,
        kms_wildcard_policy,
        iam_phi_wildcards,
        iam_admin_policy,
        iam_inline_policy,
        neon_history_retention,
        neon_prevent_destroy,
        neon_superuser_login,
        railway_literal_secrets,
        cloudflare_ssl_strict,
        cloudflare_min_tls,
        cloudflare_hsts,
        tags_required,
    )
)
RULES_BY_ID: dict[str, Rule] = {rule.id: rule for rule in ALL_RULES}

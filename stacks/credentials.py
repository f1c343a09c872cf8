"""The provider credentials each environment's Terraform Cloud workspace holds (no cdktf import).

Shared by the bootstrap stack, which writes them into each workspace's variable set, and
``main.py deploy bootstrap``, which checks that every one is set before handing over to cdktf.
"""

from __future__ import annotations

PROVIDER_CREDENTIALS: tuple[tuple[str, str], ...] = (
    ("AWS_ACCESS_KEY_ID", "AWS access key id of the environment's deploy identity"),
    ("AWS_SECRET_ACCESS_KEY", "AWS secret access key of the environment's deploy identity"),
    ("CLOUDFLARE_API_TOKEN", "Cloudflare API token scoped to the environment's zone"),
    ("NEON_API_KEY", "Neon API key of the environment's organization"),
    ("RAILWAY_TOKEN", "Railway token of the environment's workspace"),
)
"""Environment variables every app workspace needs, with what each must be (docs/deploying.md)."""


def credential_variable_name(environment: str, key: str) -> str:
    """``<env>_<key>`` in lowercase with ``-`` as ``_``: set it as ``TF_VAR_<name>`` when applying the bootstrap stack."""
    return f"{environment}_{key}".replace("-", "_").lower()

"""The provider credentials each environment's Terraform Cloud workspace holds (no cdktf import).

Shared by the bootstrap stack, which writes them into each workspace's variable set, and
``main.py deploy bootstrap``, which checks that every one is set before handing over to cdktf.
AWS is not among them: the workspace's runs get short-lived AWS credentials from HCP Terraform's
dynamic provider credentials (``TFC_AWS_VARIABLES``; the OIDC trust and run roles are in
``stacks/_tfc_aws.py``).
"""

from __future__ import annotations

PROVIDER_CREDENTIALS: tuple[tuple[str, str], ...] = (
    ("CLOUDFLARE_API_TOKEN", "Cloudflare API token scoped to the environment's zone"),
    ("NEON_API_KEY", "Neon API key of the environment's organization"),
    ("RAILWAY_TOKEN", "Railway token of the environment's workspace"),
)
"""Secrets every app workspace's variable set holds as sensitive environment variables (docs/deploying.md)."""

TFC_HOSTNAME = "app.terraform.io"
"""HCP Terraform: the issuer of its workload identity tokens and the prefix of their claims in AWS conditions."""

AWS_WORKLOAD_IDENTITY_AUDIENCE = "aws.workload.identity"
"""The ``aud`` of the tokens HCP Terraform presents to AWS (its default), and the OIDC provider's only client id."""

TFC_AWS_VARIABLES: tuple[tuple[str, str], ...] = (
    ("TFC_AWS_PROVIDER_AUTH", "HCP Terraform authenticates the AWS provider with a workload identity token of the run"),
    ("TFC_AWS_WORKLOAD_IDENTITY_AUDIENCE", "audience of that token, the one the environment's OIDC provider accepts"),
    ("TFC_AWS_PLAN_ROLE_ARN", "role the plan phase assumes: reads configuration only"),
    ("TFC_AWS_APPLY_ROLE_ARN", "role the apply phase assumes: deploys the environment's AWS resources"),
)
"""Non-sensitive environment variables of every app workspace's variable set (values from the bootstrap stack)."""

BOOTSTRAP_AWS_PROFILE = "aws_profile"
"""``TF_VAR_<env>_aws_profile``: the administrator's AWS CLI profile for the environment's account (bootstrap apply only)."""


def credential_variable_name(environment: str, key: str) -> str:
    """``<env>_<key>`` in lowercase with ``-`` as ``_``: set it as ``TF_VAR_<name>`` when applying the bootstrap stack."""
    return f"{environment}_{key}".replace("-", "_").lower()

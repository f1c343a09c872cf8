"""What a local ``deploy`` or ``plan`` lacks: the credentials each stack needs, checked before any CLI runs."""

from __future__ import annotations

import configparser
from collections.abc import Mapping, Sequence
from pathlib import Path

from environments import EnvironmentConfig
from stacks.credentials import BOOTSTRAP_AWS_PROFILE, PROVIDER_CREDENTIALS, credential_variable_name  # no cdktf: imports nothing heavy

from .common import terraform_cloud

AWS_CREDENTIAL_SOURCES = (
    ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
    ("AWS_PROFILE",),
    ("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"),
    ("AWS_CONTAINER_CREDENTIALS_FULL_URI",),
    ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",),
)
PROVIDER_TOKENS = tuple(name for name, _ in PROVIDER_CREDENTIALS)
"""``stacks.credentials.PROVIDER_CREDENTIALS``: one list for the workspaces' variable sets and the local deploy check.
AWS is not among them: locally it comes from any of ``AWS_CREDENTIAL_SOURCES``, in Terraform Cloud from the run's
workload identity (dynamic provider credentials)."""
TFC_TOKEN = "TF_TOKEN_app_terraform_io"


def missing_tfc_token(environ: Mapping[str, str], *, also: Sequence[str] = ()) -> list[str]:
    """``[TF_TOKEN_app_terraform_io ...]`` unless a Terraform Cloud token is set (or ``terraform login`` stored one)."""
    home_credentials = Path(environ.get("HOME", "~")).expanduser() / ".terraform.d" / "credentials.tfrc.json"
    if any(environ.get(name) for name in (TFC_TOKEN, *also)) or home_credentials.exists():
        return []
    return [f"{TFC_TOKEN} (or `terraform login`)"]


def missing_deploy_credentials(environ: Mapping[str, str], config: EnvironmentConfig) -> list[str]:
    """What a local ``cdktf deploy`` (or ``cdktf plan``) of ``config`` lacks; empty when it can start.

    With Terraform Cloud the runs execute remotely with the workspace's own variables,
    so only the API token is needed locally.
    """
    if terraform_cloud(environ, config) is not None:
        return missing_tfc_token(environ)
    missing = [name for name in PROVIDER_TOKENS if not environ.get(name)]
    if not any(all(environ.get(var) for var in source) for source in AWS_CREDENTIAL_SOURCES):
        missing.insert(0, "AWS credentials (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)")
    return missing


def aws_profiles(environ: Mapping[str, str]) -> set[str]:
    """Profile names of the AWS CLI's shared files (``AWS_CONFIG_FILE``, ``AWS_SHARED_CREDENTIALS_FILE``, else ``~/.aws/``).

    ``[profile NAME]`` (and ``[default]``) in the config file, ``[NAME]`` in the credentials file; an unreadable
    file has none. Only the names are read: the bootstrap apply itself resolves the credentials (SSO, roles, keys).
    """
    home = Path(environ.get("HOME", "~")).expanduser()
    names: set[str] = set()
    for variable, default, prefix in (("AWS_CONFIG_FILE", "config", "profile "), ("AWS_SHARED_CREDENTIALS_FILE", "credentials", "")):
        parser = configparser.RawConfigParser(strict=False)
        try:
            parser.read(Path(environ.get(variable) or home / ".aws" / default), encoding="utf-8")
        except configparser.Error:
            continue
        for section in parser.sections():
            if section == "default" or not prefix:
                names.add(section)
            elif section.startswith(prefix):
                names.add(section.removeprefix(prefix).strip())
    return names


def missing_bootstrap_credentials(environ: Mapping[str, str], configs: Sequence[EnvironmentConfig]) -> list[str]:
    """What ``cdktf deploy bootstrap`` lacks: a Terraform Cloud token, every ``TF_VAR_<env>_<credential>``, and for each
    environment an AWS CLI profile (``TF_VAR_<env>_aws_profile``) that the shared AWS files define."""
    # The tfe provider also reads TFE_TOKEN.
    missing = missing_tfc_token(environ, also=("TFE_TOKEN",))
    profiles: set[str] | None = None
    for config in configs:
        if terraform_cloud(environ, config) is None:
            continue
        missing += [
            f"TF_VAR_{credential_variable_name(config.name, key)}"
            for key, _ in PROVIDER_CREDENTIALS
            if not environ.get(f"TF_VAR_{credential_variable_name(config.name, key)}")
        ]
        variable = f"TF_VAR_{credential_variable_name(config.name, BOOTSTRAP_AWS_PROFILE)}"
        accounts = ", ".join(config.aws_account_ids) or "any account"
        profile = environ.get(variable)
        if not profile:
            missing.append(f"{variable} (an AWS CLI profile of {config.name}'s account {accounts})")
            continue
        profiles = aws_profiles(environ) if profiles is None else profiles
        if profile not in profiles:
            missing.append(f"{variable}={profile!r}: no such profile in the AWS CLI's config or credentials file (`aws configure sso --profile {profile}`)")
    return missing

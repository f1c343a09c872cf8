#!/usr/bin/env python
"""Entry point of the platform app: load environments, build one stack each, synthesize.

This is the only module that reads the process environment and the command line:

    python main.py                       every environment at its own phase
    python main.py --env dev --phase 3   dev only, previewing phase 3
    PLATFORM_ENVIRONMENTS=dev,staging PLATFORM_PHASE=3 cdktf synth
    python main.py deploy dev            check credentials, then run ``cdktf deploy dev``
    python main.py deploy bootstrap      check TF_VAR_ credentials, then ``cdktf deploy bootstrap``

Without ``--env`` every environment and the ``bootstrap`` stack (Terraform Cloud workspaces,
stacks/bootstrap.py) are synthesized; ``--env bootstrap`` selects it alone.

Terraform Cloud: each file's ``state_backend`` decides; ``TFC_ORGANIZATION`` (and optionally
``TFC_WORKSPACE_PREFIX``) override the organization and prefix, and move a local-state
environment to its own workspace ``<prefix>-<env>``. ``CDKTF_OUTDIR`` (set by
the cdktf CLI) or ``--outdir`` choose the output folder (default ``cdktf.out``).

Configuration is validated before cdktf is imported, so bad input fails in well under
a second with one line on stderr and exit status 2; a failed guardrail prints one
``error: <construct path>: <rule id> ...`` line per finding, also with status 2;
``cdktf.out`` is replaced only after a complete synthesis.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from environments import ENVIRONMENT_NAMES, ENVIRONMENTS_DIR, PHASES, ConfigError, EnvironmentConfig, load_all
from environments.config import TerraformCloudSettings

EXIT_USAGE = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]  # one line, no usage dump
        raise ConfigError(f"command line: {message}")


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    parser = _Parser(prog="main.py", description="Synthesize the platform stacks.")
    parser.add_argument("--env", action="append", dest="envs", metavar="NAME", help="environment to synthesize (repeatable; default: all)")
    parser.add_argument("--phase", help="preview this phase (1..4) instead of each environment's own")
    parser.add_argument("--outdir", type=Path, help="output folder (default: $CDKTF_OUTDIR or cdktf.out)")
    parser.add_argument("--config-dir", type=Path, default=ENVIRONMENTS_DIR, help="folder of <env>.toml files (default: environments/)")
    return parser.parse_args(argv)


BOOTSTRAP = "bootstrap"
"""The Terraform Cloud bootstrap stack (stacks/bootstrap.py); selectable like an environment."""
STACK_NAMES = (*ENVIRONMENT_NAMES, BOOTSTRAP)


def _pick_environments(requested: Sequence[str], source: str) -> list[str]:
    names = [n.strip() for item in requested for n in item.split(",") if n.strip()]
    if not names:
        raise ConfigError(f"{source}: environments must be one or more of {', '.join(STACK_NAMES)}, got none")
    for name in names:
        if name not in STACK_NAMES:
            raise ConfigError(f"{source}: environment must be one of {', '.join(STACK_NAMES)}, got {name!r}")
    return list(dict.fromkeys(names))


def _pick_phase(value: str, source: str) -> int:
    if value.strip().isdigit() and int(value) in PHASES:
        return int(value)
    raise ConfigError(f"{source}: phase must be one of 1..{PHASES[-1]}, got {value!r}")


def _terraform_cloud(environ: Mapping[str, str], config: EnvironmentConfig) -> TerraformCloudSettings | None:
    """The file's ``[terraform_cloud]``, with ``TFC_ORGANIZATION`` / ``TFC_WORKSPACE_PREFIX`` taking precedence.

    The variables also move a local-state environment into Terraform Cloud (for example dev in a
    sandbox organization); every other workspace setting keeps the file's value or its default.
    """
    organization = environ.get("TFC_ORGANIZATION", "").strip()
    if not organization:
        return config.terraform_cloud
    prefix = environ.get("TFC_WORKSPACE_PREFIX", "").strip() or (
        config.terraform_cloud.workspace_prefix if config.terraform_cloud else "healthcare"
    )
    base = config.terraform_cloud.model_dump() if config.terraform_cloud else {}
    try:
        return TerraformCloudSettings.model_validate({**base, "organization": organization, "workspace_prefix": prefix})
    except ValueError:
        raise ConfigError(
            "environment: TFC_ORGANIZATION and TFC_WORKSPACE_PREFIX must be letters, digits, '-' or '_', "
            f"got {organization!r} and {prefix!r}"
        ) from None


@dataclass(frozen=True, slots=True)
class Selection:
    """What one run synthesizes: environment configs, the bootstrap stack's inputs, the output folder."""

    configs: list[EnvironmentConfig]
    """The environments' stacks, each at its own (or the previewed) phase."""
    bootstrap: list[EnvironmentConfig]
    """Every environment file when the bootstrap stack is selected (all by default), else empty."""
    outdir: Path


def resolve(argv: Sequence[str], environ: Mapping[str, str]) -> Selection:
    """The validated configs to synthesize and the output folder, from arguments and environment."""
    args = _parse_args(argv)
    configs = load_all(args.config_dir)
    if args.envs:
        names = _pick_environments(args.envs, "command line --env")
    elif environ.get("PLATFORM_ENVIRONMENTS", "").strip():
        names = _pick_environments([environ["PLATFORM_ENVIRONMENTS"]], "environment PLATFORM_ENVIRONMENTS")
    else:
        names = list(STACK_NAMES)
    phase: int | None = None
    if args.phase is not None:
        phase = _pick_phase(args.phase, "command line --phase")
    elif environ.get("PLATFORM_PHASE", "").strip():
        phase = _pick_phase(environ["PLATFORM_PHASE"], "environment PLATFORM_PHASE")
    def effective(config: EnvironmentConfig) -> EnvironmentConfig:
        tfc = _terraform_cloud(environ, config)
        update: dict[str, object] = {"terraform_cloud": tfc, "state_backend": "terraform_cloud" if tfc else config.state_backend}
        if phase is not None:
            update["phase"] = phase
        return config.model_copy(update=update)

    selected = [effective(configs[name]) for name in names if name != BOOTSTRAP]
    bootstrap = [effective(config) for config in configs.values()] if BOOTSTRAP in names else []
    outdir = args.outdir or Path(environ.get("CDKTF_OUTDIR") or "cdktf.out")
    return Selection(configs=selected, bootstrap=bootstrap, outdir=outdir)


AWS_CREDENTIAL_SOURCES = (
    ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"),
    ("AWS_PROFILE",),
    ("AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ROLE_ARN"),
    ("AWS_CONTAINER_CREDENTIALS_FULL_URI",),
    ("AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",),
)
PROVIDER_TOKENS = ("CLOUDFLARE_API_TOKEN", "NEON_API_KEY", "RAILWAY_TOKEN")
TFC_TOKEN = "TF_TOKEN_app_terraform_io"


def missing_deploy_credentials(environ: Mapping[str, str], config: EnvironmentConfig) -> list[str]:
    """What a local ``cdktf deploy`` of ``config`` lacks; empty when it can start.

    With Terraform Cloud the runs execute remotely with the workspace's own variables,
    so only the API token is needed locally.
    """
    if _terraform_cloud(environ, config) is not None:
        home_credentials = Path(environ.get("HOME", "~")).expanduser() / ".terraform.d" / "credentials.tfrc.json"
        return [] if environ.get(TFC_TOKEN) or home_credentials.exists() else [f"{TFC_TOKEN} (or `terraform login`)"]
    missing = [name for name in PROVIDER_TOKENS if not environ.get(name)]
    if not any(all(environ.get(var) for var in source) for source in AWS_CREDENTIAL_SOURCES):
        missing.insert(0, "AWS credentials (AWS_ACCESS_KEY_ID + AWS_SECRET_ACCESS_KEY, or AWS_PROFILE)")
    return missing


def missing_bootstrap_credentials(environ: Mapping[str, str], configs: Sequence[EnvironmentConfig]) -> list[str]:
    """What ``cdktf deploy bootstrap`` lacks: a Terraform Cloud token and every ``TF_VAR_<env>_<credential>``."""
    from stacks.credentials import PROVIDER_CREDENTIALS, credential_variable_name

    home_credentials = Path(environ.get("HOME", "~")).expanduser() / ".terraform.d" / "credentials.tfrc.json"
    missing = [] if environ.get(TFC_TOKEN) or environ.get("TFE_TOKEN") or home_credentials.exists() else [f"{TFC_TOKEN} (or `terraform login`)"]
    for config in configs:
        if _terraform_cloud(environ, config) is None:
            continue
        missing += [
            f"TF_VAR_{credential_variable_name(config.name, key)}"
            for key, _ in PROVIDER_CREDENTIALS
            if not environ.get(f"TF_VAR_{credential_variable_name(config.name, key)}")
        ]
    return missing


def deploy(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """``main.py deploy <env|bootstrap> [cdktf args]``: check credentials, then hand over to ``cdktf deploy``."""
    if not argv:
        raise ConfigError(f"command line: deploy needs a stack, one of {', '.join(STACK_NAMES)}")
    (name,) = _pick_environments([argv[0]], "command line deploy")
    configs = load_all()
    if name == BOOTSTRAP:
        missing = missing_bootstrap_credentials(environ, list(configs.values()))
    else:
        missing = missing_deploy_credentials(environ, configs[name])
    if missing:
        raise ConfigError(f"deploy {name}: missing credentials: {'; '.join(missing)} (see README, Deploying)")
    command = ["cdktf", "deploy", name, *argv[1:]]
    os.execvpe(command[0], command, {**environ, "PLATFORM_ENVIRONMENTS": name})
    return 0  # not reached: execvpe replaces this process


NODE_DEPRECATIONS_SILENCED = "--disable-warning=DEP0044"
"""The prebuilt tfe provider's bundled JavaScript calls ``util.isArray`` (Node DEP0044): a warning on
every synthesis that no user can act on. Only that warning is silenced, for the jsii Node process."""


def quiet_node_deprecations(environ: MutableMapping[str, str]) -> None:
    """Add ``NODE_DEPRECATIONS_SILENCED`` to ``NODE_OPTIONS`` (before jsii starts Node)."""
    options = environ.get("NODE_OPTIONS", "")
    if NODE_DEPRECATIONS_SILENCED not in options.split():
        environ["NODE_OPTIONS"] = f"{options} {NODE_DEPRECATIONS_SILENCED}".strip()


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the app; returns the process exit status."""
    environ = os.environ if environ is None else environ
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["deploy"]:
            return deploy(argv[1:], environ)
        selection = resolve(argv, environ)
    except ConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE

    # Imported only now: the jsii runtime and provider packages take seconds to load.
    quiet_node_deprecations(os.environ)
    from constructs_lib.errors import ConstructError
    from stacks.app import synthesize

    try:
        warnings = synthesize(selection.configs, selection.outdir, bootstrap=selection.bootstrap)
    except ConstructError as exc:
        # One line per problem: a failed guardrail run reports each finding on its own line.
        for line in str(exc).splitlines():
            print(f"error: {line}", file=sys.stderr)
        return EXIT_USAGE
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())

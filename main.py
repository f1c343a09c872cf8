#!/usr/bin/env python
"""Entry point of the platform app: load environments, build one stack each, synthesize.

This is the only module that reads the process environment and the command line.
``python main.py --help`` prints the whole interface (``HELP`` below): synthesis (the
default), ``deploy`` and ``promote``, the environment variables that matter and the exit
codes. Configuration is validated before cdktf is imported, so bad input fails in well under
a second; every problem is reported, one line each; ``cdktf.out`` is replaced only after a
complete synthesis.
"""

from __future__ import annotations

import argparse
import configparser
import json
import os
import sys
import tempfile
from collections.abc import Mapping, MutableMapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

from environments import ENVIRONMENTS_DIR, PHASES, ConfigError, EnvironmentConfig, load_all
from environments.config import TerraformCloudSettings
from environments.placeholders import BOOTSTRAP_DEFERRED, BOOTSTRAP_SECTIONS, environment_source, find_placeholders, placeholder_lines
from stacks.credentials import BOOTSTRAP_AWS_PROFILE, PROVIDER_CREDENTIALS, credential_variable_name  # no cdktf: imports nothing heavy

EXIT_OK = 0
EXIT_USAGE = 2
"""Bad command line, environment file or process environment; a construct or guardrail rejected the stacks;
``deploy``: the environment still holds placeholder values (``environments.placeholders``)."""
EXIT_UNSAFE_PROMOTION = 3
"""``promote`` found resources the promotion would remove or replace."""

BOOTSTRAP = "bootstrap"
"""The Terraform Cloud bootstrap stack (stacks/bootstrap.py); selectable like an environment."""

HELP = f"""\
commands:
  main.py [--env NAME]... [--phase N] [--outdir DIR] [--config-dir DIR] [--quiet]
      synthesize (the default): every environment file at its own phase, plus the
      bootstrap stack; prints one line per stack (name, phase, resource count, path)
  main.py deploy NAME [cdktf deploy args...]
      refuse every placeholder value left in NAME's file and check the credentials
      NAME needs, then run `cdktf deploy NAME` (NAME: an environment, or {BOOTSTRAP}
      for the Terraform Cloud workspaces: every file's [terraform_cloud] is checked)
  main.py placeholders [NAME]... [--config-dir DIR]
      list the placeholder values deploy would refuse (default: every environment),
      one line each: file, key, why, where the real value comes from
  main.py promote NAME --to N [--json] [--config-dir DIR]
      synthesize NAME at its phase and at N in one process and show what the
      promotion adds (by construct and type, cost-bearing resources with the values
      that size them); exits {EXIT_UNSAFE_PROMOTION} naming every address it would remove or replace

examples:
  python main.py                          every environment and the bootstrap stack (cdktf; on cdktn: no bootstrap)
  python main.py --env dev --phase 3      dev only, previewing phase 3
  python main.py promote prod --to 2      what promoting prod to phase 2 adds
  python main.py placeholders prod        the example values prod still holds
  make deploy ENV=dev                     = python main.py deploy dev

environments: one file per environment, environments/<name>.toml (the name is the
  file name); see README "Adding an environment"

environment variables:
  PLATFORM_ENVIRONMENTS  comma-separated names, as --env (the cdktf CLI has no flags for the app)
  PLATFORM_PHASE         as --phase
  CDKTF_OUTDIR           output folder, set by the cdktf CLI (default cdktf.out)
  HEALTHCARE_CDK_ENGINE  cdktf (default when installed) or cdktn: the CDK engine (docs/engines.md)
  TFC_ORGANIZATION, TFC_WORKSPACE_PREFIX   override the files' Terraform Cloud organization/prefix
  deploy: AWS_* (or AWS_PROFILE), CLOUDFLARE_API_TOKEN, NEON_API_KEY, RAILWAY_TOKEN for local
  state; TF_TOKEN_app_terraform_io (or `terraform login`) for Terraform Cloud; bootstrap:
  TF_VAR_<env>_<credential> and TF_VAR_<env>_aws_profile (an AWS CLI profile of that
  environment's account) for every Terraform Cloud environment

exit status:
  {EXIT_OK}  success
  {EXIT_USAGE}  bad command line, environment file or process environment, or a construct or
     guardrail rejected a stack (one `error:` line per problem; nothing written); deploy:
     the file still holds placeholder values (one `error:` line each; no CLI runs)
  {EXIT_UNSAFE_PROMOTION}  promote: the promotion would remove or replace resources
"""


class _Parser(argparse.ArgumentParser):
    """A command's parser: the shared help text as epilog, and one-line errors instead of a usage dump."""

    def __init__(self, prog: str, description: str) -> None:
        super().__init__(prog=prog, description=description, epilog=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)

    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        raise ConfigError(f"command line: {message}")


def _synth_parser() -> _Parser:
    parser = _Parser("main.py", "Synthesize, deploy or preview the promotion of the platform stacks.")
    parser.add_argument("--env", action="append", dest="envs", metavar="NAME", help="environment to synthesize (repeatable; default: all, and bootstrap)")
    parser.add_argument("--phase", help="preview this phase (1..4) instead of each environment's own")
    parser.add_argument("--outdir", type=Path, help="output folder (default: $CDKTF_OUTDIR or cdktf.out)")
    parser.add_argument("--config-dir", type=Path, default=ENVIRONMENTS_DIR, help="folder of <name>.toml files (default: environments/)")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success (warnings and errors still go to stderr)")
    return parser


def _promote_parser() -> _Parser:
    parser = _Parser("main.py promote", "Preview what promoting an environment to a higher phase changes.")
    parser.add_argument("name", metavar="NAME", help="environment to promote")
    parser.add_argument("--to", required=True, dest="target", metavar="N", help="target phase (higher than the file's phase)")
    parser.add_argument("--json", action="store_true", help="machine-readable output for CI")
    parser.add_argument("--config-dir", type=Path, default=ENVIRONMENTS_DIR, help="folder of <name>.toml files (default: environments/)")
    return parser


def _parse_args(argv: Sequence[str]) -> argparse.Namespace:
    return _synth_parser().parse_args(argv)


def _pick_environments(requested: Sequence[str], source: str, known: Sequence[str]) -> list[str]:
    names = [n.strip() for item in requested for n in item.split(",") if n.strip()]
    choices = ", ".join([*known, BOOTSTRAP])
    if not names:
        raise ConfigError(f"{source}: environments must be one or more of {choices}, got none")
    for name in names:
        if name not in known and name != BOOTSTRAP:
            raise ConfigError(f"{source}: environment must be one of {choices} (one file each in environments/), got {name!r}")
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
    prefix = environ.get("TFC_WORKSPACE_PREFIX", "").strip() or (config.terraform_cloud.workspace_prefix if config.terraform_cloud else "healthcare")
    base = config.terraform_cloud.model_dump() if config.terraform_cloud else {}
    try:
        return TerraformCloudSettings.model_validate({**base, "organization": organization, "workspace_prefix": prefix})
    except ValueError:
        raise ConfigError(
            f"environment: TFC_ORGANIZATION and TFC_WORKSPACE_PREFIX must be letters, digits, '-' or '_', got {organization!r} and {prefix!r}"
        ) from None


def _effective(config: EnvironmentConfig, environ: Mapping[str, str], phase: int | None = None) -> EnvironmentConfig:
    tfc = _terraform_cloud(environ, config)
    update: dict[str, object] = {"terraform_cloud": tfc, "state_backend": "terraform_cloud" if tfc else config.state_backend}
    if phase is not None:
        update["phase"] = phase
    return config.model_copy(update=update)


@dataclass(frozen=True, slots=True)
class Selection:
    """What one run synthesizes: environment configs, the bootstrap stack's inputs, the output folder."""

    configs: list[EnvironmentConfig]
    """The environments' stacks, each at its own (or the previewed) phase."""
    bootstrap: list[EnvironmentConfig]
    """Every environment file when the bootstrap stack is selected (all by default), else empty."""
    outdir: Path
    quiet: bool = False
    bootstrap_skipped: bool = False
    config_dir: Path = ENVIRONMENTS_DIR
    """The folder the environment files were read from (the summary's placeholder hint names it)."""
    """The default selection on cdktn: the bootstrap stack is left out (its tfe provider is cdktf-only)."""


def _engine() -> str:
    """The CDK engine of this process (``constructs_lib.engine``: HEALTHCARE_CDK_ENGINE, else what is installed)."""
    try:
        from constructs_lib.engine import ENGINE
    except ImportError as exc:  # EngineNotInstalledError: no engine, or the requested one is missing
        raise ConfigError(str(exc)) from None
    return ENGINE


_NO_BOOTSTRAP_ON_CDKTN = (
    "bootstrap: the Terraform Cloud bootstrap stack needs the prebuilt TFE provider, which exists for cdktf only; "
    "run it on the default engine (make deploy ENV=bootstrap) — docs/engines.md"
)


def resolve(argv: Sequence[str], environ: Mapping[str, str]) -> Selection:
    """The validated configs to synthesize and the output folder, from arguments and environment."""
    args = _parse_args(argv)
    configs = load_all(args.config_dir)
    known = list(configs)
    engine = _engine()
    if args.envs:
        names = _pick_environments(args.envs, "command line --env", known)
    elif environ.get("PLATFORM_ENVIRONMENTS", "").strip():
        names = _pick_environments([environ["PLATFORM_ENVIRONMENTS"]], "environment PLATFORM_ENVIRONMENTS", known)
    else:
        names = [*known, BOOTSTRAP] if engine == "cdktf" else known  # bootstrap needs the tfe provider: cdktf only
    skipped = not args.envs and not environ.get("PLATFORM_ENVIRONMENTS", "").strip() and BOOTSTRAP not in names
    if BOOTSTRAP in names and engine != "cdktf":
        raise ConfigError(_NO_BOOTSTRAP_ON_CDKTN)
    phase: int | None = None
    if args.phase is not None:
        phase = _pick_phase(args.phase, "command line --phase")
    elif environ.get("PLATFORM_PHASE", "").strip():
        phase = _pick_phase(environ["PLATFORM_PHASE"], "environment PLATFORM_PHASE")
    selected = [_effective(configs[name], environ, phase) for name in names if name != BOOTSTRAP]
    bootstrap = [_effective(config, environ) for config in configs.values()] if BOOTSTRAP in names else []
    outdir = args.outdir or Path(environ.get("CDKTF_OUTDIR") or "cdktf.out")
    return Selection(configs=selected, bootstrap=bootstrap, outdir=outdir, quiet=args.quiet, bootstrap_skipped=skipped, config_dir=args.config_dir)


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


def _missing_tfc_token(environ: Mapping[str, str], *, also: Sequence[str] = ()) -> list[str]:
    """``[TF_TOKEN_app_terraform_io ...]`` unless a Terraform Cloud token is set (or ``terraform login`` stored one)."""
    home_credentials = Path(environ.get("HOME", "~")).expanduser() / ".terraform.d" / "credentials.tfrc.json"
    if any(environ.get(name) for name in (TFC_TOKEN, *also)) or home_credentials.exists():
        return []
    return [f"{TFC_TOKEN} (or `terraform login`)"]


def missing_deploy_credentials(environ: Mapping[str, str], config: EnvironmentConfig) -> list[str]:
    """What a local ``cdktf deploy`` of ``config`` lacks; empty when it can start.

    With Terraform Cloud the runs execute remotely with the workspace's own variables,
    so only the API token is needed locally.
    """
    if _terraform_cloud(environ, config) is not None:
        return _missing_tfc_token(environ)
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
    missing = _missing_tfc_token(environ, also=("TFE_TOKEN",))
    profiles: set[str] | None = None
    for config in configs:
        if _terraform_cloud(environ, config) is None:
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


def deploy_placeholders(name: str, configs: Mapping[str, EnvironmentConfig], environ: Mapping[str, str], directory: Path = ENVIRONMENTS_DIR) -> list[str]:
    """The placeholder values ``deploy <name>`` refuses, one line each (``environments.placeholders``).

    An environment: every value of its file (as the process environment overrides it). ``bootstrap``:
    the keys the bootstrap stack applies (``BOOTSTRAP_SECTIONS``) of every environment that uses Terraform
    Cloud, except the agent's egress address, which exists only after that apply (``BOOTSTRAP_DEFERRED``).
    """
    if name != BOOTSTRAP:
        return placeholder_lines(_effective(configs[name], environ), environment_source(directory, name))
    lines = []
    for config in configs.values():
        effective = _effective(config, environ)
        if effective.terraform_cloud is not None:
            lines += placeholder_lines(effective, environment_source(directory, config.name), BOOTSTRAP_SECTIONS, deferred=BOOTSTRAP_DEFERRED)
    return lines


def deploy(argv: Sequence[str], environ: Mapping[str, str], config_dir: Path = ENVIRONMENTS_DIR) -> int:
    """``main.py deploy <env|bootstrap> [cdktf args]``: refuse placeholders, check credentials, hand over to ``cdktf deploy``.

    Every placeholder value and the missing credentials are reported together, before any CLI runs
    or the engine is imported. ``config_dir`` is for tests: the CLI synthesizes ``environments/``.
    """
    configs = load_all(config_dir)
    if not argv:
        raise ConfigError(f"command line: deploy needs a stack, one of {', '.join([*configs, BOOTSTRAP])}")
    (name,) = _pick_environments([argv[0]], "command line deploy", list(configs))
    engine = _engine()
    if name == BOOTSTRAP and engine != "cdktf":
        raise ConfigError(_NO_BOOTSTRAP_ON_CDKTN)
    if name == BOOTSTRAP:
        missing = missing_bootstrap_credentials(environ, list(configs.values()))
    else:
        missing = missing_deploy_credentials(environ, configs[name])
    problems = []
    placeholders = deploy_placeholders(name, configs, environ, config_dir)
    if placeholders:
        count = f"{len(placeholders)} placeholder value{'s' if len(placeholders) > 1 else ''}"
        problems += [f"deploy {name}: {count} must be replaced first (docs/deploying.md, Values to replace):", *placeholders]
    if missing:
        problems.append(f"deploy {name}: missing credentials: {'; '.join(missing)} (see docs/deploying.md)")
    if problems:
        raise ConfigError("\n".join(problems))
    # cdktf.json's "app" runs .venv's Python (cdktf); on cdktn the CLI runs this interpreter instead.
    command = ["cdktf", "deploy", name, *argv[1:]] if engine == "cdktf" else ["cdktn", "deploy", name, "--app", f"{sys.executable} main.py", *argv[1:]]
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


def promote(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """``main.py promote NAME --to N [--json]``: what promoting NAME to phase N adds; exit 3 if it would remove or replace."""
    args = _promote_parser().parse_args(argv)
    configs = load_all(args.config_dir)
    (name,) = _pick_environments([args.name], "command line promote", list(configs))
    if name == BOOTSTRAP:
        raise ConfigError(f"command line promote: {BOOTSTRAP} has no phase; promote an environment, one of {', '.join(configs)}")
    target = _pick_phase(args.target, "command line promote --to")
    config = _effective(configs[name], environ)
    if target <= config.phase:
        raise ConfigError(
            f"command line promote --to: phase must be higher than {name}'s current phase {config.phase} "
            f"(a promotion only adds; environments/{name}.toml sets the phase), got {target}"
        )
    quiet_node_deprecations(os.environ)
    from stacks.app import synthesize
    from stacks.promotion import diff, with_costs

    documents = {}
    with tempfile.TemporaryDirectory(prefix="promote-") as work:
        for phase in (config.phase, target):
            outdir = Path(work) / f"phase{phase}"
            synthesize([config.model_copy(update={"phase": phase})], outdir)
            documents[phase] = json.loads((outdir / "stacks" / name / "cdk.tf.json").read_text())
    promotion = with_costs(diff(name, config.phase, documents[config.phase], target, documents[target]), config)
    if args.json:
        print(json.dumps(promotion.as_json(), indent=2, sort_keys=True))
    else:
        for line in promotion.lines():
            print(line)
    if not promotion.safe:
        blocked = [c.address for c in (*promotion.removed, *promotion.replaced)]
        print(f"error: promote {name}: the promotion would remove or replace {', '.join(blocked)}", file=sys.stderr)
        return EXIT_UNSAFE_PROMOTION
    return EXIT_OK


def _placeholders_command(name: str, config_dir: Path) -> str:
    where = "" if config_dir == ENVIRONMENTS_DIR else f" --config-dir {config_dir}"
    return f"python main.py placeholders {name}{where}"


def _summary(selection: Selection) -> list[str]:
    """One line per synthesized stack (name, phase, resource count, output path), and one per environment
    that still holds placeholder values (how many; synthesis succeeds, ``deploy`` refuses them)."""
    lines = []
    stacks = [(c.name, f"phase {c.phase}") for c in selection.configs]
    if selection.bootstrap and any(c.terraform_cloud is not None for c in selection.bootstrap):
        stacks.append((BOOTSTRAP, "Terraform Cloud workspaces"))
    left = {c.name: len(find_placeholders(c)) for c in selection.configs}
    for name, what in stacks:
        path = selection.outdir / "stacks" / name / "cdk.tf.json"
        document = json.loads(path.read_text())
        count = sum(len(blocks) for blocks in (document.get("resource") or {}).values())
        lines.append(f"{name}: {what}, {count} resources -> {path}")
        if left.get(name):
            values = f"{left[name]} placeholder value{'s' if left[name] > 1 else ''}"
            lines.append(f"{name}: {values} must be replaced before deploy ({_placeholders_command(name, selection.config_dir)})")
    if selection.bootstrap_skipped:
        lines.append(f"{BOOTSTRAP}: skipped on {_engine()} (no prebuilt TFE provider; synthesize and deploy it on cdktf, docs/engines.md)")
    return lines


def _placeholders_parser() -> _Parser:
    parser = _Parser("main.py placeholders", "List the placeholder values that deploy refuses.")
    parser.add_argument("names", nargs="*", metavar="NAME", help="environments to check (default: all)")
    parser.add_argument("--config-dir", type=Path, default=ENVIRONMENTS_DIR, help="folder of <name>.toml files (default: environments/)")
    return parser


def list_placeholders(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """``main.py placeholders [NAME]...``: every placeholder value of each environment, one line each; exit 0."""
    args = _placeholders_parser().parse_args(argv)
    configs = load_all(args.config_dir)
    names = _pick_environments(args.names, "command line placeholders", list(configs)) if args.names else list(configs)
    for name in names:
        lines = deploy_placeholders(name, configs, environ, args.config_dir)
        for line in lines or [f"{name}: no placeholder values"]:
            print(line)
    return EXIT_OK


def _report(exc: Exception) -> int:
    """Every problem on its own ``error:`` line; exit status 2."""
    for line in str(exc).splitlines():
        print(f"error: {line}", file=sys.stderr)
    return EXIT_USAGE


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the app; returns the process exit status (``HELP`` lists them)."""
    environ = os.environ if environ is None else environ
    argv = sys.argv[1:] if argv is None else argv
    try:
        if argv[:1] == ["deploy"]:
            return deploy(argv[1:], environ)
        if argv[:1] == ["promote"]:
            return promote(argv[1:], environ)
        if argv[:1] == ["placeholders"]:
            return list_placeholders(argv[1:], environ)
        selection = resolve(argv, environ)
    except ConfigError as exc:
        return _report(exc)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)

    # Imported only now: the jsii runtime and provider packages take seconds to load.
    quiet_node_deprecations(os.environ)
    from constructs_lib.errors import ConstructError
    from stacks.app import synthesize

    try:
        warnings = synthesize(selection.configs, selection.outdir, bootstrap=selection.bootstrap)
    except ConstructError as exc:
        # One line per problem: a failed guardrail run reports each finding on its own line.
        return _report(exc)
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    if not selection.quiet:
        for line in _summary(selection):
            print(line)
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())

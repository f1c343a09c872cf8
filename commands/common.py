"""What every command shares: exit codes, the help text, the parser, and picking environments and phases."""

from __future__ import annotations

import argparse
import atexit
import os
import sys
from collections.abc import Mapping, MutableMapping, Sequence
from typing import NoReturn

from environments import PHASES, ConfigError, EnvironmentConfig
from environments.config import TerraformCloudSettings

EXIT_OK = 0
EXIT_USAGE = 2
"""Bad command line, environment file or process environment; a construct or guardrail rejected the stacks;
``deploy``/``plan``: the environment still holds placeholder values (``environments.placeholders``) or a credential is missing."""
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
  main.py plan NAME [--base-ref REF] [--summary FILE]
      the same checks as deploy, then `cdktf plan NAME`: a speculative run in
      Terraform Cloud (local state: a local plan); prints the plan's counts, and
      with --base-ref the promotion preview when NAME's phase differs from REF's;
      --summary (and $GITHUB_STEP_SUMMARY) receive the same lines as Markdown
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
  make plan ENV=staging                   = python main.py plan staging

environments: one file per environment, environments/<name>.toml (the name is the
  file name); see README "Adding an environment"

environment variables:
  PLATFORM_ENVIRONMENTS  comma-separated names, as --env (the cdktf CLI has no flags for the app)
  PLATFORM_PHASE         as --phase
  CDKTF_OUTDIR           output folder, set by the cdktf CLI (default cdktf.out)
  HEALTHCARE_CDK_ENGINE  cdktf (default when installed) or cdktn: the CDK engine (docs/engines.md)
  TFC_ORGANIZATION, TFC_WORKSPACE_PREFIX   override the files' Terraform Cloud organization/prefix
  deploy, plan: AWS_* (or AWS_PROFILE), CLOUDFLARE_API_TOKEN, NEON_API_KEY, RAILWAY_TOKEN for
  local state; TF_TOKEN_app_terraform_io (or `terraform login`) for Terraform Cloud; bootstrap:
  TF_VAR_<env>_<credential> and TF_VAR_<env>_aws_profile (an AWS CLI profile of that
  environment's account) for every Terraform Cloud environment
  GITHUB_SHA, GITHUB_RUN_ID, PR_NUMBER   deploy, plan: printed as the run's change record
  GITHUB_STEP_SUMMARY    plan: the summary is appended there too (GitHub Actions)

exit status:
  {EXIT_OK}  success
  {EXIT_USAGE}  bad command line, environment file or process environment, or a construct or
     guardrail rejected a stack (one `error:` line per problem; nothing written); deploy, plan:
     the file still holds placeholder values or a credential is missing (one `error:` line
     each; no CLI runs)
  {EXIT_UNSAFE_PROMOTION}  promote: the promotion would remove or replace resources
"""


class Parser(argparse.ArgumentParser):
    """A command's parser: the shared help text as epilog, and one-line errors instead of a usage dump."""

    def __init__(self, prog: str, description: str) -> None:
        super().__init__(prog=prog, description=description, epilog=HELP, formatter_class=argparse.RawDescriptionHelpFormatter)

    def error(self, message: str) -> NoReturn:  # one line, no usage dump
        raise ConfigError(f"command line: {message}")


def pick_environments(requested: Sequence[str], source: str, known: Sequence[str]) -> list[str]:
    """The distinct names in ``requested`` (comma-separated items allowed), each an environment or ``bootstrap``."""
    names = [n.strip() for item in requested for n in item.split(",") if n.strip()]
    choices = ", ".join([*known, BOOTSTRAP])
    if not names:
        raise ConfigError(f"{source}: environments must be one or more of {choices}, got none")
    for name in names:
        if name not in known and name != BOOTSTRAP:
            raise ConfigError(f"{source}: environment must be one of {choices} (one file each in environments/), got {name!r}")
    return list(dict.fromkeys(names))


def pick_phase(value: str, source: str) -> int:
    """``value`` as a phase number, or a one-line error naming ``source``."""
    if value.strip().isdigit() and int(value) in PHASES:
        return int(value)
    raise ConfigError(f"{source}: phase must be one of 1..{PHASES[-1]}, got {value!r}")


def terraform_cloud(environ: Mapping[str, str], config: EnvironmentConfig) -> TerraformCloudSettings | None:
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


def effective(config: EnvironmentConfig, environ: Mapping[str, str], phase: int | None = None) -> EnvironmentConfig:
    """``config`` as this process runs it: Terraform Cloud overrides from the environment, and the previewed phase."""
    tfc = terraform_cloud(environ, config)
    update: dict[str, object] = {"terraform_cloud": tfc, "state_backend": "terraform_cloud" if tfc else config.state_backend}
    if phase is not None:
        update["phase"] = phase
    return config.model_copy(update=update)


def engine() -> str:
    """The CDK engine of this process (``constructs_lib.engine``: HEALTHCARE_CDK_ENGINE, else what is installed)."""
    try:
        from constructs_lib.engine import ENGINE
    except ImportError as exc:  # EngineNotInstalledError: no engine, or the requested one is missing
        raise ConfigError(str(exc)) from None
    return ENGINE


NO_BOOTSTRAP_ON_CDKTN = (
    "bootstrap: the Terraform Cloud bootstrap stack needs the prebuilt TFE provider, which exists for cdktf only; "
    "run it on the default engine (make deploy ENV=bootstrap) — docs/engines.md"
)

NODE_DEPRECATIONS_SILENCED = "--disable-warning=DEP0044"
"""The prebuilt tfe provider's bundled JavaScript calls ``util.isArray`` (Node DEP0044): a warning on
every synthesis that no user can act on. Only that warning is silenced, for the jsii Node process."""


def quiet_node_deprecations(environ: MutableMapping[str, str]) -> None:
    """Add ``NODE_DEPRECATIONS_SILENCED`` to ``NODE_OPTIONS`` (before jsii starts Node)."""
    options = environ.get("NODE_OPTIONS", "")
    if NODE_DEPRECATIONS_SILENCED not in options.split():
        environ["NODE_OPTIONS"] = f"{options} {NODE_DEPRECATIONS_SILENCED}".strip()


def report(exc: Exception) -> int:
    """Every problem on its own ``error:`` line; exit status 2."""
    for line in str(exc).splitlines():
        print(f"error: {line}", file=sys.stderr)
    return EXIT_USAGE


def exit_process(status: int) -> NoReturn:
    """End the process with ``status`` the way ``sys.exit`` would, without tearing the interpreter down.

    The atexit handlers run (jsii stops its Node process, temporary folders are removed, logging flushes) and the
    standard streams are flushed; what is skipped is freeing every object one by one, which after the engine's import
    (~1.4 million objects) takes ~4 s of a ~20 s ``make synth`` on this project's machine (docs/performance.md).
    Only for a process's last statement: ``main.py`` and the test session's end call it.
    """
    try:
        atexit._run_exitfuncs()
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except (OSError, ValueError):  # a closed pipe (main.py | head) or a closed stream: nothing more to say
                pass
        os._exit(status)

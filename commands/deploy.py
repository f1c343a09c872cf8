"""``main.py deploy``: refuse placeholders, check credentials, hand over to ``cdktf deploy``.

``preflight`` is the check ``plan`` shares: the same refusals, in the same words, before any CLI runs.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence
from pathlib import Path

from environments import ENVIRONMENTS_DIR, ConfigError, EnvironmentConfig, load_all

from .common import BOOTSTRAP, NO_BOOTSTRAP_ON_CDKTN, engine, pick_environments
from .credentials import missing_bootstrap_credentials, missing_deploy_credentials
from .placeholders import deploy_placeholders

CHANGE_RECORD_VARIABLES = (("commit", "GITHUB_SHA"), ("pull request", "PR_NUMBER"), ("workflow run", "GITHUB_RUN_ID"), ("actor", "GITHUB_ACTOR"))
"""What ``deploy`` and ``plan`` print before the CLI starts, so the workflow log ties the Terraform Cloud run
(whose URL the CLI prints next) to a commit, a pull request and a workflow run (docs/operations/pipeline.md)."""


def change_record(command: str, name: str, environ: Mapping[str, str]) -> str | None:
    """``deploy prod: commit <sha>, workflow run <id>, ...`` from the CI variables that are set; None outside CI."""
    parts = [f"{label} {environ[variable]}" for label, variable in CHANGE_RECORD_VARIABLES if environ.get(variable)]
    return f"{command} {name}: {', '.join(parts)}" if parts else None


def preflight(command: str, argv: Sequence[str], environ: Mapping[str, str], config_dir: Path) -> tuple[str, dict[str, EnvironmentConfig], str]:
    """The stack name, every config and the engine, once ``command``'s stack passes the checks that precede any CLI.

    Every placeholder value and the missing credentials are reported together (one ``ConfigError``, one
    line each), before any CLI runs or the engine's jsii runtime is imported.
    """
    configs = load_all(config_dir)
    if not argv:
        raise ConfigError(f"command line: {command} needs a stack, one of {', '.join([*configs, BOOTSTRAP])}")
    (name,) = pick_environments([argv[0]], f"command line {command}", list(configs))
    current = engine()
    if name == BOOTSTRAP and current != "cdktf":
        raise ConfigError(NO_BOOTSTRAP_ON_CDKTN)
    if name == BOOTSTRAP:
        missing = missing_bootstrap_credentials(environ, list(configs.values()))
    else:
        missing = missing_deploy_credentials(environ, configs[name])
    problems = []
    placeholders = deploy_placeholders(name, configs, environ, config_dir)
    if placeholders:
        count = f"{len(placeholders)} placeholder value{'s' if len(placeholders) > 1 else ''}"
        problems += [f"{command} {name}: {count} must be replaced first (docs/deploying.md, Values to replace):", *placeholders]
    if missing:
        problems.append(f"{command} {name}: missing credentials: {'; '.join(missing)} (see docs/deploying.md)")
    if problems:
        raise ConfigError("\n".join(problems))
    return name, configs, current


def cli_command(current: str, verb: str, name: str, args: Sequence[str]) -> list[str]:
    """``cdktf <verb> <name> ...``; on cdktn the CLI is told to run this interpreter (cdktf.json's app is .venv's Python)."""
    if current == "cdktf":
        return ["cdktf", verb, name, *args]
    return ["cdktn", verb, name, "--app", f"{sys.executable} main.py", *args]


def deploy(argv: Sequence[str], environ: Mapping[str, str], config_dir: Path = ENVIRONMENTS_DIR) -> int:
    """``main.py deploy <env|bootstrap> [cdktf args]``: ``preflight``, then hand over to ``cdktf deploy``.

    ``config_dir`` is for tests: the CLI synthesizes ``environments/``.
    """
    name, _, current = preflight("deploy", argv, environ, config_dir)
    record = change_record("deploy", name, environ)
    if record:
        print(record, flush=True)
    command = cli_command(current, "deploy", name, argv[1:])
    os.execvpe(command[0], command, {**environ, "PLATFORM_ENVIRONMENTS": name})
    return 0  # not reached: execvpe replaces this process

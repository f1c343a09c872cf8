#!/usr/bin/env python
"""Entry point of the platform app: dispatch to a command (``commands/``), report errors, exit.

This is the only module that reads the process environment and the command line; it hands both to
the commands. ``python main.py --help`` prints the whole interface (``commands.common.HELP``):
synthesis (the default), ``deploy``, ``plan``, ``placeholders`` and ``promote``, the environment
variables that matter and the exit codes. Configuration is validated before cdktf is imported, so bad
input fails in well under a second; every problem is reported, one line each; ``cdktf.out`` is
replaced only after a complete synthesis.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Mapping, Sequence

from commands.common import (
    BOOTSTRAP as BOOTSTRAP,
    EXIT_OK as EXIT_OK,
    EXIT_UNSAFE_PROMOTION as EXIT_UNSAFE_PROMOTION,
    EXIT_USAGE as EXIT_USAGE,
    HELP as HELP,
    exit_process,
    quiet_node_deprecations as quiet_node_deprecations,
    report,
)
from commands.credentials import (
    TFC_TOKEN as TFC_TOKEN,
    aws_profiles as aws_profiles,
    missing_bootstrap_credentials as missing_bootstrap_credentials,
    missing_deploy_credentials as missing_deploy_credentials,
)
from commands.deploy import deploy as deploy
from commands.placeholders import deploy_placeholders as deploy_placeholders, list_placeholders
from commands.plan import plan as plan
from commands.promote import promote as promote
from commands.synth import Selection as Selection, resolve as resolve, summary as summary, synth
from environments import ConfigError as ConfigError, load_all as load_all

COMMANDS = {"deploy": deploy, "plan": plan, "promote": promote, "placeholders": list_placeholders}
"""The first argument's commands; anything else is the synthesis command's arguments."""


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    """Run the app; returns the process exit status (``HELP`` lists them)."""
    environ = os.environ if environ is None else environ
    argv = sys.argv[1:] if argv is None else argv
    try:
        command = COMMANDS.get(argv[0]) if argv else None
        if command is not None:
            return command(argv[1:], environ)
        selection = resolve(argv, environ)
    except ConfigError as exc:
        return report(exc)
    except SystemExit as exc:  # --help
        return int(exc.code or 0)
    return synth(selection)


if __name__ == "__main__":
    exit_process(main())

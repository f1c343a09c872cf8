"""``main.py plan NAME``: the deploy preflight, then ``cdktf plan NAME``, summarized for reviewers.

A Terraform Cloud environment's plan is a CLI-driven speculative run in its workspace (it cannot be
applied); a local-state environment (dev) plans on this machine with its own credentials. The plan's
counts (import/add/change/destroy), and with ``--base-ref`` the promotion preview when the environment's
phase differs from the base commit's, are printed and appended as Markdown to ``--summary`` and to
``$GITHUB_STEP_SUMMARY`` (the pull-request workflow posts them: docs/operations/pipeline.md).
"""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from environments import ENVIRONMENTS_DIR, ConfigError, EnvironmentConfig

from .common import BOOTSTRAP, Parser, effective
from .deploy import change_record, cli_command, preflight

_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_COUNTS = re.compile(r"Plan: (?:(\d+) to import, )?(\d+) to add, (\d+) to change, (\d+) to destroy")
_NO_CHANGES = re.compile(r"No changes\. ")


@dataclass(frozen=True, slots=True)
class PlanCounts:
    """What a plan would do, as Terraform's ``Plan:`` line counts it."""

    add: int
    change: int
    destroy: int
    import_: int = 0

    def line(self) -> str:
        """``2 to add, 0 to change, 0 to destroy`` (imports first when there are any)."""
        imports = f"{self.import_} to import, " if self.import_ else ""
        return f"{imports}{self.add} to add, {self.change} to change, {self.destroy} to destroy"


def plan_counts(output: str) -> PlanCounts | None:
    """The counts of the last ``Plan:`` line in a plan's output; zeros for ``No changes.``; None when it has neither."""
    text = _ANSI.sub("", output)
    matches = list(_COUNTS.finditer(text))
    if matches:
        imports, add, change, destroy = matches[-1].groups()
        return PlanCounts(add=int(add), change=int(change), destroy=int(destroy), import_=int(imports or 0))
    return PlanCounts(add=0, change=0, destroy=0) if _NO_CHANGES.search(text) else None


def base_phase(ref: str, name: str, config_dir: Path) -> int | None:
    """``name``'s phase in ``environments/<name>.toml`` at git commit ``ref``; None when the file is new there.

    Read from the file's ``phase`` key only (the base commit's file was validated when it was merged).
    """
    verify = subprocess.run(["git", "-C", str(config_dir), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}"], capture_output=True, text=True)
    if verify.returncode != 0:
        raise ConfigError(f"command line plan --base-ref: must name a commit of this repository (e.g. origin/main or HEAD^1), got {ref!r}")
    shown = subprocess.run(["git", "-C", str(config_dir), "show", f"{ref}:./{name}.toml"], capture_output=True, text=True)
    if shown.returncode != 0:
        return None
    phase = tomllib.loads(shown.stdout).get("phase")
    return phase if isinstance(phase, int) else None


def promotion_lines(config: EnvironmentConfig, before: int | None) -> list[str]:
    """The promotion preview when ``config``'s phase differs from ``before`` (synthesizes twice), else nothing."""
    if before is None or before == config.phase:
        return []
    if config.phase < before:
        return [f"{config.name}: phase {before} -> {config.phase}: a lower phase removes components (a phase only adds; see docs/operations/rollback.md)"]
    from .promote import preview

    return list(preview(config.model_copy(update={"phase": before}), config.phase).lines())


def _plan_parser() -> Parser:
    parser = Parser("main.py plan", "Check like deploy, then run a speculative plan of one stack and summarize it.")
    parser.add_argument("name", metavar="NAME", help="environment (or bootstrap) to plan")
    parser.add_argument("--base-ref", metavar="REF", help="git commit to compare the environment's phase with (promotion preview)")
    parser.add_argument("--summary", type=Path, metavar="FILE", help="append the Markdown summary to FILE")
    return parser


def markdown(name: str, counts: PlanCounts | None, status: int, record: str | None, promotion: Sequence[str]) -> list[str]:
    """The summary reviewers read: the plan's counts (or why there are none), the change record, the promotion preview."""
    if counts is not None and status == 0:
        result = f"**{counts.line()}**" + (" — destroys resources: check the plan before approving" if counts.destroy else "")
    else:
        result = f"**plan failed** (exit {status}): see the job log"
    lines = [f"### plan `{name}`", "", f"- {result}"]
    if record:
        lines.append(f"- {record}")
    if promotion:
        lines += ["", "Promotion preview:", "", "```", *promotion, "```"]
    return [*lines, ""]


def plan(argv: Sequence[str], environ: Mapping[str, str], config_dir: Path = ENVIRONMENTS_DIR) -> int:
    """``main.py plan NAME [--base-ref REF] [--summary FILE] [cdktf plan args]``; returns the CLI's exit status.

    Exit 2, with every placeholder and missing credential named, before any CLI runs or the engine is
    imported (``preflight``, shared with ``deploy``). ``config_dir`` is for tests.
    """
    args, rest = _plan_parser().parse_known_args(argv)
    name, configs, current = preflight("plan", [args.name], environ, config_dir)
    before = base_phase(args.base_ref, name, config_dir) if args.base_ref and name != BOOTSTRAP else None
    record = change_record("plan", name, environ)
    if record:
        print(record, flush=True)
    command = cli_command(current, "plan", name, rest)
    process = subprocess.Popen(command, env={**environ, "PLATFORM_ENVIRONMENTS": name}, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    captured = []
    for line in process.stdout:  # streamed: the job log shows the run's URL while it runs
        sys.stdout.write(line)
        captured.append(line)
    status = process.wait()
    promotion = promotion_lines(effective(configs[name], environ), before) if name != BOOTSTRAP else []
    for line in promotion:
        print(line)
    counts = plan_counts("".join(captured))
    print(f"plan {name}: {counts.line() if counts and status == 0 else f'failed (exit {status})'}")
    text = "\n".join(markdown(name, counts, status, record, promotion)) + "\n"
    for target in (args.summary, Path(environ["GITHUB_STEP_SUMMARY"]) if environ.get("GITHUB_STEP_SUMMARY") else None):
        if target is not None:
            with target.open("a", encoding="utf-8") as handle:
                handle.write(text)
    return status

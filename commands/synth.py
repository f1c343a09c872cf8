"""The default command: synthesize the selected environments (and the bootstrap stack) into ``cdktf.out``."""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from environments import ENVIRONMENTS_DIR, ConfigError, EnvironmentConfig, load_all
from environments.placeholders import find_placeholders

from .common import BOOTSTRAP, EXIT_OK, NO_BOOTSTRAP_ON_CDKTN, Parser, effective, engine, pick_environments, pick_phase, quiet_node_deprecations, report


def _synth_parser() -> Parser:
    parser = Parser("main.py", "Synthesize, deploy, plan or preview the promotion of the platform stacks.")
    parser.add_argument("--env", action="append", dest="envs", metavar="NAME", help="environment to synthesize (repeatable; default: all, and bootstrap)")
    parser.add_argument("--phase", help="preview this phase (1..4) instead of each environment's own")
    parser.add_argument("--outdir", type=Path, help="output folder (default: $CDKTF_OUTDIR or cdktf.out)")
    parser.add_argument("--config-dir", type=Path, default=ENVIRONMENTS_DIR, help="folder of <name>.toml files (default: environments/)")
    parser.add_argument("--quiet", action="store_true", help="print nothing on success (warnings and errors still go to stderr)")
    return parser


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
    """The default selection on cdktn: the bootstrap stack is left out (its tfe provider is cdktf-only)."""
    config_dir: Path = ENVIRONMENTS_DIR
    """The folder the environment files were read from (the summary's placeholder hint names it)."""


def resolve(argv: Sequence[str], environ: Mapping[str, str]) -> Selection:
    """The validated configs to synthesize and the output folder, from arguments and environment."""
    args = _synth_parser().parse_args(argv)
    configs = load_all(args.config_dir)
    known = list(configs)
    current = engine()
    if args.envs:
        names = pick_environments(args.envs, "command line --env", known)
    elif environ.get("PLATFORM_ENVIRONMENTS", "").strip():
        names = pick_environments([environ["PLATFORM_ENVIRONMENTS"]], "environment PLATFORM_ENVIRONMENTS", known)
    else:
        names = [*known, BOOTSTRAP] if current == "cdktf" else known  # bootstrap needs the tfe provider: cdktf only
    skipped = not args.envs and not environ.get("PLATFORM_ENVIRONMENTS", "").strip() and BOOTSTRAP not in names
    if BOOTSTRAP in names and current != "cdktf":
        raise ConfigError(NO_BOOTSTRAP_ON_CDKTN)
    phase: int | None = None
    if args.phase is not None:
        phase = pick_phase(args.phase, "command line --phase")
    elif environ.get("PLATFORM_PHASE", "").strip():
        phase = pick_phase(environ["PLATFORM_PHASE"], "environment PLATFORM_PHASE")
    selected = [effective(configs[name], environ, phase) for name in names if name != BOOTSTRAP]
    bootstrap = [effective(config, environ) for config in configs.values()] if BOOTSTRAP in names else []
    outdir = args.outdir or Path(environ.get("CDKTF_OUTDIR") or "cdktf.out")
    return Selection(configs=selected, bootstrap=bootstrap, outdir=outdir, quiet=args.quiet, bootstrap_skipped=skipped, config_dir=args.config_dir)


def _placeholders_command(name: str, config_dir: Path) -> str:
    where = "" if config_dir == ENVIRONMENTS_DIR else f" --config-dir {config_dir}"
    return f"python main.py placeholders {name}{where}"


def summary(selection: Selection) -> list[str]:
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
        lines.append(f"{BOOTSTRAP}: skipped on {engine()} (no prebuilt TFE provider; synthesize and deploy it on cdktf, docs/engines.md)")
    return lines


def synth(selection: Selection) -> int:
    """Synthesize ``selection`` (the jsii runtime is imported only now); print warnings and the summary."""
    quiet_node_deprecations(os.environ)
    from constructs_lib.errors import ConstructError
    from stacks.app import synthesize

    try:
        warnings = synthesize(selection.configs, selection.outdir, bootstrap=selection.bootstrap)
    except ConstructError as exc:
        # One line per problem: a failed guardrail run reports each finding on its own line.
        return report(exc)
    for line in warnings:
        print(f"warning: {line}", file=sys.stderr)
    if not selection.quiet:
        for line in summary(selection):
            print(line)
    return EXIT_OK

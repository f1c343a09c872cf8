"""``main.py promote``: what promoting an environment to a higher phase adds; exit 3 if it would remove or replace."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from environments import ENVIRONMENTS_DIR, ConfigError, EnvironmentConfig, load_all

from .common import BOOTSTRAP, EXIT_OK, EXIT_UNSAFE_PROMOTION, Parser, effective, pick_environments, pick_phase, quiet_node_deprecations

if TYPE_CHECKING:
    from stacks.promotion import Promotion


def _promote_parser() -> Parser:
    parser = Parser("main.py promote", "Preview what promoting an environment to a higher phase changes.")
    parser.add_argument("name", metavar="NAME", help="environment to promote")
    parser.add_argument("--to", required=True, dest="target", metavar="N", help="target phase (higher than the file's phase)")
    parser.add_argument("--json", action="store_true", help="machine-readable output for CI")
    parser.add_argument("--config-dir", type=Path, default=ENVIRONMENTS_DIR, help="folder of <name>.toml files (default: environments/)")
    return parser


def preview(config: EnvironmentConfig, target: int) -> Promotion:
    """Synthesize ``config`` at its phase and at ``target`` in this process and compare (imports the engine)."""
    quiet_node_deprecations(os.environ)
    from stacks.app import synthesize
    from stacks.promotion import diff, with_costs

    documents = {}
    with tempfile.TemporaryDirectory(prefix="promote-") as work:
        for phase in (config.phase, target):
            outdir = Path(work) / f"phase{phase}"
            synthesize([config.model_copy(update={"phase": phase})], outdir)
            documents[phase] = json.loads((outdir / "stacks" / config.name / "cdk.tf.json").read_text())
    return with_costs(diff(config.name, config.phase, documents[config.phase], target, documents[target]), config)


def promote(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """``main.py promote NAME --to N [--json]``: what promoting NAME to phase N adds; exit 3 if it would remove or replace."""
    args = _promote_parser().parse_args(argv)
    configs = load_all(args.config_dir)
    (name,) = pick_environments([args.name], "command line promote", list(configs))
    if name == BOOTSTRAP:
        raise ConfigError(f"command line promote: {BOOTSTRAP} has no phase; promote an environment, one of {', '.join(configs)}")
    target = pick_phase(args.target, "command line promote --to")
    config = effective(configs[name], environ)
    if target <= config.phase:
        raise ConfigError(
            f"command line promote --to: phase must be higher than {name}'s current phase {config.phase} "
            f"(a promotion only adds; environments/{name}.toml sets the phase), got {target}"
        )
    promotion = preview(config, target)
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

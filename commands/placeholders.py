"""``main.py placeholders``: the example values ``deploy`` (and ``plan``) refuse, one line each."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path

from environments import ENVIRONMENTS_DIR, EnvironmentConfig, load_all
from environments.placeholders import BOOTSTRAP_DEFERRED, BOOTSTRAP_SECTIONS, environment_source, placeholder_lines

from .common import BOOTSTRAP, EXIT_OK, Parser, effective, pick_environments


def deploy_placeholders(name: str, configs: Mapping[str, EnvironmentConfig], environ: Mapping[str, str], directory: Path = ENVIRONMENTS_DIR) -> list[str]:
    """The placeholder values ``deploy <name>`` refuses, one line each (``environments.placeholders``).

    An environment: every value of its file (as the process environment overrides it). ``bootstrap``:
    the keys the bootstrap stack applies (``BOOTSTRAP_SECTIONS``) of every environment that uses Terraform
    Cloud, except the agent's egress address, which exists only after that apply (``BOOTSTRAP_DEFERRED``).
    """
    if name != BOOTSTRAP:
        return placeholder_lines(effective(configs[name], environ), environment_source(directory, name))
    lines = []
    for config in configs.values():
        current = effective(config, environ)
        if current.terraform_cloud is not None:
            lines += placeholder_lines(current, environment_source(directory, config.name), BOOTSTRAP_SECTIONS, deferred=BOOTSTRAP_DEFERRED)
    return lines


def _placeholders_parser() -> Parser:
    parser = Parser("main.py placeholders", "List the placeholder values that deploy refuses.")
    parser.add_argument("names", nargs="*", metavar="NAME", help="environments to check (default: all)")
    parser.add_argument("--config-dir", type=Path, default=ENVIRONMENTS_DIR, help="folder of <name>.toml files (default: environments/)")
    return parser


def list_placeholders(argv: Sequence[str], environ: Mapping[str, str]) -> int:
    """``main.py placeholders [NAME]...``: every placeholder value of each environment, one line each; exit 0."""
    args = _placeholders_parser().parse_args(argv)
    configs = load_all(args.config_dir)
    names = pick_environments(args.names, "command line placeholders", list(configs)) if args.names else list(configs)
    for name in names:
        lines = deploy_placeholders(name, configs, environ, args.config_dir)
        for line in lines or [f"{name}: no placeholder values"]:
            print(line)
    return EXIT_OK

"""Load and validate ``environments/<env>.toml`` into frozen ``EnvironmentConfig`` objects.

Errors are ``ConfigError`` with one line naming the file, the field, the bad value and
what is allowed, e.g. ``environments/dev.toml: az_count must be 1..6, got 9``.
"""

from __future__ import annotations

import itertools
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pydantic

from .config import ENVIRONMENT_NAMES, EnvironmentConfig

ENVIRONMENTS_DIR = Path(__file__).resolve().parent


class ConfigError(Exception):
    """An environment file (or a command-line choice) is invalid; the message is one line."""


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd()))
    except ValueError:
        return str(path)


def _format(source: str, error: Mapping[str, Any]) -> str:
    field = ".".join(str(part) for part in error["loc"])
    message: str = error["msg"]
    kind: str = error["type"]
    value = error.get("input")
    if kind == "value_error":
        message = message.removeprefix("Value error, ")
        if not field or message.startswith(f"{field}."):  # a rule across fields words its whole message
            return f"{source}: {message}"
        return f"{source}: {field} must be {message}, got {value!r}"
    if kind == "extra_forbidden":
        return f"{source}: {field} is not a known key (allowed: {error['ctx_allowed']}), got {value!r}"
    if kind == "missing":
        return f"{source}: {field} is required"
    message = message.replace("Input should be", "must be").replace("String should", "must")
    return f"{source}: {field} {message}, got {value!r}"


def _allowed_keys(model: type[pydantic.BaseModel], loc: tuple[Any, ...]) -> str:
    for part in loc[:-1]:
        annotation = model.model_fields[str(part)].annotation
        model = next(a for a in getattr(annotation, "__args__", (annotation,)) if a is not type(None))
    return ", ".join(model.model_fields)


def parse_environment(data: Mapping[str, Any], source: str) -> EnvironmentConfig:
    """Validate one already-parsed document; ``source`` names it in errors."""
    try:
        return EnvironmentConfig.model_validate(data)
    except pydantic.ValidationError as exc:
        error = dict(exc.errors(include_url=False)[0])
        if error["type"] == "extra_forbidden":
            error["ctx_allowed"] = _allowed_keys(EnvironmentConfig, error["loc"])
        raise ConfigError(_format(source, error)) from None


def load_environment(path: Path) -> EnvironmentConfig:
    """Read and validate one environment file; its ``name`` must match the file name."""
    source = _display(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{source}: cannot be read ({exc.strerror})") from None
    if not raw.strip():
        raise ConfigError(f"{source}: is empty; it must be a TOML table with name, phase, aws_region, ...")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: is not valid TOML ({exc})") from None
    config = parse_environment(data, source)
    if config.name != path.stem:
        raise ConfigError(f"{source}: name must match the file name {path.stem!r}, got {config.name!r}")
    return config


def check_bucket_names(config: EnvironmentConfig, source: str) -> None:
    """Every bucket the environment can ever have (each phase, its replica and access-log buckets) gets a valid name.

    Names are ``<project>-<env>-<purpose>[-replica]-<account id>``: bucket names are global, and
    the account id makes them unique by construction, so the stem may have at most 50 characters.
    """
    # The phase plan is plain data (no cdktf import); every phase's buckets are checked, so a
    # later promotion cannot fail on a name.
    from constructs_lib._validation import check_account_bucket_stem
    from stacks.phases import BUCKETS

    replica = config.s3.replica_region is not None
    stems = [f"{config.project}-{config.name}-{bucket.purpose}{'-replica' if replica else ''}" for bucket in BUCKETS]
    stems.append(f"{config.project}-{config.name}-access-logs")
    if replica:
        stems.append(f"{config.project}-{config.name}-access-logs-{config.s3.replica_region}")
    for stem in stems:
        try:
            check_account_bucket_stem(stem)
        except ValueError as exc:
            raise ConfigError(f"{source}: project and name must leave room for the bucket name {stem}-<account id>: {exc}") from None


def check_service_references(config: EnvironmentConfig, source: str) -> None:
    """Service names in the environment file exist in the phase plan and own a database."""
    from stacks.phases import SERVICES  # plain data, no cdktf import

    owners = [spec.name for spec in SERVICES if spec.owns_database]
    for name in config.neon.replica_readers or ():
        if name not in owners:
            raise ConfigError(f"{source}: neon.replica_readers must name services that own a database ({', '.join(owners)}), got {name!r}")


def check_backups(config: EnvironmentConfig, source: str) -> None:
    """A production environment names who can restore its off-site backups."""
    if config.guardrails.production and config.backups.restore_reader_arn is None:
        raise ConfigError(
            f"{source}: backups.restore_reader_arn is required when guardrails.production is true "
            "(an IAM role ARN such as arn:aws:iam::123456789012:role/backup-restore; without it nobody can decrypt the dumps)"
        )


def check_across(configs: Iterable[EnvironmentConfig], sources: Mapping[str, str]) -> None:
    """Rules between environments: VPC CIDRs must not overlap; one owner per Cloudflare zone."""
    configs = list(configs)
    for first, second in itertools.combinations(configs, 2):
        if first.vpc_network.overlaps(second.vpc_network):
            raise ConfigError(
                f"{sources[second.name]}: vpc_cidr must not overlap {first.name}'s {first.vpc_cidr}, "
                f"got {second.vpc_cidr!r}"
            )
    for domain in dict.fromkeys(c.domain for c in configs):
        sharing = [c for c in configs if c.domain == domain]
        owners = [c for c in sharing if c.cloudflare.manage_zone]
        if len(owners) != 1:
            last = (owners or sharing)[-1]
            raise ConfigError(
                f"{sources[last.name]}: cloudflare.manage_zone must be true in exactly one environment of zone {domain} "
                f"(zone-wide settings and rulesets exist once per zone), got owners {[c.name for c in owners]!r}"
            )
        owner = owners[0].cloudflare.zone_wide()
        for config in sharing:
            for key, value in config.cloudflare.zone_wide().items():
                if value != owner[key]:
                    raise ConfigError(
                        f"{sources[config.name]}: cloudflare.{key} must equal {owners[0].name}'s {owner[key]!r} "
                        f"(it owns zone {domain}), got {value!r}"
                    )


def load_all(directory: Path = ENVIRONMENTS_DIR) -> dict[str, EnvironmentConfig]:
    """Load every known environment file in ``directory``, validated alone and together."""
    configs: dict[str, EnvironmentConfig] = {}
    sources: dict[str, str] = {}
    for name in ENVIRONMENT_NAMES:
        path = directory / f"{name}.toml"
        if not path.exists():
            raise ConfigError(f"{_display(path)}: is missing; every environment ({', '.join(ENVIRONMENT_NAMES)}) needs a file")
        configs[name] = load_environment(path)
        sources[name] = _display(path)
        check_bucket_names(configs[name], sources[name])
        check_service_references(configs[name], sources[name])
        check_backups(configs[name], sources[name])
    for stray in sorted(directory.glob("*.toml")):
        if stray.stem not in ENVIRONMENT_NAMES:
            raise ConfigError(f"{_display(stray)}: environment name must be one of {', '.join(ENVIRONMENT_NAMES)}, got {stray.stem!r}")
    check_across(configs.values(), sources)
    return configs

"""Load and validate ``environments/<env>.toml`` into frozen ``EnvironmentConfig`` objects.

Errors are ``ConfigError`` with one line naming the file, the field, the bad value and
what is allowed, e.g. ``environments/dev.toml: az_count must be 1..6, got 9``.
"""

from __future__ import annotations

import dataclasses
import itertools
import re
import tomllib
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import pydantic

from constructs_lib.value_rules import check_account_bucket_stem
from platform_plan.phases import BUCKETS, SERVICES

from .config import ENVIRONMENT_NAME_PATTERN, RESERVED_NAMES, EnvironmentConfig

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
    if kind in _UNKNOWN_KEY:
        if field in RENAMED_KEYS:
            return f"{source}: {field} was renamed: write {RENAMED_KEYS[field]} (same values; CHANGELOG.md), got {value!r}"
        return f"{source}: {field} is not a known key (allowed: {error['ctx_allowed']}), got {value!r}"
    if kind == "missing":
        return f"{source}: {field} is required"
    message = message.replace("Input should be", "must be").replace("String should", "must")
    return f"{source}: {field} {message}, got {value!r}"


RENAMED_KEYS: Mapping[str, str] = {
    "audit.https_endpoints": "audit.alert_https_endpoints",
    "account.admin_group": "account.admin_group_name",
}
"""Keys an earlier release read, and their new name: a file that still uses one is told the new key (CHANGELOG)."""

_UNKNOWN_KEY = ("extra_forbidden", "unexpected_keyword_argument")
"""How pydantic reports an unknown key: of a model section, of a section that is a library settings dataclass."""


def _section_type(annotation: Any) -> type:
    return next(
        a for a in getattr(annotation, "__args__", (annotation,)) if isinstance(a, type) and (issubclass(a, pydantic.BaseModel) or dataclasses.is_dataclass(a))
    )


def _allowed_keys(model: type[pydantic.BaseModel], loc: tuple[Any, ...]) -> str:
    section: type = model
    for part in loc[:-1]:  # only model sections hold sections
        assert issubclass(section, pydantic.BaseModel)
        section = _section_type(section.model_fields[str(part)].annotation)
    if dataclasses.is_dataclass(section):
        return ", ".join(field.name for field in dataclasses.fields(section))
    return ", ".join(section.model_fields)  # type: ignore[attr-defined]


def _problem_lines(source: str, exc: pydantic.ValidationError) -> list[str]:
    lines = []
    for raw in exc.errors(include_url=False):
        error: dict[str, Any] = dict(raw)
        if error["type"] in _UNKNOWN_KEY:
            error["ctx_allowed"] = _allowed_keys(EnvironmentConfig, error["loc"])
        if error["type"] == "value_error" and "\n" in error["msg"]:
            # A section's rules report every broken rule at once, one per line.
            for message in error["msg"].removeprefix("Value error, ").split("\n"):
                lines.append(_format(source, {**error, "msg": message}))
        else:
            lines.append(_format(source, error))
    return lines


def problems(source: str, lines: list[str]) -> ConfigError:
    """One error for one problem; ``N problems in <source>:`` and a line each for several."""
    if len(lines) == 1:
        return ConfigError(lines[0])
    return ConfigError("\n".join([f"{len(lines)} problems in {source}:", *lines]))


def parse_environment(data: Mapping[str, Any], source: str, *, name: str | None = None) -> EnvironmentConfig:
    """Validate one already-parsed document; ``source`` names it in errors, ``name`` (the file's) is the environment's."""
    document = dict(data) if name is None else {**data, "name": name}
    try:
        return EnvironmentConfig.model_validate(document)
    except pydantic.ValidationError as exc:
        raise problems(source, _problem_lines(source, exc)) from None


def environment_name(path: Path) -> str:
    """The environment's name: the file name without ``.toml``, validated."""
    name = path.stem
    if not re.fullmatch(ENVIRONMENT_NAME_PATTERN, name):
        raise ConfigError(
            f"{_display(path)}: environment name (the file name) must be a lowercase letter, then lowercase letters, "
            f"digits or '-', at most 20 characters, got {name!r}"
        )
    if name in RESERVED_NAMES:
        raise ConfigError(f"{_display(path)}: environment name must not be one the app reserves ({', '.join(RESERVED_NAMES)}), got {name!r}")
    return name


def load_environment(path: Path) -> EnvironmentConfig:
    """Read and validate one environment file; the environment is named after the file."""
    source = _display(path)
    name = environment_name(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{source}: cannot be read ({exc.strerror})") from None
    if not raw.strip():
        raise ConfigError(f"{source}: is empty; it must be a TOML table with phase, aws_region, ...")
    try:
        data = tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{source}: is not valid TOML ({exc})") from None
    if "name" in data:
        raise ConfigError(f"{source}: name is not a key: the environment's name is its file name ({name!r}), got {data['name']!r}")
    return parse_environment(data, source, name=name)


def check_bucket_names(config: EnvironmentConfig, source: str) -> None:
    """Every bucket the environment can ever have (each phase, its replica and access-log buckets) gets a valid name.

    Names are ``<project>-<env>-<purpose>[-replica]-<account id>``: bucket names are global, and
    the account id makes them unique by construction, so the stem may have at most 50 characters.
    """
    # Every phase's buckets are checked, so a later promotion cannot fail on a name.
    replica = config.s3.replica_region is not None
    stems = [f"{config.name_prefix}-{bucket.purpose}{'-replica' if replica else ''}" for bucket in BUCKETS]
    stems.append(f"{config.name_prefix}-access-logs")
    if replica:
        stems.append(f"{config.name_prefix}-access-logs-{config.s3.replica_region}")
    for stem in stems:
        try:
            check_account_bucket_stem(stem)
        except ValueError as exc:
            raise ConfigError(f"{source}: project and name must leave room for the bucket name {stem}-<account id>: {exc}") from None


def check_service_references(config: EnvironmentConfig, source: str) -> None:
    """Service names in the environment file exist in the phase plan and may have what they are given:
    ``[neon] replica_readers`` own a database, ``[field_encryption] raw_key_services`` encrypt PHI fields."""
    owners = [spec.name for spec in SERVICES if spec.owns_database]
    encrypting = [spec.name for spec in SERVICES if spec.encrypts_fields]
    lines = [
        f"{source}: neon.replica_readers must name services that own a database ({', '.join(owners)}), got {name!r}"
        for name in config.neon.replica_readers or ()
        if name not in owners
    ]
    lines += [
        f"{source}: field_encryption.raw_key_services must name services that encrypt PHI fields, each for its own key ({', '.join(encrypting)}), got {name!r}"
        for name in config.field_encryption.raw_key_services
        if name not in encrypting
    ]
    if lines:
        raise problems(source, lines)


def check_backups(config: EnvironmentConfig, source: str) -> None:
    """A production environment names who can restore its off-site backups."""
    if config.guardrails.production and config.backups.restore_reader_arn is None:
        raise ConfigError(
            f"{source}: backups.restore_reader_arn is required when guardrails.production is true "
            "(an IAM role ARN such as arn:aws:iam::123456789012:role/backup-restore; without it nobody can decrypt the dumps)"
        )


def across_problems(configs: Iterable[EnvironmentConfig], sources: Mapping[str, str]) -> list[str]:
    """Rules between environment files, one line per conflict (all of them).

    VPC CIDRs must not overlap; names that must be unique stay unique (public hostnames, bucket
    and Neon project names, Terraform Cloud workspaces); one owner per Cloudflare zone whose
    zone-wide values the others repeat; one Terraform Cloud organization and workspace prefix
    (the bootstrap stack manages them together); no AWS account shared by two Terraform Cloud
    environments (the bootstrap stack creates each one's OIDC provider for HCP Terraform, of which
    an account holds one per issuer).
    """
    configs = list(configs)
    lines: list[str] = []
    remote = [c for c in configs if c.terraform_cloud is not None]
    for config in remote[1:]:
        lead, tfc = remote[0].terraform_cloud, config.terraform_cloud
        assert lead is not None and tfc is not None
        for key in ("organization", "workspace_prefix"):
            if getattr(tfc, key) != getattr(lead, key):
                lines.append(
                    f"{sources[config.name]}: terraform_cloud.{key} must equal {remote[0].name}'s {getattr(lead, key)!r} "
                    f"(one bootstrap stack manages every workspace), got {getattr(tfc, key)!r}"
                )
    for first, second in itertools.combinations(remote, 2):
        shared = sorted(set(first.aws_account_ids) & set(second.aws_account_ids))
        if shared:
            lines.append(
                f"{sources[second.name]}: aws_account_ids must not share an account with {first.name} when both use Terraform Cloud "
                f"(the bootstrap stack creates each environment's OIDC trust for HCP Terraform, one per account), got {shared!r}"
            )
    for first, second in itertools.combinations(configs, 2):
        if first.vpc_network.overlaps(second.vpc_network):
            lines.append(f"{sources[second.name]}: vpc_cidr must not overlap {first.name}'s {first.vpc_cidr}, got {second.vpc_cidr!r}")
        if first.public_domain == second.public_domain:
            lines.append(
                f"{sources[second.name]}: public hostnames must differ from {first.name}'s: both publish under "
                f"{first.public_domain!r} (domain and dns_subdomain), got the same"
            )
        if first.name_prefix == second.name_prefix:
            lines.append(
                f"{sources[second.name]}: project and name must not repeat {first.name}'s {first.project}-{first.name!s} "
                "(bucket and Neon project names are <project>-<name>-...), got the same"
            )
    lines += account_owner_problems(configs, sources)
    for domain in dict.fromkeys(c.domain for c in configs):
        sharing = [c for c in configs if c.domain == domain]
        owners = [c for c in sharing if c.cloudflare.manage_zone]
        if len(owners) != 1:
            last = (owners or sharing)[-1]
            lines.append(
                f"{sources[last.name]}: cloudflare.manage_zone must be true in exactly one environment of zone {domain} "
                f"(zone-wide settings and rulesets exist once per zone), got owners {[c.name for c in owners]!r}"
            )
            continue
        owner = owners[0].cloudflare.zone_wide()
        for config in sharing:
            for key, value in config.cloudflare.zone_wide().items():
                if value != owner[key]:
                    lines.append(
                        f"{sources[config.name]}: cloudflare.{key} must equal {owners[0].name}'s {owner[key]!r} (it owns zone {domain}), got {value!r}"
                    )
    return lines


ACCOUNT_WIDE = "the AWS Config recorder, GuardDuty detector, Security Hub, IAM Access Analyzer account analyzer and Macie"


def account_owner_problems(configs: Iterable[EnvironmentConfig], sources: Mapping[str, str]) -> list[str]:
    """One owner per AWS account and region of the account-wide baseline, one per account of its global parts.

    Two files sharing an account id (``aws_account_ids``) must not both own the baseline in the same region
    (``account.owns_account_baseline``), both manage the account's IAM password policy, or both record AWS Config's
    global resource types (the policy and IAM exist once per account, whatever the region). Each line names both files.
    """
    configs = list(configs)
    lines: list[str] = []
    for first, second in itertools.combinations(configs, 2):
        shared = sorted(set(first.aws_account_ids) & set(second.aws_account_ids))
        if not shared:
            continue
        account = shared[0]
        a, b = first.account, second.account
        if a.owns_account_baseline and b.owns_account_baseline and first.aws_region == second.aws_region:
            lines.append(
                f"{sources[second.name]}: account.owns_account_baseline must be false while {sources[first.name]} owns the baseline of "
                f"AWS account {account} in {first.aws_region} ({ACCOUNT_WIDE} exist once per account and region), got True"
            )
        if a.manage_password_policy and b.manage_password_policy:
            lines.append(
                f"{sources[second.name]}: account.manage_password_policy must be false while {sources[first.name]} manages the IAM "
                f"password policy of AWS account {account} (one per account), got True"
            )
        records = [c for c in (first, second) if c.account.owns_account_baseline and c.detection.record_global_resources]
        if len(records) == 2 and first.aws_region != second.aws_region:
            lines.append(
                f"{sources[second.name]}: detection.record_global_resources must be false while {sources[first.name]} records AWS "
                f"Config's global resource types (IAM) of AWS account {account} in {first.aws_region} (one region per account), got True"
            )
    return lines


def environment_files(directory: Path = ENVIRONMENTS_DIR) -> list[Path]:
    """Every ``<name>.toml`` in ``directory``, sorted by name; each is one environment."""
    return sorted(directory.glob("*.toml"))


def load_all(directory: Path = ENVIRONMENTS_DIR) -> dict[str, EnvironmentConfig]:
    """Load every environment file in ``directory``, validated alone and together (sorted by name).

    Problems are collected across all files and reported together, one line each.
    """
    files = environment_files(directory)
    if not files:
        raise ConfigError(f"{_display(directory)}: has no environment files (<name>.toml); add one per environment")
    configs: dict[str, EnvironmentConfig] = {}
    sources: dict[str, str] = {}
    lines: list[str] = []
    for path in files:
        try:
            config = load_environment(path)
            check_bucket_names(config, _display(path))
            check_service_references(config, _display(path))
            check_backups(config, _display(path))
        except ConfigError as exc:
            lines += [line for line in str(exc).splitlines() if not line.endswith(" problems in " + _display(path) + ":")]
            continue
        configs[config.name] = config
        sources[config.name] = _display(path)
    if not lines:
        lines = across_problems(configs.values(), sources)
    if lines:
        raise problems(_display(directory) if len({line.split(":", 1)[0] for line in lines}) > 1 else lines[0].split(":", 1)[0], lines)
    return configs

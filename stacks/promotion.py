"""What promoting an environment to a higher phase changes, read from two synthesized stacks.

Pure data (no cdktf import): ``diff`` compares the ``cdk.tf.json`` of an environment at its
current phase with the same environment at the target phase. A promotion must only add
(platform_plan/phases.py): a resource address that disappears, or an attribute that forces
replacement and changes, is a blocker. Force-new attributes come from the Neon and Railway
schemas the bindings are generated from (``x-force-new``) and, for AWS and Cloudflare, from a
table of the attributes our constructs set that the providers document as forcing
replacement; a change to any other attribute is an in-place update (listed, not blocking).
"""

from __future__ import annotations

import dataclasses
import json
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from environments import EnvironmentConfig

_SCHEMAS = Path(__file__).resolve().parent.parent / "constructs_lib" / "providers"

FORCE_NEW: Mapping[str, frozenset[str]] = {
    "aws_s3_bucket": frozenset({"bucket", "bucket_prefix", "object_lock_enabled"}),
    "aws_kms_key": frozenset({"customer_master_key_spec", "key_usage", "multi_region"}),
    "aws_kms_alias": frozenset({"name", "name_prefix"}),
    "aws_iam_role": frozenset({"name", "name_prefix", "path"}),
    "aws_iam_policy": frozenset({"name", "name_prefix", "path", "description"}),
    "aws_iam_access_key": frozenset({"user", "pgp_key"}),
    "aws_cloudtrail": frozenset({"name"}),
    "aws_sns_topic": frozenset({"name", "name_prefix", "fifo_topic"}),
    "aws_cloudwatch_log_group": frozenset({"name", "name_prefix"}),
    "aws_cloudwatch_log_metric_filter": frozenset({"log_group_name"}),
    "aws_vpc": frozenset({"cidr_block", "instance_tenancy"}),
    "aws_subnet": frozenset({"vpc_id", "cidr_block", "availability_zone"}),
    "aws_route_table": frozenset({"vpc_id"}),
    "aws_nat_gateway": frozenset({"subnet_id", "allocation_id", "connectivity_type"}),
    "aws_vpc_endpoint": frozenset({"vpc_id", "service_name", "vpc_endpoint_type"}),
    "aws_s3_bucket_policy": frozenset({"bucket"}),
    "aws_s3_bucket_versioning": frozenset({"bucket"}),
    "aws_s3_bucket_server_side_encryption_configuration": frozenset({"bucket"}),
    "aws_s3_bucket_public_access_block": frozenset({"bucket"}),
    "aws_s3_bucket_logging": frozenset({"bucket"}),
    "aws_s3_bucket_object_lock_configuration": frozenset({"bucket"}),
    "aws_s3_bucket_replication_configuration": frozenset({"bucket"}),
    "cloudflare_dns_record": frozenset({"zone_id"}),
    "cloudflare_ruleset": frozenset({"zone_id", "account_id", "kind", "phase"}),
    "cloudflare_zone_setting": frozenset({"zone_id", "setting_id"}),
}
"""AWS and Cloudflare attributes (as our constructs write them) that force replacement when they change."""

COST_BEARING: Mapping[str, str] = {
    "aws_nat_gateway": "NAT gateway (hourly + per GB processed)",
    "aws_eip": "Elastic IP (hourly while allocated)",
    "aws_vpc_endpoint": "VPC endpoint (interface endpoints hourly; gateway endpoints free)",
    "aws_kms_key": "KMS key (monthly per key)",
    "neon_project": "Neon project computes (per CU-hour)",
    "neon_endpoint": "Neon compute (per CU-hour while running)",
    "railway_service": "Railway service (per replica, CPU and memory)",
    "aws_cloudtrail": "CloudTrail data events (per 100k events)",
}
"""Resource types that cost money to run, flagged in a promotion preview."""


@cache
def _schema_force_new() -> dict[str, frozenset[str]]:
    found: dict[str, frozenset[str]] = {}
    for provider in ("neon", "railway"):
        document = json.loads((_SCHEMAS / provider / "schema.json").read_text())
        for schema in document["provider_schemas"].values():
            for rtype, spec in schema.get("resource_schemas", {}).items():
                block = spec["block"]
                names = {name for name, attr in block.get("attributes", {}).items() if attr.get("x-force-new")}
                names |= {name for name, nested in block.get("block_types", {}).items() if nested.get("x-force-new")}
                found[rtype] = frozenset(names)
    return found


def force_new(resource_type: str) -> frozenset[str]:
    """The attributes of ``resource_type`` whose change replaces the resource (as far as known)."""
    return FORCE_NEW.get(resource_type) or _schema_force_new().get(resource_type, frozenset())


@dataclass(frozen=True, slots=True)
class Change:
    """One resource address in the comparison."""

    address: str
    """``type.name`` (``data.type.name`` for a data source)."""
    construct: str
    """The top-level construct below the stack (``Bucket-medical-documents``, ``Network``, ...)."""
    attributes: tuple[str, ...] = ()
    """Changed attributes (updates), or the force-new ones that changed (replacements)."""

    @property
    def resource_type(self) -> str:
        return self.address.removeprefix("data.").rsplit(".", 1)[0]


@dataclass(frozen=True, slots=True)
class Promotion:
    """The difference between an environment at its current phase and at the target phase."""

    environment: str
    current_phase: int
    target_phase: int
    added: tuple[Change, ...]
    removed: tuple[Change, ...]
    replaced: tuple[Change, ...]
    updated: tuple[Change, ...]
    costs: tuple[str, ...] = field(default=())
    """One line per added cost-bearing resource type: what it is, how many, and the values that size it."""

    @property
    def safe(self) -> bool:
        """A promotion only adds (and updates in place): nothing is removed or replaced."""
        return not self.removed and not self.replaced

    def added_by_construct(self) -> dict[str, Counter[str]]:
        """Construct -> resource type -> how many are added."""
        grouped: dict[str, Counter[str]] = {}
        for change in self.added:
            grouped.setdefault(change.construct, Counter())[change.resource_type] += 1
        return grouped

    def as_json(self) -> dict[str, Any]:
        """The preview for CI (``main.py promote --json``)."""
        return {
            "environment": self.environment,
            "from_phase": self.current_phase,
            "to_phase": self.target_phase,
            "safe": self.safe,
            "added": {construct: dict(types) for construct, types in sorted(self.added_by_construct().items())},
            "added_addresses": [c.address for c in self.added],
            "removed": [c.address for c in self.removed],
            "replaced": {c.address: list(c.attributes) for c in self.replaced},
            "updated": {c.address: list(c.attributes) for c in self.updated},
            "cost_bearing": list(self.costs),
        }

    def lines(self) -> Iterator[str]:
        """The preview for people: added resources grouped by construct and type, costs, blockers."""
        yield (
            f"{self.environment}: phase {self.current_phase} -> {self.target_phase}: {len(self.added)} to add, "
            f"{len(self.updated)} to update in place, {len(self.removed)} to remove, {len(self.replaced)} to replace"
        )
        for construct, types in sorted(self.added_by_construct().items()):
            yield f"  + {construct}: " + ", ".join(f"{count} {rtype}" for rtype, count in sorted(types.items()))
        for line in self.costs:
            yield f"  $ {line}"
        for change in self.updated:
            yield f"  ~ {change.address} ({', '.join(change.attributes)})"
        for change in self.removed:
            yield f"  - {change.address} would be destroyed"
        for change in self.replaced:
            yield f"  ! {change.address} would be replaced ({', '.join(change.attributes)} forces a new resource)"


def _blocks(stack: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for section, prefix in (("resource", ""), ("data", "data.")):
        for rtype, blocks in (stack.get(section) or {}).items():
            for name, block in blocks.items():
                found[f"{prefix}{rtype}.{name}"] = block
    return found


def _construct(block: Mapping[str, Any]) -> str:
    path = str(((block.get("//") or {}).get("metadata") or {}).get("path", ""))
    parts = path.split("/")
    return parts[1] if len(parts) > 2 else "(stack)"


def _attributes(block: Mapping[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in block.items() if k != "//"}


def diff(environment: str, current_phase: int, current: Mapping[str, Any], target_phase: int, target: Mapping[str, Any]) -> Promotion:
    """Compare the two synthesized stacks of one environment."""
    before, after = _blocks(current), _blocks(target)
    added = tuple(Change(a, _construct(after[a])) for a in sorted(set(after) - set(before)))
    removed = tuple(Change(a, _construct(before[a])) for a in sorted(set(before) - set(after)))
    replaced, updated = [], []
    for address in sorted(set(before) & set(after)):
        old, new = _attributes(before[address]), _attributes(after[address])
        changed = tuple(sorted(k for k in set(old) | set(new) if old.get(k) != new.get(k)))
        if not changed:
            continue
        resource_type = address.removeprefix("data.").rsplit(".", 1)[0]
        forcing = tuple(k for k in changed if k in force_new(resource_type))
        if forcing and not address.startswith("data."):
            replaced.append(Change(address, _construct(after[address]), forcing))
        else:
            updated.append(Change(address, _construct(after[address]), changed))
    return Promotion(environment, current_phase, target_phase, added, removed, tuple(replaced), tuple(updated))


def with_costs(promotion: Promotion, config: EnvironmentConfig) -> Promotion:
    """``promotion`` with a line per added cost-bearing type and the environment values that size it."""
    sizing = {
        "aws_nat_gateway": f"[network] nat_gateways = {config.network.nat_gateways!r}, az_count = {config.az_count}",
        "aws_eip": f"one per NAT gateway ([network] nat_gateways = {config.network.nat_gateways!r})",
        "aws_vpc_endpoint": "gateway endpoints (S3, DynamoDB)",
        "aws_kms_key": "one per bucket (and replica) and per Railway service's log group, plus the audit and flow-log keys",
        "neon_project": f"[neon] compute_min_cu = {config.neon.compute_min_cu}, compute_max_cu = {config.neon.compute_max_cu}",
        "neon_endpoint": (
            f"[neon] compute_min_cu = {config.neon.compute_min_cu}, compute_max_cu = {config.neon.compute_max_cu}, "
            f"suspend_timeout_seconds = {config.neon.suspend_timeout_seconds}"
        ),
        "railway_service": f"replicas = {config.replicas} per service in [railway] region = {config.railway.region!r}",
        "aws_cloudtrail": "PHI bucket data events",
    }
    counts = Counter(change.resource_type for change in promotion.added if change.resource_type in COST_BEARING)
    costs = tuple(f"{count} {rtype}: {COST_BEARING[rtype]}; sized by {sizing[rtype]}" for rtype, count in sorted(counts.items()))
    return dataclasses.replace(promotion, costs=costs)

"""Check synthesized Terraform JSON against a provider schema (``terraform providers schema -json``).

Hand-written bindings cannot be checked by ``terraform validate`` here (no provider
downloads), so this module does the part of it that matters for them: every resource and
data block of the provider's types in a synthesized stack is compared with the schema.

    problems = check_stack(stack_dict, "constructs_lib/providers/neon/schema.json")
    assert not problems, "\\n".join(map(str, problems))

A problem names the address (``neon_project.main``, ``data.neon_branches.all``) and the
attribute path (``default_endpoint_settings[0].autoscaling_limit_min_cu``). A string
holding a Terraform expression (``${...}``) is accepted wherever a value is expected,
since its type is only known at plan time. Keys starting with ``x-`` in the schema file
are annotations and ignored. Nothing here imports cdktf.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

META_ARGUMENTS = frozenset({"//", "count", "depends_on", "for_each", "lifecycle", "provider", "provisioner", "connection"})
"""Keys Terraform (or cdktf's metadata) allows in every resource block; not part of a provider schema."""

_TOKEN = re.compile(r"\$\{.*\}", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Problem:
    """One way a synthesized block differs from the provider schema."""

    address: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.address}: {self.path}" if self.path else self.address
        return f"{where}: {self.message}"


@dataclass(frozen=True, slots=True)
class ProviderSchema:
    """The resource and data-source schemas of one provider."""

    local_name: str
    """``neon`` for ``registry.terraform.io/kislerdm/neon``: the prefix of its type names."""
    provider: Mapping[str, Any]
    """The provider configuration block."""
    resources: Mapping[str, Any]
    data_sources: Mapping[str, Any]

    @classmethod
    def load(cls, path: str | Path) -> ProviderSchema:
        """Read a ``terraform providers schema -json`` file holding exactly one provider."""
        document = json.loads(Path(path).read_text())
        schemas = document["provider_schemas"]
        if len(schemas) != 1:
            raise ValueError(f"{path}: expected one provider in provider_schemas, got {sorted(schemas)}")
        ((address, schema),) = schemas.items()
        return cls(
            local_name=address.rsplit("/", 1)[-1],
            provider=schema.get("provider", {}).get("block", {}),
            resources=schema.get("resource_schemas", {}),
            data_sources=schema.get("data_source_schemas", {}),
        )


def check_stack(stack: Mapping[str, Any], schema: ProviderSchema | str | Path) -> list[Problem]:
    """Every problem in ``stack``'s blocks whose type belongs to ``schema``'s provider."""
    provider = schema if isinstance(schema, ProviderSchema) else ProviderSchema.load(schema)
    prefix = f"{provider.local_name}_"
    problems: list[Problem] = []
    for index, config in enumerate(stack.get("provider", {}).get(provider.local_name, [])):
        config = {k: v for k, v in config.items() if k not in ("alias", "//")}
        problems += check_block(f"provider.{provider.local_name}[{index}]", "", config, provider.provider)
    for section, known, address_prefix in (
        ("resource", provider.resources, ""),
        ("data", provider.data_sources, "data."),
    ):
        for type_name, blocks in sorted(stack.get(section, {}).items()):
            if type_name != provider.local_name and not type_name.startswith(prefix):
                continue
            for name, body in sorted(blocks.items()):
                address = f"{address_prefix}{type_name}.{name}"
                if type_name not in known:
                    kind = "resource" if section == "resource" else "data source"
                    problems.append(Problem(address, "", f"unknown {kind} type {type_name!r}"))
                    continue
                body = {k: v for k, v in body.items() if k not in META_ARGUMENTS}
                problems += check_block(address, "", body, known[type_name]["block"])
    return problems


def check_block(address: str, path: str, body: Any, block: Mapping[str, Any]) -> list[Problem]:
    """Problems of one configuration object against a schema ``block``."""
    if not isinstance(body, dict):
        return [Problem(address, path, f"must be an object, got {_kind(body)}")]
    problems: list[Problem] = []
    attributes = block.get("attributes", {})
    block_types = block.get("block_types", {})
    for key, value in body.items():
        where = f"{path}.{key}" if path else key
        if key in attributes:
            problems += _check_attribute(address, where, value, attributes[key])
        elif key in block_types:
            problems += _check_nested_block(address, where, value, block_types[key])
        else:
            problems.append(Problem(address, where, "unknown attribute"))
    for key, spec in attributes.items():
        if spec.get("required") and key not in body:
            problems.append(Problem(address, f"{path}.{key}" if path else key, "required attribute is missing"))
    for key, spec in block_types.items():
        if spec.get("min_items", 0) > 0 and key not in body:
            problems.append(Problem(address, f"{path}.{key}" if path else key, "required block is missing"))
    return problems


def _check_attribute(address: str, path: str, value: Any, spec: Mapping[str, Any]) -> list[Problem]:
    if spec.get("computed") and not (spec.get("optional") or spec.get("required")):
        return [Problem(address, path, "is computed by the provider and cannot be set")]
    if value is None:
        return [Problem(address, path, "required attribute is null")] if spec.get("required") else []
    if _is_token(value):
        return []
    if "nested_type" in spec:
        return _check_nested_attribute(address, path, value, spec["nested_type"])
    return _check_type(address, path, value, spec["type"])


def _check_nested_block(address: str, path: str, value: Any, spec: Mapping[str, Any]) -> list[Problem]:
    mode = spec["nesting_mode"]
    if _is_token(value):
        return []
    if mode in ("single", "group"):
        return check_block(address, path, value, spec["block"])
    if mode == "map":
        if not isinstance(value, dict):
            return [Problem(address, path, f"block map must be an object, got {_kind(value)}")]
        return [p for k, v in value.items() for p in check_block(address, f"{path}[{k!r}]", v, spec["block"])]
    if not isinstance(value, list):
        return [Problem(address, path, f"block ({mode}) must be a list of objects, got {_kind(value)}")]
    problems = _count_items(address, path, value, spec)
    for index, item in enumerate(value):
        problems += check_block(address, f"{path}[{index}]", item, spec["block"])
    return problems


def _check_nested_attribute(address: str, path: str, value: Any, nested: Mapping[str, Any]) -> list[Problem]:
    mode = nested["nesting_mode"]
    if mode == "single":
        if isinstance(value, list):
            return [Problem(address, path, "nested attribute (single) must be an object, got a list")]
        return check_block(address, path, value, nested)
    if mode == "map":
        if not isinstance(value, dict):
            return [Problem(address, path, f"nested attribute (map) must be an object, got {_kind(value)}")]
        return [p for k, v in value.items() for p in check_block(address, f"{path}[{k!r}]", v, nested)]
    if not isinstance(value, list):
        return [Problem(address, path, f"nested attribute ({mode}) must be a list of objects, got {_kind(value)}")]
    problems = _count_items(address, path, value, nested)
    for index, item in enumerate(value):
        problems += [] if _is_token(item) else check_block(address, f"{path}[{index}]", item, nested)
    return problems


def _count_items(address: str, path: str, value: list[Any], spec: Mapping[str, Any]) -> list[Problem]:
    low, high = spec.get("min_items", 0), spec.get("max_items")
    if high is not None and len(value) > high:
        return [Problem(address, path, f"at most {high} item(s) allowed, got {len(value)}")]
    if len(value) < low:
        return [Problem(address, path, f"at least {low} item(s) required, got {len(value)}")]
    return []


def _check_type(address: str, path: str, value: Any, tf_type: Any) -> list[Problem]:
    """Problems of ``value`` against a Terraform type expression (``"string"``, ``["list", "number"]``)."""
    if _is_token(value):
        return []
    if tf_type == "dynamic":
        return []
    if tf_type in ("string", "number", "bool"):
        ok = {
            "string": isinstance(value, str),
            "number": isinstance(value, (int, float)) and not isinstance(value, bool),
            "bool": isinstance(value, bool),
        }[tf_type]
        return [] if ok else [Problem(address, path, f"must be a {tf_type}, got {_kind(value)} {value!r}")]
    kind, inner = tf_type
    if kind in ("list", "set"):
        if not isinstance(value, list):
            return [Problem(address, path, f"must be a {kind}, got {_kind(value)}")]
        return [p for i, v in enumerate(value) for p in _check_type(address, f"{path}[{i}]", v, inner)]
    if kind == "map":
        if not isinstance(value, dict):
            return [Problem(address, path, f"must be a map, got {_kind(value)}")]
        return [p for k, v in value.items() for p in _check_type(address, f"{path}[{k!r}]", v, inner)]
    if kind == "object":
        if not isinstance(value, dict):
            return [Problem(address, path, f"must be an object, got {_kind(value)}")]
        problems = [Problem(address, f"{path}.{k}", "unknown attribute") for k in value if k not in inner]
        return problems + [p for k, v in value.items() if k in inner for p in _check_type(address, f"{path}.{k}", v, inner[k])]
    if kind == "tuple":
        if not isinstance(value, list) or len(value) != len(inner):
            return [Problem(address, path, f"must be a tuple of {len(inner)}, got {_kind(value)}")]
        return [p for i, (v, t) in enumerate(zip(value, inner, strict=True)) for p in _check_type(address, f"{path}[{i}]", v, t)]
    return [Problem(address, path, f"schema type {tf_type!r} is not understood")]


def _is_token(value: Any) -> bool:
    return isinstance(value, str) and bool(_TOKEN.search(value))


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, (int, float)):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "object"
    return "null" if value is None else type(value).__name__

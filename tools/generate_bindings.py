"""Generate typed cdktf bindings from a provider schema (``terraform providers schema -json``).

Usage::

    python -m tools.generate_bindings            # rewrite constructs_lib/providers/<p>/*.py
    python -m tools.generate_bindings --check    # exit 1 when committed modules differ

For each provider in ``PROVIDERS`` it reads ``constructs_lib/providers/<p>/schema.json`` and
writes one module per resource type, one per data source, ``provider.py`` and
``__init__.py``. The shapes follow the prebuilt cdktf bindings (``neon_project`` ->
``project.Project``, data ``neon_project`` -> ``data_neon_project.DataNeonProject``);
nested blocks (SDKv2) and nested attributes (plugin framework) become frozen dataclasses.
Keys starting with ``x-`` are annotations and are ignored, except that descriptions
mention force-new and sensitive attributes.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass
from pathlib import Path

if __package__ in (None, ""):  # run as a script: make ``tools._codegen`` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tools._codegen import Attr, Nested, render_init, render_provider, render_type_module

REPO_ROOT = Path(__file__).resolve().parent.parent
PROVIDERS_DIR = REPO_ROOT / "constructs_lib" / "providers"


@dataclass(frozen=True, slots=True)
class ProviderSpec:
    """How one provider's bindings are generated."""

    name: str
    """Directory under ``constructs_lib/providers`` and the key of its pin in ``versions.py``."""
    pin: str
    """Name of the ``ProviderPin`` constant in ``constructs_lib/providers/versions.py``."""
    provider_class: str
    credential_attributes: dict[str, str]
    """Provider arguments left out of the binding -> the environment variable the provider reads instead."""


PROVIDERS = (
    ProviderSpec("neon", "NEON", "NeonProvider", {"api_key": "NEON_API_KEY"}),
    ProviderSpec("railway", "RAILWAY", "RailwayProvider", {"token": "RAILWAY_TOKEN"}),
)


def _parse_block(block: dict, *, path: str) -> tuple[list[Attr], list[Nested]]:
    attrs: list[Attr] = []
    nested: list[Nested] = []
    for name, spec in sorted(block.get("attributes", {}).items()):
        if "nested_type" in spec:
            inner = spec["nested_type"]
            sub_attrs, sub_nested = _parse_block(inner, path=f"{path}_{name}")
            nested.append(
                Nested(
                    name=name,
                    struct=_camel(f"{path}_{name}"),
                    mode=inner["nesting_mode"],
                    kind="attribute",
                    required=bool(spec.get("required")),
                    optional=bool(spec.get("optional")),
                    computed=bool(spec.get("computed")),
                    sensitive=bool(spec.get("sensitive")),
                    max_items=inner.get("max_items"),
                    description=spec.get("description", ""),
                    attrs=sub_attrs,
                    nested=sub_nested,
                )
            )
            continue
        attrs.append(
            Attr(
                name=name,
                tf_type=spec["type"],
                required=bool(spec.get("required")),
                optional=bool(spec.get("optional")),
                computed=bool(spec.get("computed")),
                sensitive=bool(spec.get("sensitive")),
                force_new=bool(spec.get("x-force-new")),
                description=spec.get("description", ""),
            )
        )
    for name, spec in sorted(block.get("block_types", {}).items()):
        sub_attrs, sub_nested = _parse_block(spec["block"], path=f"{path}_{name}")
        settable = any(not a.computed_only for a in sub_attrs) or sub_nested
        nested.append(
            Nested(
                name=name,
                struct=_camel(f"{path}_{name}"),
                mode=spec["nesting_mode"],
                kind="block",
                required=spec.get("min_items", 0) > 0,
                optional=bool(settable),
                computed=not settable,
                sensitive=False,
                max_items=spec.get("max_items"),
                description=spec["block"].get("description", spec.get("x-notes", "")),
                force_new=bool(spec.get("x-force-new")),
                attrs=sub_attrs,
                nested=sub_nested,
            )
        )
    return attrs, nested


def _camel(snake: str) -> str:
    return "".join(part[:1].upper() + part[1:] for part in snake.split("_") if part)


def _strip_prefix(type_name: str, provider: str) -> str:
    prefix = f"{provider}_"
    return type_name[len(prefix) :] if type_name.startswith(prefix) else type_name


def render_provider_modules(spec: ProviderSpec) -> dict[str, str]:
    """``{file name: source}`` of every generated module of ``spec``'s provider."""
    schema = json.loads((PROVIDERS_DIR / spec.name / "schema.json").read_text())
    ((address, provider_schema),) = schema["provider_schemas"].items()
    files: dict[str, str] = {}
    exports: list[tuple[str, list[str]]] = []
    p_attrs, _ = _parse_block(provider_schema["provider"]["block"], path=spec.provider_class)
    p_attrs = [a for a in p_attrs if a.name not in spec.credential_attributes]
    files["provider.py"] = render_provider(spec.provider_class, address, spec.pin, p_attrs, spec.credential_attributes)
    exports.append(("provider", [spec.provider_class]))
    for kind, key in (("resource", "resource_schemas"), ("data", "data_source_schemas")):
        for type_name, type_schema in sorted(provider_schema.get(key, {}).items()):
            short = _strip_prefix(type_name, spec.name)
            module = short if kind == "resource" else f"data_{type_name}"
            cls = _camel(short if kind == "resource" else f"data_{type_name}")
            attrs, nested = _parse_block(type_schema["block"], path=cls)
            source, names = render_type_module(
                kind=kind,
                type_name=type_name,
                cls=cls,
                pin=spec.pin,
                description=type_schema["block"].get("description", ""),
                attrs=attrs,
                nested=nested,
            )
            files[f"{module}.py"] = source
            exports.append((module, names))
    files["__init__.py"] = render_init(spec.name, address, exports)
    return files


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 if committed modules differ")
    args = parser.parse_args(argv)
    stale: list[str] = []
    for spec in PROVIDERS:
        target = PROVIDERS_DIR / spec.name
        wanted = render_provider_modules(spec)
        existing = {p.name for p in target.glob("*.py")}
        for name, source in sorted(wanted.items()):
            path = target / name
            if not path.exists() or path.read_text() != source:
                stale.append(str(path.relative_to(REPO_ROOT)))
                if not args.check:
                    path.write_text(source)
        for name in sorted(existing - set(wanted)):
            stale.append(str((target / name).relative_to(REPO_ROOT)))
            if not args.check:
                (target / name).unlink()
    if args.check and stale:
        print("bindings out of date (run python -m tools.generate_bindings):", *stale, sep="\n  ")
        return 1
    if not args.check:
        print(f"wrote {len(stale)} file(s)" + "".join(f"\n  {s}" for s in stale))
    return 0


if __name__ == "__main__":
    sys.exit(main())

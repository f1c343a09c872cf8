"""What differs between the two engines' synthesized JSON, and nothing else.

One set of snapshots serves both engines: they are recorded on cdktf (the default), and a cdktn
run maps its output onto cdktf's with ``as_cdktf`` before comparing. Only the values listed here
are mapped, and only when they are exactly the cdktn values: any other difference still fails.
"""

from __future__ import annotations

import copy
from typing import Any

from constructs_lib.engine import ENGINE

ENGINE_VERSIONS = {"cdktf": "0.21.0", "cdktn": "0.24.0"}
"""``//.metadata.version`` each engine writes."""

PROVIDER_PINS: dict[str, dict[str, tuple[str, str]]] = {
    # provider: engine -> (required_providers source, version) its prebuilt bindings write
    "aws": {"cdktf": ("aws", "6.25.0"), "cdktn": ("hashicorp/aws", "6.69.1")},
    "cloudflare": {"cdktf": ("cloudflare/cloudflare", "5.14.0"), "cdktn": ("cloudflare/cloudflare", "5.28.0")},
    "postgresql": {"cdktf": ("cyrilgdn/postgresql", "1.26.0"), "cdktn": ("cyrilgdn/postgresql", "1.27.0")},
    "random": {"cdktf": ("hashicorp/random", "3.7.2"), "cdktn": ("hashicorp/random", "3.9.1")},
}
"""The prebuilt providers' pins per engine (cdktf-cdktf-provider-* 21.22.1/13.9.1/12.1.1/12.0.1 and
cdktn-provider-* 25.8.1/16.4.0/15.0.0/15.0.1). Neon and Railway are ours: the same on both engines."""


def as_cdktf(document: dict[str, Any], engine: str = ENGINE) -> dict[str, Any]:
    """``document`` as cdktf would have written it: metadata version and prebuilt provider pins mapped."""
    if engine == "cdktf":
        return document
    mapped = copy.deepcopy(document)
    metadata = mapped.get("//", {}).get("metadata", {})
    if metadata.get("version") == ENGINE_VERSIONS[engine]:
        metadata["version"] = ENGINE_VERSIONS["cdktf"]
    for name, pin in mapped.get("terraform", {}).get("required_providers", {}).items():
        pins = PROVIDER_PINS.get(name)
        if pins is not None and (pin.get("source"), pin.get("version")) == pins[engine]:
            pin["source"], pin["version"] = pins["cdktf"]
    return mapped

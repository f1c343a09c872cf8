"""The one seam between the library and its CDK engine.

Two engines run the same constructs and stacks:

- ``cdktf``: CDK for Terraform 0.21 (archived 2025-12-10) with its prebuilt providers, the default;
- ``cdktn``: CDK Terrain, its maintained fork, with prebuilt providers that track upstream.

Every engine class the library (and the app) uses is imported from this package: the core classes
from ``constructs_lib.engine.core`` (``App``, ``TerraformStack``, ``Token`` ...) and the provider
classes from ``constructs_lib.engine.aws``, ``.cloudflare``, ``.postgresql``, ``.random`` and
``.tfe``. Those modules are generated (``tools/generate_engine_seam.py`` from
``tools/engine_seam.toml``); each imports the same names from one engine or the other.

Which engine: ``HEALTHCARE_CDK_ENGINE=cdktf|cdktn``; unset, ``cdktf`` if it is installed, else
``cdktn``. Install one with the wheel's extras: ``healthcare-constructs[cdktf]`` or ``[cdktn]``.

Static typing checks one engine per run: ``mypy`` (pyproject's ``always_false = ["CDKTN"]``: cdktf)
or ``mypy --config-file mypy-cdktn.ini`` (``always_true = CDKTN``: cdktn).
"""

from __future__ import annotations

import importlib.util
import os
from collections.abc import Mapping
from typing import Final, Literal

ENGINES: Final = ("cdktf", "cdktn")
ENGINE_VARIABLE: Final = "HEALTHCARE_CDK_ENGINE"


class EngineNotInstalledError(ImportError):
    """The selected engine (or any engine) is not installed, or a provider has no build for it."""


def _select(environ: Mapping[str, str] = os.environ) -> Literal["cdktf", "cdktn"]:
    requested = environ.get(ENGINE_VARIABLE, "")
    if requested == "cdktf" or (not requested and importlib.util.find_spec("cdktf") is not None):
        engine: Literal["cdktf", "cdktn"] = "cdktf"
    elif requested == "cdktn" or (not requested and importlib.util.find_spec("cdktn") is not None):
        engine = "cdktn"
    elif requested:
        raise EngineNotInstalledError(f"{ENGINE_VARIABLE} must be one of {', '.join(ENGINES)}, got {requested!r}")
    else:
        raise EngineNotInstalledError(
            "no CDK engine installed: install healthcare-constructs[cdktf] (CDK for Terraform) or healthcare-constructs[cdktn] (CDK Terrain)"
        )
    if importlib.util.find_spec(engine) is None:
        raise EngineNotInstalledError(f"{ENGINE_VARIABLE}={engine} but {engine} is not installed: install healthcare-constructs[{engine}]")
    return engine


ENGINE: Final = _select()
"""The engine this process runs on: ``"cdktf"`` or ``"cdktn"``."""
CDKTN: Final = ENGINE == "cdktn"
"""True on CDK Terrain. The generated seam modules branch on this name (mypy's ``--always-true/--always-false CDKTN``)."""

__all__ = ["CDKTN", "ENGINE", "ENGINES", "ENGINE_VARIABLE", "EngineNotInstalledError"]

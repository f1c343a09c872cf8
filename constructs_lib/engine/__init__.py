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

import contextlib
import gc
import importlib.util
import os
import threading
import typing
from collections.abc import Callable, Iterator, Mapping
from typing import Any, Final, Literal

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


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while a seam module imports the engine or a provider.

    Importing the engine with its AWS and Cloudflare providers creates ~1.4 million objects that live as long as the
    process, and allocating them triggers full collections that walk all of them again and again: 3.4 s of an
    11.5 s import on this project's 2-core machine (docs/performance.md). The import makes next to no garbage, so
    nothing is lost by collecting after it. The collector's state is restored (a caller who had disabled it keeps it
    disabled); nested pauses leave it to the outermost one.

    After a successful import the outermost pause (when the collector was on) also moves every object then alive to
    the permanent generation (``gc.freeze()``): later full collections no longer walk the engine's objects (0.6 s each
    in the test session), and objects alive at import time are never collected as cyclic garbage (``gc.unfreeze()``
    undoes it).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    except BaseException:
        if was_enabled:
            gc.enable()
        raise
    if was_enabled:
        gc.freeze()
        gc.enable()


_STUB_PREFIX: Final = "_typecheckingstub__"
"""jsii-pacmak's name for the module-level function whose annotations are a binding method's parameter types."""
_memo_lock = threading.Lock()


def memoize_binding_type_hints() -> None:
    """Make the bindings' run-time argument checks read their annotations once per binding method, not once per call.

    Every constructor and method of a jsii binding (the engine and its prebuilt providers) checks its arguments
    with typeguard after ``typing.get_type_hints(_typecheckingstub__<hash>)`` has evaluated the string annotations
    of a module-level stub again, for the same stub on every call: in ``make synth`` 5,249 evaluations of 271
    stubs, ~0.4 s of the ~4.5 s spent past the engine import (docs/performance.md). After this call
    ``typing.get_type_hints`` remembers its answer for those stubs only (they never change after import) and hands
    each caller its own copy; every argument is still checked against the same types, and every other call
    (another object, namespaces, ``include_extras``) goes to the original function unchanged.

    It replaces a function of the process-wide ``typing`` module, so the library never calls it by itself: the
    platform app does (``stacks.app.build_app``), and so does the test session; an application that wants the
    same calls it once before it builds its stacks. Calling it again does nothing.
    """
    with _memo_lock:
        if getattr(typing.get_type_hints, "_memoizes_binding_stubs", False):
            return
        original: Callable[..., dict[str, Any]] = typing.get_type_hints
        cache: dict[object, dict[str, Any]] = {}

        def get_type_hints(obj: Any, globalns: Any = None, localns: Any = None, include_extras: bool = False) -> dict[str, Any]:
            if globalns is None and localns is None and not include_extras and getattr(obj, "__name__", "").startswith(_STUB_PREFIX):
                hints = cache.get(obj)
                if hints is None:
                    hints = cache[obj] = original(obj)
                return dict(hints)
            return original(obj, globalns, localns, include_extras)

        get_type_hints._memoizes_binding_stubs = True  # type: ignore[attr-defined]
        get_type_hints.__wrapped__ = original  # type: ignore[attr-defined]
        get_type_hints.__doc__ = original.__doc__
        typing.get_type_hints = get_type_hints


__all__ = ["CDKTN", "ENGINE", "ENGINES", "ENGINE_VARIABLE", "EngineNotInstalledError", "memoize_binding_type_hints"]

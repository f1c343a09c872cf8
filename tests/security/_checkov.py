"""The platform's checkov gate, on the library's consumer gate (``constructs_lib.checkov_gate``).

checkov lives in its own venv (``$CHECKOV_BIN``, set by the Makefile). The gate runs it
*without* skips and decides itself which failures are accepted: checkov's own
``skip-check`` is global per id, and per-resource inline skips are impossible in JSON.
Accepted are the constructs' published acceptances (``"//".checkov_accepted`` in cdk.tf.json)
and this folder's ``checkov_skips.toml``. What is platform-only stays here: the default
checkov location, the ``[[unevaluable]]`` coverage entries and the resource-type coverage floor.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import tomllib
from pathlib import Path
from typing import Any

from constructs_lib import checkov_gate as gate
from constructs_lib.checkov_gate import (
    Accepted as Skip,
    AcceptedFileError as SkipFileError,
    Finding as CheckResult,
    published_accepted,
    qualify_addresses,
    results_of,
    stack_of,
    unchecked_stacks,
)
from constructs_lib.guardrails import check_reason

__all__ = [
    "CheckResult",
    "CheckovMissing",
    "Skip",
    "SkipFileError",
    "accepted_entries",
    "checkov_bin",
    "checked_resource_types",
    "finish_checkov",
    "load_skips",
    "load_unevaluable",
    "published_accepted",
    "qualify_addresses",
    "results_of",
    "run_checkov",
    "stack_of",
    "start_checkov",
    "unchecked_stacks",
]

REPO_ROOT = Path(__file__).resolve().parents[2]
SKIP_FILE = Path(__file__).resolve().parent / "checkov_skips.toml"


class CheckovMissing(Exception):
    """``$CHECKOV_BIN`` does not point at an executable checkov."""


def checkov_bin() -> Path:
    """The checkov executable from ``$CHECKOV_BIN`` (default ``.venv-checkov/bin/checkov``)."""
    path = Path(os.environ.get("CHECKOV_BIN") or REPO_ROOT / ".venv-checkov" / "bin" / "checkov")
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise CheckovMissing(f"checkov not found at {path} (CHECKOV_BIN); run `make setup` to install it into .venv-checkov")
    return path


def start_checkov(directory: Path, *frameworks: str) -> subprocess.Popen[bytes]:
    """Start one checkov run over ``directory`` in the background; ``finish_checkov`` collects it."""
    return gate.start_checkov(directory, frameworks, checkov=checkov_bin())


def finish_checkov(process: subprocess.Popen[bytes], directory: Path) -> dict[str, dict[str, Any]]:
    """Wait for a run started by ``start_checkov``: ``{framework: report}`` (a framework with no results has none)."""
    return gate.finish_checkov(process, directory)


def run_checkov(directory: Path, *frameworks: str) -> dict[str, dict[str, Any]]:
    """One checkov run over ``directory``: ``{framework: report}`` (a framework with no results has none)."""
    return finish_checkov(start_checkov(directory, *frameworks), directory)


def checked_resource_types() -> frozenset[str]:
    """Terraform resource types checkov has at least one check for (its resource registry)."""
    python = checkov_bin().parent / "python"
    code = "import json; from checkov.terraform.checks.resource.registry import resource_registry as r; print(json.dumps(sorted(r.checks)))"
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=300, check=True)
    return frozenset(json.loads(result.stdout.strip().splitlines()[-1]))


def load_skips(path: Path = SKIP_FILE) -> list[Skip]:
    """Read and validate the skip file (``[[skip]]`` tables with id, resources, reason, optional stacks)."""
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SkipFileError(f"{path.name}: cannot be read as TOML ({exc})") from None
    unknown = set(data) - {"skip", "unevaluable"}
    if unknown:
        raise SkipFileError(f"{path.name}: only [[skip]] and [[unevaluable]] tables are allowed, got {sorted(unknown)}")
    return gate.load_accepted(path)


def accepted_entries(root: Path, path: Path = SKIP_FILE) -> list[Skip]:
    """Everything that accepts a failure over ``root``: the constructs' published acceptances, then the skip file."""
    return published_accepted(root) + load_skips(path)


def load_unevaluable(path: Path = SKIP_FILE) -> dict[str, str]:
    """``[[unevaluable]]`` entries: resource type -> why checkov's checks for it cannot evaluate our output.

    A type listed here is left out of the per-resource coverage floor; the gate fails when
    checkov does check resources of a listed type (the entry is stale).
    """
    data = tomllib.loads(path.read_text())
    found: dict[str, str] = {}
    for number, entry in enumerate(data.get("unevaluable", []), start=1):
        where = f"{path.name}: unevaluable #{number}"
        if set(entry) != {"type", "reason"}:
            raise SkipFileError(f"{where}: keys must be exactly type and reason, got {sorted(entry)}")
        rtype, reason = entry["type"], entry["reason"]
        if not isinstance(rtype, str) or not re.match(r"^[a-z0-9]+_[a-z0-9_]+$", rtype):
            raise SkipFileError(f"{where}: type must be a resource type such as aws_sns_topic_policy, got {rtype!r}")
        try:
            found[rtype] = check_reason(reason if isinstance(reason, str) else "")
        except ValueError as exc:
            raise SkipFileError(f"{where} ({rtype}): reason must be {exc}, got {reason!r}") from None
    return found

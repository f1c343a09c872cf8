"""Running checkov once over the synthesized stacks, and the accepted-findings (skip) file.

checkov lives in its own venv (``$CHECKOV_BIN``, set by the Makefile). The gate runs it
*without* skips and decides itself which failures are accepted: checkov's own
``skip-check`` is global per id, and per-resource inline skips are impossible in JSON.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import subprocess
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from constructs_lib.guardrails import check_reason

REPO_ROOT = Path(__file__).resolve().parents[2]
SKIP_FILE = Path(__file__).resolve().parent / "checkov_skips.toml"
_CHECK_ID = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
_STACK_FILE = re.compile(r"(?:^|/)(phase\d+)/stacks/([a-z]+)/cdk\.tf\.json$")


class CheckovMissing(Exception):
    """``$CHECKOV_BIN`` does not point at an executable checkov."""


class SkipFileError(Exception):
    """The skip file is malformed; the message names the entry and the field."""


def checkov_bin() -> Path:
    """The checkov executable from ``$CHECKOV_BIN`` (default ``.venv-checkov/bin/checkov``)."""
    path = Path(os.environ.get("CHECKOV_BIN") or REPO_ROOT / ".venv-checkov" / "bin" / "checkov")
    if not (path.is_file() and os.access(path, os.X_OK)):
        raise CheckovMissing(f"checkov not found at {path} (CHECKOV_BIN); run `make setup` to install it into .venv-checkov")
    return path


def start_checkov(directory: Path, *frameworks: str) -> subprocess.Popen[bytes]:
    """Start one checkov run over ``directory`` in the background; ``finish_checkov`` collects it."""
    command = [str(checkov_bin()), "-d", str(directory), "--framework", *frameworks, "--output", "json", "--skip-download", "--compact"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "LOG_LEVEL": "ERROR"})


def finish_checkov(process: subprocess.Popen[bytes], directory: Path) -> dict[str, dict[str, Any]]:
    """Wait for a run started by ``start_checkov``: ``{framework: report}`` (a framework with no results has none)."""
    stdout, stderr = process.communicate(timeout=600)
    if process.returncode not in (0, 1):
        raise RuntimeError(f"checkov exited {process.returncode}: {stderr.decode(errors='replace')[-2000:]}")
    parsed = json.loads(stdout)
    reports = parsed if isinstance(parsed, list) else [parsed]
    by_framework = {r["check_type"]: r for r in reports if isinstance(r, dict) and "check_type" in r}
    if "terraform_json" in by_framework:
        qualify_addresses(by_framework["terraform_json"], directory)
    return by_framework


def run_checkov(directory: Path, *frameworks: str) -> dict[str, dict[str, Any]]:
    """One checkov run over ``directory``: ``{framework: report}`` (a framework with no results has none)."""
    return finish_checkov(start_checkov(directory, *frameworks), directory)


def qualify_addresses(report: dict[str, Any], directory: Path) -> None:
    """Give every result of a ``terraform_json`` report its full address, in place.

    checkov's terraform_json runner names the results of its Python checks after the
    *block kind*: ``resource.<name>`` and ``data.<name>`` (``f"{block_type}.{entity_name}"``
    in ``TerraformJsonRunner.run_block``), while its graph checks use the Terraform address
    ``<type>.<name>`` and ``data.<type>.<name>``. The type is looked up by name in the scanned
    file (``directory`` + the result's ``file_path``); cdktf logical ids are unique per stack,
    and a name found under no type or under several is an error, never a guess.
    """
    files: dict[str, dict[str, Any]] = {}
    results = report.get("results") or {}
    for outcome in ("passed_checks", "failed_checks", "skipped_checks"):
        for record in results.get(outcome) or []:
            kind, _, name = record["resource"].partition(".")
            if kind not in ("resource", "data") or not name or "." in name:
                continue
            path = record["file_path"]
            if path not in files:
                files[path] = json.loads((directory / path.lstrip("/")).read_text())
            types = [t for t, blocks in files[path].get(kind, {}).items() if name in blocks]
            if len(types) != 1:
                raise ValueError(f"checkov result {record['check_id']} on {record['resource']} in {path}: {kind} name found under types {types}, expected one")
            record["resource"] = f"{types[0]}.{name}" if kind == "resource" else f"data.{types[0]}.{name}"


@dataclass(frozen=True, slots=True)
class CheckResult:
    """One check on one resource of one stack."""

    check_id: str
    resource: str
    stack: str
    """``phase<N>/<env>``."""
    passed: bool


def stack_of(file_path: str) -> str:
    """``phase<N>/<env>`` of a synthesized ``.../phase<N>/stacks/<env>/cdk.tf.json`` path."""
    match = _STACK_FILE.search(file_path)
    if not match:
        raise ValueError(f"not a synthesized stack file: {file_path}")
    return f"{match[1]}/{match[2]}"


def results_of(report: dict[str, Any]) -> list[CheckResult]:
    """Passed and failed checks of a ``terraform_json`` report."""
    results = report.get("results") or {}
    return [
        CheckResult(c["check_id"], c["resource"], stack_of(c["file_path"]), outcome == "passed_checks")
        for outcome in ("passed_checks", "failed_checks")
        for c in results.get(outcome) or []
    ]


def unchecked_stacks(report: dict[str, Any] | None, expected: list[str]) -> list[str]:
    """The ``phase<N>/<env>`` stacks in ``expected`` on which checkov ran no check at all."""
    seen = {r.stack for r in results_of(report)} if report is not None else set()
    return [s for s in expected if s not in seen]


def checked_resource_types() -> frozenset[str]:
    """Terraform resource types checkov has at least one check for (its resource registry)."""
    python = checkov_bin().parent / "python"
    code = "import json; from checkov.terraform.checks.resource.registry import resource_registry as r; print(json.dumps(sorted(r.checks)))"
    result = subprocess.run([str(python), "-c", code], capture_output=True, text=True, timeout=300, check=True)
    return frozenset(json.loads(result.stdout.strip().splitlines()[-1]))


@dataclass(frozen=True, slots=True)
class Skip:
    """An accepted checkov failure: check ``id`` on resources matching ``resources``, for ``reason``."""

    id: str
    resources: tuple[str, ...]
    """``fnmatch`` patterns on the resource address (``aws_s3_bucket.Logs*``)."""
    reason: str
    stacks: tuple[str, ...] = ("*",)
    """``fnmatch`` patterns on ``phase<N>/<env>``; default every stack."""

    def accepts(self, result: CheckResult) -> bool:
        """Whether this entry covers a failed ``result``."""
        return (
            result.check_id == self.id
            and any(fnmatch.fnmatchcase(result.resource, p) for p in self.resources)
            and any(fnmatch.fnmatchcase(result.stack, p) for p in self.stacks)
        )


def load_skips(path: Path = SKIP_FILE) -> list[Skip]:
    """Read and validate the skip file (``[[skip]]`` tables with id, resources, reason, optional stacks)."""
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise SkipFileError(f"{path.name}: cannot be read as TOML ({exc})") from None
    unknown = set(data) - {"skip", "unevaluable"}
    if unknown:
        raise SkipFileError(f"{path.name}: only [[skip]] and [[unevaluable]] tables are allowed, got {sorted(unknown)}")
    skips = []
    for number, entry in enumerate(data.get("skip", []), start=1):
        where = f"{path.name}: skip #{number}"
        extra = set(entry) - {"id", "resources", "reason", "stacks"}
        if extra:
            raise SkipFileError(f"{where}: unknown key(s) {sorted(extra)}")
        check_id = entry.get("id")
        if not isinstance(check_id, str) or not _CHECK_ID.match(check_id):
            raise SkipFileError(f"{where}: id must be a checkov check id such as CKV_AWS_18, got {check_id!r}")
        resources = entry.get("resources")
        if not isinstance(resources, list) or not resources or not all(isinstance(r, str) and "." in r for r in resources):
            raise SkipFileError(f"{where} ({check_id}): resources must be a non-empty list of address patterns such as 'aws_s3_bucket.Logs', got {resources!r}")
        stacks = entry.get("stacks", ["*"])
        if not isinstance(stacks, list) or not stacks or not all(isinstance(s, str) for s in stacks):
            raise SkipFileError(f"{where} ({check_id}): stacks must be a non-empty list of patterns such as 'phase*/prod', got {stacks!r}")
        reason = entry.get("reason")
        try:
            text = check_reason(reason if isinstance(reason, str) else "")
        except ValueError as exc:
            raise SkipFileError(f"{where} ({check_id}): reason must be {exc}, got {reason!r}") from None
        skips.append(Skip(check_id, tuple(resources), text, tuple(stacks)))
    return skips


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

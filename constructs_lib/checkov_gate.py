"""The checkov gate: a synthesized cdktf app is checkov-clean, or every finding has a written reason.

Run it on your own ``cdktf.out`` after ``app.synth()``::

    healthcare-checkov-gate cdktf.out --accepted checkov_accepted.toml

or from Python::

    from constructs_lib import checkov_gate
    result = checkov_gate.run("cdktf.out", accepted=checkov_gate.load_accepted("checkov_accepted.toml"))
    print(result.report())
    assert result.ok

checkov is an external tool that you install yourself (ideally in its own virtualenv: it pins
old versions of common packages); the gate finds it through ``$CHECKOV_BIN`` or ``PATH``.
It runs checkov once, **without** any skip, over every ``cdk.tf.json`` below the folder, and
decides itself which failures are accepted:

- entries you pass (``accepted=``, usually read from a TOML file of ``[[skip]]`` tables: check
  ``id``, ``resources`` address patterns, optional ``stacks`` patterns, and a ``reason``);
- acceptances the library's constructs publish in the synthesized JSON, under
  ``"//".checkov_accepted`` of the resource they concern (for example the SSE-S3 encryption of an
  ``AccessLogBucket``, or a PHI ``SecureS3``'s ``replication_opt_out_reason``), each with its reason.

The gate fails on any failure no entry accepts, on an entry of yours that accepts nothing (a
stale skip), and on a stack with AWS resources on which checkov ran no check at all (a
``terraform.required_version`` makes checkov's parser drop the file silently: checkov issue 7454).
Nothing here imports cdktf.
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any, Protocol

from ._reasons import check_reason
from .errors import ConstructError

ACCEPTED_KEY = "checkov_accepted"
"""Key under a resource's ``"//"`` block in ``cdk.tf.json``: ``{check id: reason}`` the construct accepts."""
DEFAULT_FRAMEWORKS = ("terraform_json", "secrets")
CHECK_ID_RE = re.compile(r"^CKV2?_[A-Z0-9]+_\d+$")
_STACK_FILE = "cdk.tf.json"


class CheckovMissing(ConstructError):
    """No executable checkov at ``$CHECKOV_BIN`` or on ``PATH``."""


class AcceptedFileError(ConstructError, ValueError):
    """An accepted-findings file is malformed; the message names the file, the entry and the field."""


class _Overridable(Protocol):
    def add_override(self, path: str, value: Any) -> None: ...


def accept(resource: _Overridable, check_id: str, reason: str) -> None:
    """Publish an accepted checkov finding on ``resource`` (a cdktf ``TerraformResource``), with its reason.

    Written to ``cdk.tf.json`` under ``"//".checkov_accepted``; the gate accepts a failure of
    ``check_id`` on exactly this resource. Raises ``ValueError`` for a malformed id or a reason
    that says nothing (shorter than 20 characters, or boilerplate such as 'false positive').
    """
    if not CHECK_ID_RE.match(check_id):
        raise ValueError(f"check_id must be a checkov check id such as CKV_AWS_144, got {check_id!r}")
    resource.add_override(f"//.{ACCEPTED_KEY}.{check_id}", check_reason(reason))


@dataclass(frozen=True, slots=True)
class Finding:
    """One checkov check on one resource of one stack."""

    check_id: str
    resource: str
    """Full address: ``<type>.<logical id>`` or ``data.<type>.<logical id>``."""
    stack: str
    """The stack's folder relative to the scanned folder, without ``stacks/`` (``quickstart``, ``phase1/dev``)."""
    passed: bool
    check_name: str = ""


@dataclass(frozen=True, slots=True)
class Accepted:
    """An accepted checkov failure: check ``id`` on resources matching ``resources``, for ``reason``."""

    id: str
    resources: tuple[str, ...]
    """``fnmatch`` patterns on the resource address (``aws_s3_bucket.Logs*``)."""
    reason: str
    stacks: tuple[str, ...] = ("*",)
    """``fnmatch`` patterns on the stack (see ``Finding.stack``). Default: every stack."""
    source: str = ""
    """Where the entry came from: a file name, or ``construct`` for a published acceptance."""

    def accepts(self, finding: Finding) -> bool:
        """Whether this entry covers a failed ``finding``."""
        return (
            finding.check_id == self.id
            and any(fnmatch.fnmatchcase(finding.resource, p) for p in self.resources)
            and any(fnmatch.fnmatchcase(finding.stack, p) for p in self.stacks)
        )


@dataclass(frozen=True, slots=True)
class GateResult:
    """What one gate run found. ``ok`` is true when nothing is unaccepted, stale or unchecked."""

    findings: tuple[Finding, ...]
    accepted: tuple[tuple[Finding, Accepted], ...]
    unaccepted: tuple[Finding, ...]
    stale: tuple[Accepted, ...]
    unchecked_stacks: tuple[str, ...]
    parsing_errors: tuple[str, ...] = field(default=())

    @property
    def ok(self) -> bool:
        return not (self.unaccepted or self.stale or self.unchecked_stacks or self.parsing_errors)

    def report(self) -> str:
        """A human-readable summary, one line per problem and per accepted finding."""
        passed = sum(1 for f in self.findings if f.passed)
        lines = [f"checkov gate: {passed} passed, {len(self.accepted)} failed but accepted, {len(self.unaccepted)} failed and not accepted"]
        lines += [f"FAILED {f.check_id} {f.stack}:{f.resource} {f.check_name}".rstrip() for f in self.unaccepted]
        lines += [f"STALE {a.id} {list(a.resources)} ({a.source}): accepts no current failure; remove it" for a in self.stale]
        lines += [f"UNCHECKED {s}: checkov ran no check on a stack with AWS resources (did it parse cdk.tf.json?)" for s in self.unchecked_stacks]
        lines += [f"PARSING ERROR {p}" for p in self.parsing_errors]
        lines += [f"accepted {f.check_id} {f.stack}:{f.resource} ({a.source}): {a.reason}" for f, a in self.accepted]
        if self.unaccepted:
            lines.append(
                "fix each FAILED finding, or accept it with a reason (an [[skip]] entry in your accepted file, or the construct prop that records the decision)"
            )
        return "\n".join(lines)


def find_checkov(explicit: str | Path | None = None) -> Path:
    """The checkov executable: ``explicit``, else ``$CHECKOV_BIN``, else ``checkov`` on ``PATH``."""
    candidate = explicit or os.environ.get("CHECKOV_BIN") or shutil.which("checkov")
    if candidate:
        path = Path(candidate)
        if path.is_file() and os.access(path, os.X_OK):
            return path
    where = f"at {candidate}" if candidate else "on PATH (and CHECKOV_BIN is not set)"
    raise CheckovMissing(
        f"checkov not found {where}: install it (pip install checkov, ideally in its own virtualenv) and put it on PATH or set CHECKOV_BIN to the executable"
    )


def start_checkov(directory: str | Path, frameworks: Sequence[str] = DEFAULT_FRAMEWORKS, *, checkov: str | Path | None = None) -> subprocess.Popen[bytes]:
    """Start one checkov run over ``directory`` in the background (no skips); ``finish_checkov`` collects it."""
    command = [str(find_checkov(checkov)), "-d", str(directory), "--framework", *frameworks, "--output", "json", "--skip-download", "--compact"]
    return subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env={**os.environ, "LOG_LEVEL": "ERROR"})


def finish_checkov(process: subprocess.Popen[bytes], directory: str | Path) -> dict[str, dict[str, Any]]:
    """Wait for a run started by ``start_checkov``: ``{framework: report}`` (a framework with no results has none)."""
    stdout, stderr = process.communicate(timeout=900)
    if process.returncode not in (0, 1):
        raise RuntimeError(f"checkov exited {process.returncode}: {stderr.decode(errors='replace')[-2000:]}")
    parsed = json.loads(stdout) if stdout.strip() else []
    reports = parsed if isinstance(parsed, list) else [parsed]
    by_framework = {r["check_type"]: r for r in reports if isinstance(r, dict) and "check_type" in r}
    if "terraform_json" in by_framework:
        qualify_addresses(by_framework["terraform_json"], Path(directory))
    return by_framework


def run_checkov(directory: str | Path, frameworks: Sequence[str] = DEFAULT_FRAMEWORKS, *, checkov: str | Path | None = None) -> dict[str, dict[str, Any]]:
    """One checkov run over ``directory``: ``{framework: report}``."""
    return finish_checkov(start_checkov(directory, frameworks, checkov=checkov), directory)


def qualify_addresses(report: dict[str, Any], directory: Path) -> None:
    """Give every result of a ``terraform_json`` report its full address, in place.

    checkov's terraform_json runner names the results of its Python checks after the
    *block kind*: ``resource.<name>`` and ``data.<name>``, while its graph checks use the
    Terraform address ``<type>.<name>``. The type is looked up by name in the scanned file;
    cdktf logical ids are unique per stack, and a name found under no type or under several
    is an error, never a guess.
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


def stack_of(file_path: str) -> str:
    """The stack of a synthesized ``cdk.tf.json`` path relative to the scanned folder, without ``stacks/``.

    ``/stacks/quickstart/cdk.tf.json`` -> ``quickstart``; ``/phase1/stacks/dev/cdk.tf.json`` -> ``phase1/dev``.
    """
    path = PurePosixPath(file_path.lstrip("/"))
    if path.name != _STACK_FILE:
        raise ValueError(f"not a synthesized stack file: {file_path}")
    parts = list(path.parent.parts)
    if len(parts) >= 2 and parts[-2] == "stacks":
        del parts[-2]
    return "/".join(parts) or "."


def results_of(report: dict[str, Any] | None) -> list[Finding]:
    """Passed and failed checks of a ``terraform_json`` report."""
    results = (report or {}).get("results") or {}
    return [
        Finding(c["check_id"], c["resource"], stack_of(c["file_path"]), outcome == "passed_checks", c.get("check_name") or "")
        for outcome in ("passed_checks", "failed_checks")
        for c in results.get(outcome) or []
    ]


def _secret_findings(report: dict[str, Any] | None) -> list[Finding]:
    results = (report or {}).get("results") or {}
    findings = []
    for c in results.get("failed_checks") or []:
        path = c["file_path"]
        stack = stack_of(path) if path.endswith(_STACK_FILE) else path.lstrip("/")
        findings.append(Finding(c["check_id"], c["resource"], stack, False, c.get("check_name") or ""))
    return findings


def stack_files(directory: str | Path) -> dict[str, dict[str, Any]]:
    """``{stack: parsed cdk.tf.json}`` of every synthesized stack below ``directory``."""
    root = Path(directory)
    return {stack_of("/" + path.relative_to(root).as_posix()): json.loads(path.read_text()) for path in sorted(root.rglob(_STACK_FILE))}


def unchecked_stacks(report: dict[str, Any] | None, expected: Iterable[str]) -> list[str]:
    """The stacks in ``expected`` on which checkov ran no check at all."""
    seen = {r.stack for r in results_of(report)}
    return [s for s in expected if s not in seen]


def published_accepted(directory: str | Path) -> list[Accepted]:
    """The acceptances constructs published in the synthesized stacks (``"//".checkov_accepted``), one per resource and check."""
    found = []
    for stack, data in stack_files(directory).items():
        for kind, prefix in (("resource", ""), ("data", "data.")):
            for rtype, blocks in (data.get(kind) or {}).items():
                for name, block in blocks.items():
                    for check_id, reason in ((block.get("//") or {}).get(ACCEPTED_KEY) or {}).items():
                        found.append(Accepted(check_id, (f"{prefix}{rtype}.{name}",), reason, (stack,), "construct"))
    return found


def load_accepted(path: str | Path) -> list[Accepted]:
    """Read an accepted-findings TOML file: ``[[skip]]`` tables with ``id``, ``resources``, ``reason``, optional ``stacks``.

    Other top-level tables are left to the caller (the platform's own file also has ``[[unevaluable]]``).
    """
    path = Path(path)
    try:
        data = tomllib.loads(path.read_text())
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise AcceptedFileError(f"{path.name}: cannot be read as TOML ({exc})") from None
    accepted = []
    for number, entry in enumerate(data.get("skip", []), start=1):
        where = f"{path.name}: skip #{number}"
        extra = set(entry) - {"id", "resources", "reason", "stacks"}
        if extra:
            raise AcceptedFileError(f"{where}: unknown key(s) {sorted(extra)}")
        check_id = entry.get("id")
        if not isinstance(check_id, str) or not CHECK_ID_RE.match(check_id):
            raise AcceptedFileError(f"{where}: id must be a checkov check id such as CKV_AWS_18, got {check_id!r}")
        resources = entry.get("resources")
        if not isinstance(resources, list) or not resources or not all(isinstance(r, str) and "." in r for r in resources):
            raise AcceptedFileError(
                f"{where} ({check_id}): resources must be a non-empty list of address patterns such as 'aws_s3_bucket.Logs', got {resources!r}"
            )
        stacks = entry.get("stacks", ["*"])
        if not isinstance(stacks, list) or not stacks or not all(isinstance(s, str) for s in stacks):
            raise AcceptedFileError(f"{where} ({check_id}): stacks must be a non-empty list of patterns such as 'prod' or 'phase*/prod', got {stacks!r}")
        reason = entry.get("reason")
        try:
            text = check_reason(reason if isinstance(reason, str) else "")
        except ValueError as exc:
            raise AcceptedFileError(f"{where} ({check_id}): reason must be {exc}, got {reason!r}") from None
        accepted.append(Accepted(check_id, tuple(resources), text, tuple(stacks), path.name))
    return accepted


def evaluate(reports: dict[str, dict[str, Any]], directory: str | Path, accepted: Sequence[Accepted] = (), *, published: bool = True) -> GateResult:
    """Judge checkov ``reports`` of ``directory`` against ``accepted`` (and the constructs' published acceptances)."""
    report = reports.get("terraform_json")
    findings = results_of(report) + _secret_findings(reports.get("secrets"))
    entries = list(published_accepted(directory) if published else []) + list(accepted)
    pairs, unaccepted = [], []
    for finding in findings:
        if finding.passed:
            continue
        entry = next((a for a in entries if a.accepts(finding)), None)
        if entry is None:
            unaccepted.append(finding)
        else:
            pairs.append((finding, entry))
    failures = [f for f in findings if not f.passed]
    stale = [a for a in accepted if not any(a.accepts(f) for f in failures)]
    with_aws = [s for s, data in stack_files(directory).items() if any(t.startswith("aws_") for t in data.get("resource") or {})]
    summary = (report or {}).get("summary") or {}
    parsing: list[Any] = []
    if summary.get("parsing_errors"):
        parsing = list(((report or {}).get("results") or {}).get("parsing_errors") or [f"{summary['parsing_errors']} file(s) checkov could not parse"])
    return GateResult(tuple(findings), tuple(pairs), tuple(unaccepted), tuple(stale), tuple(unchecked_stacks(report, with_aws)), tuple(map(str, parsing)))


def run(
    directory: str | Path = "cdktf.out",
    accepted: Sequence[Accepted] = (),
    *,
    frameworks: Sequence[str] = DEFAULT_FRAMEWORKS,
    checkov: str | Path | None = None,
    published: bool = True,
) -> GateResult:
    """Run checkov once over ``directory`` (a cdktf output folder) and judge it; see the module docstring."""
    if not Path(directory).is_dir():
        raise FileNotFoundError(f"{directory}: no such folder (synthesize first: app.synth() writes cdktf.out)")
    return evaluate(run_checkov(directory, frameworks, checkov=checkov), directory, accepted, published=published)


def main(argv: Sequence[str] | None = None) -> int:
    """``healthcare-checkov-gate [DIR] [--accepted FILE]...``: exit 0 clean, 1 findings, 2 usage or setup error."""
    parser = argparse.ArgumentParser(
        prog="healthcare-checkov-gate",
        description="Run checkov over a synthesized cdktf folder; fail on any finding without a written reason.",
    )
    parser.add_argument("directory", nargs="?", default="cdktf.out", help="the cdktf output folder (default: cdktf.out)")
    parser.add_argument("--accepted", action="append", default=[], metavar="FILE", help="a TOML file of [[skip]] entries (repeatable)")
    parser.add_argument("--checkov", help="the checkov executable (default: $CHECKOV_BIN, then PATH)")
    parser.add_argument("--no-published", action="store_true", help="ignore the acceptances the library's constructs publish")
    args = parser.parse_args(argv)
    try:
        entries = [entry for path in args.accepted for entry in load_accepted(path)]
        result = run(args.directory, entries, checkov=args.checkov, published=not args.no_published)
    except (CheckovMissing, AcceptedFileError, FileNotFoundError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(result.report())
    return 0 if result.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())

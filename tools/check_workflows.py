"""The delivery pipeline's rules, checked on ``.github/workflows/*.yml`` (``make test``: tests/test_workflows.py).

``problems()`` returns one line per broken rule, naming the file, the job or step and what is allowed:

- order and gates: ``deploy.yml`` applies dev, then staging, then prod (``APPLY_ORDER``); each apply job
  ``needs`` the previous one (dev needs ``test``) and runs in the GitHub environment of the same name
  (its protection rules are the approval); prod's job runs only for ``refs/heads/main``, and the workflow
  runs on pushes to main only;
- the pull-request workflow plans every environment file (``make plan``) after ``make test``;
- every ``uses:`` is pinned to a 40-hex commit SHA with the version in a trailing comment;
- permissions are least: ``contents: read`` at the top, no ``write-all``/``read-all``, and a job may ask for
  a write scope only where ``WRITE_SCOPES`` allows it (the comment job: ``pull-requests``);
- every ``run:`` is one ``make <target> [VAR=value]...`` line whose target the Makefile defines;
- the only secret is the Terraform Cloud team token (``TF_API_TOKEN``); no provider credential is named.

``python tools/check_workflows.py`` prints the lines and exits 2 when there are any.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import yaml

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKFLOWS = REPO_ROOT / ".github" / "workflows"
PULL_REQUEST = "pull-request.yml"
DEPLOY = "deploy.yml"
APPLY_ORDER = (("apply-dev", "dev", "test"), ("apply-staging", "staging", "apply-dev"), ("apply-prod", "prod", "apply-staging"))
"""(job, GitHub environment, the job it needs): the promotion path from a merged pull request to prod."""
MAIN_ONLY = {"apply-prod"}
"""Jobs whose ``if`` must require ``github.ref == 'refs/heads/main'``."""
WRITE_SCOPES: Mapping[tuple[str, str], frozenset[str]] = {(PULL_REQUEST, "comment"): frozenset({"pull-requests"})}
"""(workflow, job) -> the permission scopes it may write; every other job reads ``contents`` only."""
SECRETS = frozenset({"TF_API_TOKEN"})
"""The only secret a workflow may read: a Terraform Cloud team token (runs), never a provider credential."""
PROVIDER_CREDENTIALS = re.compile(r"\b(AWS_[A-Z_]+|CLOUDFLARE_API_TOKEN|NEON_API_KEY|RAILWAY_TOKEN|TF_VAR_[A-Za-z0-9_]+)\b")
PINNED = re.compile(r"^\s*(?:-\s+)?uses:\s*([^\s@#]+)@([0-9a-f]{40})\s+#\s*v\d+(?:\.\d+)*\s*$")
MAKE_RUN = re.compile(r"^make ([a-z][a-z0-9-]*)((?: [A-Z][A-Z0-9_]*=[A-Za-z0-9_./^=-]*)*)$")
MAKE_TARGET = re.compile(r"^([a-z][a-z0-9-]*)\s*:(?!=)", re.MULTILINE)


def makefile_targets(text: str) -> set[str]:
    """The named targets a Makefile defines (``name:`` at the start of a line; not ``VAR := value``)."""
    return set(MAKE_TARGET.findall(text))


def _jobs(document: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    jobs = document.get("jobs")
    return {str(k): v for k, v in jobs.items() if isinstance(v, dict)} if isinstance(jobs, dict) else {}


def _triggers(document: Mapping[str, Any]) -> Any:
    # YAML 1.1 reads the key ``on`` as True.
    return document.get("on", document.get(True))


def _needs(job: Mapping[str, Any]) -> list[str]:
    needs = job.get("needs", [])
    return [needs] if isinstance(needs, str) else [str(n) for n in needs]


def _environment(job: Mapping[str, Any]) -> str | None:
    environment = job.get("environment")
    if isinstance(environment, dict):
        environment = environment.get("name")
    return str(environment) if environment is not None else None


def _order(name: str, document: Mapping[str, Any]) -> Iterator[str]:
    jobs = _jobs(document)
    triggers = _triggers(document)
    if not (isinstance(triggers, dict) and set(triggers) == {"push"} and (triggers["push"] or {}).get("branches") == ["main"]):
        yield f"{name}: on: must be push to branches [main] only, got {triggers!r}"
    for job_name, environment, previous in APPLY_ORDER:
        job = jobs.get(job_name)
        if job is None:
            yield f"{name}: jobs.{job_name} is missing (the apply of {environment}, after {previous})"
            continue
        if _needs(job) != [previous]:
            yield f"{name}: jobs.{job_name}.needs must be [{previous}] (apply in order dev, staging, prod), got {_needs(job)}"
        if _environment(job) != environment:
            yield f"{name}: jobs.{job_name}.environment must be {environment!r} (its protection rules are the approval gate), got {_environment(job)!r}"
        runs = [step.get("run") for step in job.get("steps", []) if isinstance(step, dict) and step.get("run")]
        valid = all(MAKE_RUN.fullmatch(str(run).strip()) for run in runs)  # a bad line is reported once, by _steps
        if valid and not any(re.fullmatch(rf"make deploy ENV={environment}(?: .*)?", str(run)) for run in runs):
            yield f"{name}: jobs.{job_name} must run `make deploy ENV={environment}`, got {runs}"
        if job_name in MAIN_ONLY and "github.ref == 'refs/heads/main'" not in str(job.get("if", "")):
            yield f"{name}: jobs.{job_name}.if must require github.ref == 'refs/heads/main' (prod applies only from main), got {job.get('if')!r}"


def _plans(name: str, document: Mapping[str, Any], environments: Sequence[str]) -> Iterator[str]:
    jobs = _jobs(document)
    triggers = _triggers(document)
    if not (isinstance(triggers, dict) and "pull_request" in triggers):
        yield f"{name}: on: must include pull_request, got {triggers!r}"
    plan = jobs.get("plan")
    if plan is None:
        yield f"{name}: jobs.plan is missing (a speculative plan per environment)"
        return
    if "test" not in _needs(plan):
        yield f"{name}: jobs.plan.needs must include test (plan after make test), got {_needs(plan)}"
    matrix = ((plan.get("strategy") or {}).get("matrix") or {}).get("environment")
    if sorted(matrix or []) != sorted(environments):
        yield f"{name}: jobs.plan.strategy.matrix.environment must be every environment file ({', '.join(sorted(environments))}), got {matrix!r}"
    runs = [str(step.get("run")) for step in plan.get("steps", []) if isinstance(step, dict) and step.get("run")]
    if not any(run.startswith("make plan") for run in runs):
        yield f"{name}: jobs.plan must run `make plan`, got {runs}"


def _permissions(name: str, document: Mapping[str, Any]) -> Iterator[str]:
    if document.get("permissions") != {"contents": "read"}:
        yield f"{name}: permissions must be exactly {{contents: read}} at the top level, got {document.get('permissions')!r}"
    for job_name, job in _jobs(document).items():
        permissions = job.get("permissions")
        if permissions is None:
            continue
        if not isinstance(permissions, dict):
            yield f"{name}: jobs.{job_name}.permissions must list scopes (no write-all/read-all), got {permissions!r}"
            continue
        allowed = WRITE_SCOPES.get((name, job_name), frozenset())
        for scope, level in permissions.items():
            if level == "write" and scope not in allowed:
                allowed_text = ", ".join(sorted(allowed)) or "none"
                yield f"{name}: jobs.{job_name}.permissions.{scope}: write is not allowed for this job (write scopes allowed: {allowed_text})"


def _steps(name: str, document: Mapping[str, Any], targets: set[str]) -> Iterator[str]:
    for job_name, job in _jobs(document).items():
        for index, step in enumerate(job.get("steps", [])):
            if not isinstance(step, dict) or "run" not in step:
                continue
            run = str(step["run"]).strip()
            where = f"{name}: jobs.{job_name}.steps[{index}].run"
            match = MAKE_RUN.fullmatch(run)
            if match is None:
                yield f"{where}: must be one `make <target> [VAR=value]...` line, got {run!r}"
            elif match.group(1) not in targets:
                yield f"{where}: make target {match.group(1)!r} is not defined in the Makefile"


def _text(name: str, text: str) -> Iterator[str]:
    for number, line in enumerate(text.splitlines(), start=1):
        code = line.split(" #", 1)[0] if "uses:" not in line else line
        if re.match(r"^\s*(?:-\s+)?uses:", line) and not PINNED.match(line):
            yield f"{name}:{number}: uses must be pinned to a full commit SHA + version comment (owner/repo@<40 hex> # vX.Y.Z), got {line.strip()!r}"
        for secret in re.findall(r"secrets\.([A-Za-z0-9_]+)", code):
            if secret not in SECRETS:
                yield f"{name}:{number}: secrets.{secret} is not allowed (only {', '.join(sorted(SECRETS))}: a Terraform Cloud team token)"
        credential = PROVIDER_CREDENTIALS.search(code)
        if credential:
            yield f"{name}:{number}: {credential.group(1)} is a provider credential; runs get theirs from the Terraform Cloud workspace, not the workflow"


def problems(files: Mapping[str, str], makefile: str, environments: Sequence[str]) -> list[str]:
    """Every broken rule, one line each: ``files`` maps workflow file names to their text."""
    found: list[str] = []
    targets = makefile_targets(makefile)
    for required in (PULL_REQUEST, DEPLOY):
        if required not in files:
            found.append(f".github/workflows/{required}: missing")
    for name, text in sorted(files.items()):
        try:
            document = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            found.append(f"{name}: not valid YAML: {str(exc).splitlines()[0]}")
            continue
        if not isinstance(document, dict):
            found.append(f"{name}: must be a mapping (a workflow), got {type(document).__name__}")
            continue
        found += _text(name, text)
        found += _permissions(name, document)
        found += _steps(name, document, targets)
        if name == DEPLOY:
            found += _order(name, document)
        if name == PULL_REQUEST:
            found += _plans(name, document, environments)
    return found


def repository_problems(root: Path = REPO_ROOT) -> list[str]:
    """``problems()`` of the repository's workflows, Makefile and environment files."""
    files = {path.name: path.read_text() for path in sorted((root / ".github" / "workflows").glob("*.yml"))}
    environments = [path.stem for path in sorted((root / "environments").glob("*.toml"))]
    return problems(files, (root / "Makefile").read_text(), environments)


def main() -> int:
    """Print every problem on its own ``error:`` line; exit 2 when there are any."""
    found = repository_problems()
    for line in found:
        print(f"error: {line}", file=sys.stderr)
    return 2 if found else 0


if __name__ == "__main__":
    sys.exit(main())

"""Shared fixtures: every environment x phase is synthesized once per test session.

Importing the AWS provider through jsii costs ~10 s, so the session builds one ``App``
per phase (dev, staging and prod at that phase) and every test reads the parsed JSON.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from constructs_lib.engine import ENGINE  # this session's engine (make test ENGINE=...); selecting imports no engine
from environments import ENVIRONMENTS_DIR, PHASES, EnvironmentConfig, environment_files, load_all, load_environment
from main import quiet_node_deprecations

REPO_ROOT = Path(__file__).resolve().parent.parent

# Synthesis must need no Terraform binary (users synthesize without one, and cdktf's own
# CloudBackend would shell out to `terraform version`): hide any terraform on PATH from the
# whole session, including the jsii Node process and every subprocess the tests start.
os.environ["PATH"] = os.pathsep.join(entry for entry in os.environ.get("PATH", "").split(os.pathsep) if not (Path(entry) / "terraform").exists())
quiet_node_deprecations(os.environ)  # as main.py does before jsii starts Node
# cdktf's Testing.app() makes a `cdktf.outdir.*` directory in Node's temp dir per call and never
# removes it (20,000 had piled up in /tmp, slowing every later import from /tmp). Node and every
# subprocess get a session temp dir instead, removed at the end; Python's own tempfile (and so
# pytest's tmp_path) already resolved the system temp dir and keeps it.
_SESSION_TMP = tempfile.mkdtemp(prefix="pytest-node-tmp-")
os.environ["TMPDIR"] = _SESSION_TMP
CDKTF = REPO_ROOT / "node_modules" / ".bin" / "cdktf" if ENGINE == "cdktf" else REPO_ROOT / "cli" / "cdktn" / "node_modules" / ".bin" / "cdktn"
"""The engine's CLI: cdktf-cli from package.json, or cdktn-cli from cli/cdktn (make installs it for ENGINE=cdktn)."""
CLI_MARK = "cdktf_cli"
"""Marks the tests that wait for the session's ``cdktf synth`` run (fixture ``cdktf_cli_output``)."""
_CLI_RUN = pytest.StashKey[tuple[subprocess.Popen[bytes], Path]]()
CHECKOV_MARK = "checkov"
"""Marks the tests that read the session's checkov run (fixtures ``checkov_reports``, ``checkov_types``)."""
WANTS_CHECKOV = pytest.StashKey[bool]()
CHECKOV_RUN = pytest.StashKey["subprocess.Popen[bytes]"]()
"""The session's single checkov run, started as soon as the stacks exist (see ``_synthesized``)."""
MYPY_MARK = "mypy"
"""Marks the tests that read the session's background ``mypy`` gate run (fixture ``mypy_gate``)."""
_MYPY_RUN = pytest.StashKey[tuple["subprocess.Popen[bytes]", Path]]()
MYPY_CACHE = REPO_ROOT / (".mypy_cache" if ENGINE == "cdktf" else ".mypy_cache/cdktn")
"""The gate's mypy cache: the library and every engine and provider module it imports, checked with ``MYPY_OPTIONS``."""
MYPY_OPTIONS = ("--always-false", "CDKTN") if ENGINE == "cdktf" else ("--always-true", "CDKTN")
"""The option besides ``--strict`` in which the gate's configuration (pyproject / mypy-cdktn.ini) differs from mypy's defaults.

A consumer check run with ``--strict`` and these reuses ``MYPY_CACHE``'s entries for the engine and
provider packages (mypy keeps a module's cache only for the same options); the packaging test does.
"""

ENV_VARS_READ = (
    "PLATFORM_ENVIRONMENTS",
    "PLATFORM_PHASE",
    "TFC_ORGANIZATION",
    "TFC_WORKSPACE_PREFIX",
    "CDKTF_OUTDIR",
)

ENVIRONMENT_NAMES: tuple[str, ...] = tuple(path.stem for path in environment_files())
"""The repository's environment files (dev, prod, staging): the name of each is its file name."""

Combo = tuple[str, int]
ONLY_ENV = os.environ.get("HEALTHCARE_TEST_ENV") or None
"""``make check`` (the fast tier) sets it: the session synthesizes only that environment, at its file's phase, and no
bootstrap stack; every test parametrized over ``ALL_COMBOS`` runs for that one stack. Unset (``make test``): all of them."""


def _combos() -> tuple[Combo, ...]:
    if ONLY_ENV is None:
        return tuple((env, phase) for env in ENVIRONMENT_NAMES for phase in PHASES)
    if ONLY_ENV not in ENVIRONMENT_NAMES:
        raise pytest.UsageError(f"HEALTHCARE_TEST_ENV: environment must be one of {', '.join(ENVIRONMENT_NAMES)}, got {ONLY_ENV!r}")
    return ((ONLY_ENV, load_environment(ENVIRONMENTS_DIR / f"{ONLY_ENV}.toml").phase),)


ALL_COMBOS: tuple[Combo, ...] = _combos()
"""Every (environment, phase) the session synthesizes: all 12, or ``ONLY_ENV``'s one."""


@pytest.fixture(autouse=True)
def _clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tests never see the caller's platform or Terraform Cloud settings."""
    for name in ENV_VARS_READ:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture(scope="session")
def configs() -> dict[str, EnvironmentConfig]:
    """The repository's environment files, validated."""
    return load_all()


def config_at(configs: dict[str, EnvironmentConfig], env: str, phase: int) -> EnvironmentConfig:
    """``env``'s config previewed at ``phase``."""
    return configs[env].model_copy(update={"phase": phase})


@pytest.fixture(scope="session")
def _synthesized(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory, configs: dict[str, EnvironmentConfig]
) -> tuple[Path, dict[int, list[str]]]:
    """Every environment x phase through ``stacks.app.synthesize``: the root and each phase's warning lines.

    When checkov tests are selected, their single checkov run starts right here, in the
    background, so it uses the second core while the session's other tests run.
    """
    from stacks.app import synthesize

    root = tmp_path_factory.mktemp("synth")
    # The bootstrap stack (Terraform Cloud workspaces) does not depend on the phase: it is
    # synthesized once, next to the phase-1 stacks, so checkov and the secret scan cover it too.
    phases = sorted({phase for _, phase in ALL_COMBOS})
    warnings = {
        phase: synthesize(
            [config_at(configs, env, phase) for env, combo_phase in ALL_COMBOS if combo_phase == phase],
            root / f"phase{phase}",
            bootstrap=list(configs.values()) if phase == PHASES[0] and ENGINE == "cdktf" and ONLY_ENV is None else (),
        )
        for phase in phases
    }
    if request.config.stash.get(WANTS_CHECKOV, False):
        from tests.security._checkov import CheckovMissing, start_checkov

        try:
            request.config.stash[CHECKOV_RUN] = start_checkov(root, "terraform_json", "secrets")
        except CheckovMissing:
            pass  # checkov_reports runs it again and fails with the message
    return root, warnings


@pytest.fixture(scope="session")
def synth_root(_synthesized: tuple[Path, dict[int, list[str]]]) -> Path:
    """Every environment x phase, synthesized through ``stacks.app.synthesize`` into ``<root>/phase<N>``."""
    return _synthesized[0]


@pytest.fixture(scope="session")
def synth_warnings(_synthesized: tuple[Path, dict[int, list[str]]]) -> dict[int, list[str]]:
    """``{phase: warning lines}`` that ``synthesize`` returned for all environments at that phase (guardrail warnings among them)."""
    return _synthesized[1]


@pytest.fixture(scope="session")
def stacks(synth_root: Path) -> dict[Combo, dict[str, Any]]:
    """Parsed ``cdk.tf.json`` of every (environment, phase)."""
    return {(env, phase): json.loads((synth_root / f"phase{phase}" / "stacks" / env / "cdk.tf.json").read_text()) for env, phase in ALL_COMBOS}


@pytest.fixture(scope="session")
def bootstrap_stack(synth_root: Path) -> dict[str, Any]:
    """Parsed ``cdk.tf.json`` of the ``bootstrap`` stack (Terraform Cloud workspaces of every environment file).

    cdktf only: there is no prebuilt TFE provider for CDK Terrain, so tests of the bootstrap stack skip there.
    """
    if ENGINE != "cdktf":
        pytest.skip("the bootstrap stack needs the prebuilt TFE provider, which exists for cdktf only (docs/engines.md)")
    if ONLY_ENV is not None:
        pytest.skip(f"HEALTHCARE_TEST_ENV={ONLY_ENV}: the fast tier synthesizes one environment and no bootstrap stack")
    return json.loads((synth_root / f"phase{PHASES[0]}" / "stacks" / "bootstrap" / "cdk.tf.json").read_text())


def resources_of(stack: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    """``{name: block}`` of every ``resource_type`` resource in a synthesized stack."""
    return stack.get("resource", {}).get(resource_type, {})


def resource_addresses(stack: dict[str, Any]) -> set[str]:
    """``type.name`` of every resource and ``data.type.name`` of every data source."""
    addresses = {f"{t}.{n}" for t, blocks in stack.get("resource", {}).items() for n in blocks}
    addresses |= {f"data.{t}.{n}" for t, blocks in stack.get("data", {}).items() for n in blocks}
    return addresses


@pytest.fixture
def snapshot_json(snapshot: Any) -> Any:
    """syrupy snapshot stored as pretty JSON, one file per test."""
    return snapshot.use_extension(JSONSnapshotExtension)


@pytest.fixture
def fresh_stack() -> Iterator[Any]:
    """A ``TerraformStack`` in a fresh ``Testing.app()``, for construct unit tests."""
    from constructs_lib.engine.core import TerraformStack, Testing as CdktfTesting

    app = CdktfTesting.app()
    yield TerraformStack(app, "test")


def synth_json(stack: Any) -> dict[str, Any]:
    """Synthesize a stack (``Testing.synth``) and parse it."""
    from constructs_lib.engine.core import Testing as CdktfTesting

    return json.loads(CdktfTesting.synth(stack))


def _start_cdktf_synth() -> tuple[subprocess.Popen[bytes], Path]:
    workdir = Path(tempfile.mkdtemp(prefix="cdktf-cli-"))
    env = {**os.environ, "PATH": f"{CDKTF.parent}{os.pathsep}{os.environ['PATH']}", "CHECKPOINT_DISABLE": "1", "CI": "1"}
    for name in ENV_VARS_READ:  # the CLI synthesizes the defaults, like make synth
        env.pop(name, None)
    with (workdir / "cli.log").open("wb") as log:
        # cdktf.json's "app" is .venv's Python (cdktf); on cdktn the CLI runs this session's interpreter.
        app = [] if ENGINE == "cdktf" else ["--app", f"{sys.executable} main.py"]
        process = subprocess.Popen([str(CDKTF), "synth", *app, "--output", str(workdir / "out")], cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    return process, workdir


def _start_mypy() -> tuple[subprocess.Popen[bytes], Path]:
    """The code gate's ``mypy`` (files and strictness from [tool.mypy], or mypy-cdktn.ini on CDK Terrain), in the background."""
    config = [] if ENGINE == "cdktf" else ["--config-file", "mypy-cdktn.ini"]
    log = Path(tempfile.mkdtemp(prefix="mypy-gate-")) / "mypy.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [str(Path(sys.executable).parent / "mypy"), *config, "--cache-dir", str(MYPY_CACHE)], cwd=REPO_ROOT, stdout=out, stderr=subprocess.STDOUT
        )
    return process, log


def wait_for_mypy(config: pytest.Config) -> tuple[int, str]:
    """(exit status, output) of the session's mypy gate run, started now if collection did not start it."""
    if _MYPY_RUN not in config.stash:
        config.stash[_MYPY_RUN] = _start_mypy()
    process, log = config.stash[_MYPY_RUN]
    returncode = process.wait(timeout=900)
    return returncode, log.read_text(errors="replace")


@pytest.fixture(scope="session")
def mypy_gate(request: pytest.FixtureRequest) -> tuple[int, str]:
    """(exit status, output) of the code gate's ``mypy`` run, started in the background after collection."""
    return wait_for_mypy(request.config)


def pytest_sessionfinish() -> None:
    shutil.rmtree(_SESSION_TMP, ignore_errors=True)


_MARK_OF_FIXTURE = {"cdktf_cli_output": CLI_MARK, "checkov_reports": CHECKOV_MARK, "checkov_types": CHECKOV_MARK, "mypy_gate": MYPY_MARK}
"""A test using one of these fixtures must carry the marker, or it would wait for the process first."""


def _has(item: pytest.Item, mark: str) -> bool:
    return item.get_closest_marker(mark) is not None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that wait for background processes (markers ``cdktf_cli``, ``checkov``, ``mypy``) last.

    Their processes start early (after collection, after the session's synthesis) and use
    the second core while everything else runs; waiting for them first would serialize it all.
    """
    unmarked = sorted(
        f"{item.nodeid} uses {fixture} but is not marked {mark}"
        for item in items
        for fixture, mark in _MARK_OF_FIXTURE.items()
        if fixture in getattr(item, "fixturenames", ()) and not _has(item, mark)
    )
    if unmarked:
        raise pytest.UsageError("\n".join(unmarked))
    items.sort(key=lambda item: _has(item, CLI_MARK) or _has(item, CHECKOV_MARK) or _has(item, MYPY_MARK))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start ``cdktf synth`` as soon as its test is selected.

    It is a separate Node + Python process that pays the jsii import again; started now, it
    runs on the second core while this session synthesizes, instead of after it.
    """
    session.config.stash[WANTS_CHECKOV] = any(_has(item, CHECKOV_MARK) for item in session.items)
    if any(_has(item, MYPY_MARK) for item in session.items):
        session.config.stash[_MYPY_RUN] = _start_mypy()
    if any(_has(item, CLI_MARK) for item in session.items) and CDKTF.exists() and shutil.which("node"):
        session.config.stash[_CLI_RUN] = _start_cdktf_synth()


@pytest.fixture(scope="session")
def cdktf_cli_output(request: pytest.FixtureRequest) -> Iterator[tuple[int, str, Path]]:
    """(exit status, log, output folder) of ``cdktf synth`` through the pinned CLI."""
    process, workdir = request.config.stash.get(_CLI_RUN, None) or _start_cdktf_synth()
    try:
        returncode = process.wait(timeout=600)
        yield returncode, (workdir / "cli.log").read_text(errors="replace"), workdir / "out"
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        shutil.rmtree(workdir, ignore_errors=True)

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
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from syrupy.extensions.json import JSONSnapshotExtension

from constructs_lib.engine import ENGINE, memoize_binding_type_hints  # this session's engine (make test ENGINE=...); selecting imports no engine
from environments import ENVIRONMENTS_DIR, PHASES, EnvironmentConfig, environment_files, load_all, load_environment
from main import quiet_node_deprecations

REPO_ROOT = Path(__file__).resolve().parent.parent

# Synthesis must need no Terraform binary (users synthesize without one, and cdktf's own
# CloudBackend would shell out to `terraform version`): hide any terraform on PATH from the
# whole session, including the jsii Node process and every subprocess the tests start.
os.environ["PATH"] = os.pathsep.join(entry for entry in os.environ.get("PATH", "").split(os.pathsep) if not (Path(entry) / "terraform").exists())
quiet_node_deprecations(os.environ)  # as main.py does before jsii starts Node
memoize_binding_type_hints()  # as stacks.app.build_app does: construct unit tests build bindings without it
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
CHECKOV_MARK = "checkov"
"""Marks the tests that read the session's checkov run (fixtures ``checkov_reports``, ``checkov_types``)."""
WANTS_CHECKOV = pytest.StashKey[bool]()
CHECKOV_RUN = pytest.StashKey["subprocess.Popen[bytes]"]()
"""The session's single checkov run, started as soon as the stacks exist (see ``_synthesized``)."""
MYPY_MARK = "mypy"
"""Marks the tests that read the session's background ``mypy`` gate run (fixture ``mypy_gate``)."""
PACKAGING_MARK = "packaging"
"""Marks the tests that read the session's background consumer pipeline (fixture ``consumer_pipeline``: build, live index,
clean install, consumer programs; ``tests/packaging/consumer_pipeline.py``)."""
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


BACKGROUND_NICENESS = 10
"""Niceness of the session's background work (mypy, ``cdktf synth``, checkov, the consumer pipeline): they have slack
until the tests that read them run last, while the session's own tests are the run's critical path; on two cores
the scheduler then gives the tests the CPU first and the background work the rest (docs/performance.md). On Linux
the background work also runs under ``SCHED_IDLE``: niceness alone still let it delay the wake-ups of the session's
Python and Node processes, which wake each other thousands of times a second (one per jsii call)."""


def lower_priority(pid: int = 0) -> None:
    """Give process (or, on Linux, thread) ``pid`` (0: the caller) ``BACKGROUND_NICENESS`` and, where the platform has
    it, the ``SCHED_IDLE`` policy; what it starts afterwards inherits both."""
    try:
        os.setpriority(os.PRIO_PROCESS, pid, BACKGROUND_NICENESS)
        if hasattr(os, "SCHED_IDLE"):
            os.sched_setscheduler(pid, os.SCHED_IDLE, os.sched_param(0))
    except OSError:  # already exited, or not permitted: it runs at normal priority
        pass


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
            request.config.stash[CHECKOV_RUN] = checkov = start_checkov(root, "terraform_json", "secrets")
            lower_priority(checkov.pid)  # before its Python starts the parallel runners, which inherit it
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


JOBS_VARIABLE = "HEALTHCARE_TEST_JOBS"
"""Folder of the run's background jobs (``cdktf synth``, mypy): set by the session (or the pytest-xdist controller) that
starts them, inherited by every worker, so whichever process runs the waiting test finds them."""


@dataclass(frozen=True)
class _Job:
    """A background command whose output and exit status land in files of ``folder``: the session that started it or
    any pytest-xdist worker can wait for it (``make test`` runs two workers; their controller starts the jobs)."""

    folder: Path
    process: subprocess.Popen[bytes] | None = None
    """Set only in the process that started the job."""

    @classmethod
    def start(cls, name: str, command: Sequence[str], env: dict[str, str] | None = None) -> _Job:
        folder = _jobs_folder() / name
        folder.mkdir(parents=True)
        # The shell lowers its own priority before it starts the command (which inherits it): lower_priority after
        # Popen could come too late for the command. Without util-linux's chrt the job keeps the niceness only.
        lower = f"renice -n {BACKGROUND_NICENESS} -p $$ >/dev/null 2>&1; chrt --idle -p 0 $$ >/dev/null 2>&1"
        script = f'{lower}; log="$1"; rc="$2"; shift 2; "$@" > "$log" 2>&1; echo $? > "$rc.tmp"; mv "$rc.tmp" "$rc"'
        process = subprocess.Popen(["sh", "-c", script, name, str(folder / "log"), str(folder / "rc"), *command], cwd=REPO_ROOT, env=env)
        return cls(folder, process)

    @classmethod
    def find(cls, name: str) -> _Job | None:
        """The job ``name`` if this run started it (here, or in the pytest-xdist controller)."""
        folder = _jobs_folder() / name
        return cls(folder) if folder.is_dir() else None

    def wait(self, timeout: float) -> tuple[int, str]:
        """(exit status, output), waiting up to ``timeout`` seconds."""
        deadline = time.monotonic() + timeout
        while not (self.folder / "rc").exists():
            if time.monotonic() > deadline:
                raise TimeoutError(f"background job {self.folder.name} did not finish in {timeout:.0f} s")
            time.sleep(0.2)
        return int((self.folder / "rc").read_text()), (self.folder / "log").read_text(errors="replace")

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()


def _jobs_folder() -> Path:
    if JOBS_VARIABLE not in os.environ:
        os.environ[JOBS_VARIABLE] = tempfile.mkdtemp(prefix="pytest-jobs-")
        _OWN_JOBS_FOLDER.append(Path(os.environ[JOBS_VARIABLE]))
    return Path(os.environ[JOBS_VARIABLE])


_OWN_JOBS_FOLDER: list[Path] = []
"""The jobs folder if this process made it (removed at the end of the run, jobs or not; pytest-xdist's workers inherit it)."""


_STARTED: list[_Job] = []
"""Jobs this process started (stopped and removed at the end of the run)."""


def _start_cdktf_synth() -> _Job:
    env = {**os.environ, "PATH": f"{CDKTF.parent}{os.pathsep}{os.environ['PATH']}", "CHECKPOINT_DISABLE": "1", "CI": "1"}
    for name in ENV_VARS_READ:  # the CLI synthesizes the defaults, like make synth
        env.pop(name, None)
    # cdktf.json's "app" is .venv's Python (cdktf); on cdktn the CLI runs this session's interpreter.
    app = [] if ENGINE == "cdktf" else ["--app", f"{sys.executable} main.py"]
    out = _jobs_folder() / "cdktf-cli-out"
    job = _Job.start("cdktf-cli", [str(CDKTF), "synth", *app, "--output", str(out)], env)
    _STARTED.append(job)
    return job


def _start_mypy() -> _Job:
    """The code gate's ``mypy`` (files and strictness from [tool.mypy], or mypy-cdktn.ini on CDK Terrain), in the background."""
    config = [] if ENGINE == "cdktf" else ["--config-file", "mypy-cdktn.ini"]
    job = _Job.start("mypy", [str(Path(sys.executable).parent / "mypy"), *config, "--cache-dir", str(MYPY_CACHE)])
    _STARTED.append(job)
    return job


def wait_for_mypy() -> tuple[int, str]:
    """(exit status, output) of the run's mypy gate job, started now if nobody started it."""
    job = _Job.find("mypy") or _start_mypy()
    return job.wait(timeout=900)


@pytest.fixture(scope="session")
def mypy_gate() -> tuple[int, str]:
    """(exit status, output) of the code gate's ``mypy`` run, started in the background after collection."""
    return wait_for_mypy()


def pytest_sessionfinish(session: pytest.Session) -> None:
    if "tests.packaging.consumer_pipeline" in sys.modules:  # its index server stops before the temp dirs go
        sys.modules["tests.packaging.consumer_pipeline"].ConsumerPipeline.stop_running()
    shutil.rmtree(_SESSION_TMP, ignore_errors=True)
    for job in _STARTED:
        job.stop()
    for folder in _OWN_JOBS_FOLDER:
        shutil.rmtree(folder, ignore_errors=True)
    session.config.stash[FINISHED_SESSION] = session


FINISHED_SESSION = pytest.StashKey[pytest.Session]()


@pytest.hookimpl(trylast=True)
def pytest_unconfigure(config: pytest.Config) -> None:
    """The last thing pytest does: end the process with the session's exit status (``commands.common.exit_process``).

    Only in the pytest command itself (``python -m pytest``, ``pytest``), once the engine was imported, and not in a
    pytest-xdist worker: everything pytest writes is written by now, and tearing down a process that imported the
    engine takes ~4 s of freeing objects one by one (docs/performance.md).
    """
    session = config.stash.get(FINISHED_SESSION, None)
    main_module = sys.modules.get("__main__")
    started_as_pytest = getattr(getattr(main_module, "__spec__", None), "name", None) in ("pytest", "pytest.__main__") or Path(
        getattr(main_module, "__file__", "") or ""
    ).name in ("pytest", "py.test")
    if session is None or hasattr(config, "workerinput") or not started_as_pytest or "constructs_lib.engine.core" not in sys.modules:
        return
    from commands.common import exit_process

    exit_process(int(session.exitstatus))


def _selects(config: pytest.Config, test_file: str) -> bool:
    """Whether the command line's paths include ``test_file`` (no paths: ``testpaths``, the whole suite)."""
    target = (REPO_ROOT / test_file).resolve()
    paths = [Path(arg.split("::")[0]).resolve() for arg in config.args] or [REPO_ROOT / "tests"]
    return any(path == target or path in target.parents for path in paths)


STARTED_BEFORE_COLLECTION = pytest.StashKey[bool]()


def pytest_configure(config: pytest.Config) -> None:
    """Start the background jobs that the command line's paths select before collection, which runs on one core.

    Collection is mostly the engine's import (a Python and a Node process taking turns), so the second core is idle
    then: mypy, ``cdktf synth`` and the consumer pipeline start here instead of after collection. With ``-m`` or
    ``-k`` the paths do not tell, and ``pytest_collection_finish`` decides from the selected tests; ``--collect-only``
    starts nothing. Under pytest-xdist the controller starts them (each worker collects every test, so no worker can
    tell it is the one); the workers' packaging tests start the pipeline themselves.
    """
    if hasattr(config, "workerinput") or config.option.collectonly:
        return
    xdist = bool(getattr(config.option, "numprocesses", None))
    if not xdist and (config.option.markexpr or config.option.keyword):
        return
    if xdist:
        _jobs_folder()  # before the workers start: they inherit the variable
    if _selects(config, "tests/test_gates.py") or _selects(config, "tests/packaging"):
        _start_mypy()
    if _selects(config, "tests/stacks/test_cdktf_cli.py") and CDKTF.exists() and shutil.which("node"):
        _start_cdktf_synth()
    if not xdist and _selects(config, "tests/packaging"):
        from tests.packaging.consumer_pipeline import ConsumerPipeline

        ConsumerPipeline.running()  # a thread: build, index, install, consumer programs (each a subprocess)
    config.stash[STARTED_BEFORE_COLLECTION] = True


_MARK_OF_FIXTURE = {
    "cdktf_cli_output": CLI_MARK,
    "checkov_reports": CHECKOV_MARK,
    "checkov_types": CHECKOV_MARK,
    "mypy_gate": MYPY_MARK,
    "consumer_pipeline": PACKAGING_MARK,
}
"""A test using one of these fixtures must carry the marker, or it would wait for the process first."""


def _has(item: pytest.Item, mark: str) -> bool:
    return item.get_closest_marker(mark) is not None


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Run the tests that wait for background processes (markers ``cdktf_cli``, ``checkov``, ``mypy``, ``packaging``) last.

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
    items.sort(key=lambda item: any(_has(item, mark) for mark in (CLI_MARK, CHECKOV_MARK, MYPY_MARK, PACKAGING_MARK)))
    # pytest-xdist (--dist loadgroup): every test that reads the synthesized stacks goes to one worker, which
    # synthesizes them once and starts checkov; the other worker takes the rest (unit tests, packaging, docs, gates).
    for item in items:
        if "_synthesized" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.xdist_group("stacks"))


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start the background jobs of the selected tests, unless ``pytest_configure`` already did.

    ``cdktf synth`` is a separate Node + Python process that pays the jsii import again; started now, it
    runs on the second core while this session synthesizes, instead of after it.
    """
    session.config.stash[WANTS_CHECKOV] = any(_has(item, CHECKOV_MARK) for item in session.items)
    if session.config.option.collectonly or session.config.stash.get(STARTED_BEFORE_COLLECTION, False):
        return
    if hasattr(session.config, "workerinput"):
        return  # pytest-xdist: the controller started them (pytest_configure)
    if any(_has(item, MYPY_MARK) for item in session.items):
        _start_mypy()
    if any(_has(item, CLI_MARK) for item in session.items) and CDKTF.exists() and shutil.which("node"):
        _start_cdktf_synth()
    if any(_has(item, PACKAGING_MARK) for item in session.items):
        from tests.packaging.consumer_pipeline import ConsumerPipeline

        ConsumerPipeline.running()  # a thread: build, index, install, consumer programs (each a subprocess)


@pytest.fixture(scope="session")
def cdktf_cli_output(request: pytest.FixtureRequest) -> tuple[int, str, Path]:
    """(exit status, log, output folder) of ``cdktf synth`` through the pinned CLI."""
    job = _Job.find("cdktf-cli") or _start_cdktf_synth()
    returncode, log = job.wait(timeout=600)
    return returncode, log, _jobs_folder() / "cdktf-cli-out"

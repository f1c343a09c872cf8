"""The consumer's side of the library, prepared in the background while the rest of the session runs.

Real components, no mocks: ``python -m build`` makes the wheel and sdist, ``pypiserver`` serves them on
127.0.0.1 with upload authentication, ``twine`` uploads, a fresh venv installs
``healthcare-constructs[<engine>]`` (the session's engine) from that index only, and ONE process
(``DRIVER``) runs every consumer program: ``examples/quickstart.py`` as a user's ``app.py``, every
``python`` block of the installed README, and a construct without its provider.

Every step waits on a subprocess (a build, pip, a jsii program that imports the providers), so
``tests/conftest.py`` starts the pipeline in a thread right after collection: it runs on the second
core while the session synthesizes and runs the other tests, instead of blocking them for ~40 s. The
packaging tests (marker ``packaging``) run last and read what each stage made (``ConsumerPipeline.wait``);
a stage that failed raises its error in every test that needs it.

The fresh venv does not re-download the ~600 MB of jsii provider packages on every run: a ``.pth``
file makes the app venv's already-installed dependencies visible, and pip then checks the wheel's
declared ranges against them (a range they do not satisfy fails the install, since the local index
holds nothing else).
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import sysconfig
import tempfile
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from constructs_lib import __version__
from constructs_lib.engine import ENGINE
from tests.packaging.install_line import requirement
from tests.packaging.readme_examples import DRIVER, python_blocks

REPO_ROOT = Path(__file__).resolve().parents[2]
USER, PASSWORD = "publisher", "local-index-test-only"
STAGES = ("dist", "index", "installed", "consumer")
"""What the pipeline makes, in order; ``wait(stage)`` returns once that stage is done."""

MISSING_PROVIDER = """
from pathlib import Path
from constructs_lib.engine.core import App, TerraformStack
from constructs_lib import MissingProviderError, NeonDatabase, NeonDatabaseProps
stack = TerraformStack(App(), 'test')
try:
    NeonDatabase(stack, 'Database', NeonDatabaseProps(project_name='acme-dev'))
except MissingProviderError as error:
    Path('error.txt').write_text(str(error))
"""


def run(*command: str | Path, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run ``command``; with ``check``, a non-zero exit raises with its output."""
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}")
    return result


@dataclass(frozen=True)
class Installed:
    """A clean venv with the library installed from the live index."""

    python: Path
    site: Path


@dataclass(frozen=True)
class Consumer:
    """What the one consumer process made from the installed wheel (``examples/quickstart.py`` as a user's ``app.py``,
    every ``python`` block of the installed README, a construct without its provider)."""

    python: Path
    site: Path
    quickstart: Path
    readme: Path
    readme_files: tuple[Path, ...]
    gate_block: str
    missing_provider: Path


def build_dist(root: Path) -> Path:
    """Wheel and sdist of the library, built from a copy of the sources (the repo stays clean)."""
    source = root / "source"
    source.mkdir()
    for name in ("pyproject.toml", "CHANGELOG.md"):
        (source / name).write_bytes((REPO_ROOT / name).read_bytes())
    run("cp", "-r", REPO_ROOT / "constructs_lib", source / "constructs_lib")
    run("find", source, "-name", "__pycache__", "-prune", "-exec", "rm", "-rf", "{}", "+")
    out = root / "dist"
    run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, source)
    run(sys.executable, "-m", "twine", "check", "--strict", *sorted(out.iterdir()))
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_index(root: Path) -> tuple[str, subprocess.Popen[bytes]]:
    """A live pypiserver on 127.0.0.1 that requires authentication to upload: (url, server process)."""
    # passlib (pypiserver's own htpasswd library) imports the deprecated crypt module: pyproject.toml's filterwarnings
    # ignores that warning (a catch_warnings() here, in the pipeline's thread, races with pytest's per-test filters).
    from passlib.apache import HtpasswdFile

    folder = root / "index"
    (folder / "packages").mkdir(parents=True)
    htpasswd = HtpasswdFile(str(folder / "htpasswd"), new=True)
    htpasswd.set_password(USER, PASSWORD)
    htpasswd.save()
    port = _free_port()
    with (folder / "pypiserver.log").open("wb") as log:
        command = [sys.executable, "-m", "pypiserver", "run", "--interface", "127.0.0.1", "--port", str(port)]
        command += ["--passwords", str(folder / "htpasswd"), "--authenticate", "update", str(folder / "packages")]
        server = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(f"{url}/simple/", timeout=1).close()
            return url, server
        except (urllib.error.URLError, ConnectionError):
            if server.poll() is not None:
                raise AssertionError((folder / "pypiserver.log").read_text()) from None
            time.sleep(0.1)
    server.terminate()
    raise AssertionError(f"pypiserver did not answer on {url} within 10 s:\n{(folder / 'pypiserver.log').read_text()}")


def install(root: Path, dist: Path, index_url: str) -> Installed:
    """Upload ``dist`` with the right credentials, then install the library into a clean venv from the index only."""
    run(sys.executable, "-m", "twine", "upload", "--non-interactive", "--repository-url", index_url, "-u", USER, "-p", PASSWORD, *sorted(dist.iterdir()))
    venv = root / "consumer" / "venv"
    run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "app_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # With the extra of the engine this session runs on (make test ENGINE=...): each engine's run installs its own.
    run(python, "-m", "pip", "install", "--no-cache-dir", "--index-url", f"{index_url}/simple/", f"{requirement(ENGINE)}=={__version__}")
    return Installed(python, site)


def installed_readme(python: Path, cwd: Path) -> str:
    """The long description (the README) of the installed distribution, as the consumer's Python reads it."""
    code = "import importlib.metadata as m; print(m.metadata('healthcare-constructs').get_payload())"
    return run(python, "-c", code, cwd=cwd).stdout


def run_consumer_programs(root: Path, installed: Installed) -> Consumer:
    """Runs every consumer program in ONE process (``DRIVER``: each in its own folder): the jsii runtime
    and the provider packages are imported once for all of them, not once per program."""
    python = installed.python
    programs = root / "consumer-programs"
    quickstart = programs / "user-project"
    quickstart.mkdir(parents=True)
    (quickstart / "app.py").write_bytes((REPO_ROOT / "examples" / "quickstart.py").read_bytes())
    readme = programs / "readme"
    readme.mkdir()
    blocks = python_blocks(installed_readme(python, readme))
    gate_blocks = [b for b in blocks if "checkov_gate.run(" in b]
    construct_blocks = [b for b in blocks if b not in gate_blocks]
    if len(gate_blocks) != 1 or len(construct_blocks) < 6:
        raise AssertionError(f"{len(blocks)} python blocks in the installed README: expected one checkov gate snippet and at least 6 construct examples")
    files = []
    for number, block in enumerate(construct_blocks, start=1):
        folder = readme / f"example_{number}"
        folder.mkdir()
        (folder / f"example_{number}.py").write_text(block)
        files.append(folder / f"example_{number}.py")
    missing_provider = programs / "missing-provider"
    missing_provider.mkdir()
    (missing_provider / "check.py").write_text(MISSING_PROVIDER)
    run(python, "-c", DRIVER, quickstart / "app.py", *files, missing_provider / "check.py", cwd=programs)
    return Consumer(python, installed.site, quickstart, readme, tuple(files), gate_blocks[0], missing_provider)


class ConsumerPipeline:
    """``build_dist`` → ``start_index`` → ``install`` → ``run_consumer_programs`` in a background thread."""

    _running: ConsumerPipeline | None = None

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="pytest-consumer-"))
        self._done = {stage: threading.Event() for stage in STAGES}
        self._made: dict[str, Any] = {}
        self._error: BaseException | None = None
        self._server: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._stopped = False
        self._thread = threading.Thread(target=self._prepare, name="consumer-pipeline", daemon=True)

    @classmethod
    def running(cls) -> ConsumerPipeline:
        """This session's pipeline, started now if ``tests/conftest.py`` did not start it after collection."""
        if cls._running is None:
            cls._running = cls()
            cls._running._thread.start()
        return cls._running

    @classmethod
    def stop_running(cls) -> None:
        """End of the session: stop the index server (or keep it from starting) and remove what the pipeline made.

        Does not wait for an unfinished stage (an interrupted or ``--collect-only`` run ends at once); the daemon
        thread's current subprocess finishes on its own.
        """
        pipeline, cls._running = cls._running, None
        if pipeline is None:
            return
        with pipeline._lock:
            pipeline._stopped = True
            if pipeline._server is not None:
                pipeline._server.terminate()
                pipeline._server.wait(timeout=10)
        shutil.rmtree(pipeline.root, ignore_errors=True)

    def _prepare(self) -> None:
        if sys.platform == "linux":  # niceness is per thread there: this thread's subprocesses inherit it, the tests keep theirs
            from tests.conftest import lower_priority

            lower_priority(threading.get_native_id())
        try:
            dist = self._finish("dist", build_dist(self.root))
            url, server = start_index(self.root)
            with self._lock:
                self._server = server
                if self._stopped:  # the session ended meanwhile
                    server.terminate()
                    return
            self._finish("index", url)
            installed = self._finish("installed", install(self.root, dist, url))
            self._finish("consumer", run_consumer_programs(self.root, installed))
        except BaseException as exc:  # reported by wait() in every test that needs a stage not made
            self._error = exc
            for event in self._done.values():
                event.set()

    def _finish(self, stage: str, made: Any) -> Any:
        self._made[stage] = made
        self._done[stage].set()
        return made

    def wait(self, stage: str, timeout: float = 900) -> Any:
        """What ``stage`` made (one of ``STAGES``), waiting for it; re-raises the failure of a stage it needed."""
        if not self._done[stage].wait(timeout):
            raise TimeoutError(f"the consumer pipeline did not finish {stage!r} in {timeout:.0f} s")
        if stage not in self._made:
            raise AssertionError(f"the consumer pipeline failed before {stage!r}: {self._error!r}") from self._error
        return self._made[stage]

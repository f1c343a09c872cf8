"""The library as a package: build, publish to a live local index, install into a clean venv, synthesize.

Real components, no mocks: ``python -m build`` makes the wheel and sdist, ``pypiserver``
serves them on 127.0.0.1 with upload authentication, ``twine`` uploads, and a fresh venv
installs ``healthcare-constructs[<engine>]`` (the session's engine) from that index only, then runs ``examples/quickstart.py``
(every construct of the library) from a folder outside the repository, and every ``python``
example of the README that ships in the wheel's metadata: each synthesizes, the consumer
checkov gate (``healthcare-checkov-gate``) passes on their output, and ``mypy --strict`` finds
nothing in them against the installed package.

The fresh venv does not re-download the ~600 MB of jsii provider packages on every run:
a ``.pth`` file makes the app venv's already-installed dependencies visible, and pip then
checks the wheel's declared ranges against them (a range they do not satisfy fails the
install, since the local index holds nothing else).
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.error
import urllib.request
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from constructs_lib import __version__
from constructs_lib.engine import ENGINE
from tests.conftest import MYPY_CACHE, MYPY_OPTIONS, REPO_ROOT, wait_for_mypy
from tests.packaging.install_line import requirement
from tests.packaging.readme_examples import DRIVER, python_blocks

pytestmark = pytest.mark.slow

USER, PASSWORD = "publisher", "local-index-test-only"


def _run(*command: str | Path, cwd: Path | None = None, check: bool = True) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([str(c) for c in command], cwd=cwd, capture_output=True, text=True, timeout=600)
    if check and result.returncode != 0:
        raise AssertionError(f"{' '.join(map(str, command))} failed:\n{result.stdout}\n{result.stderr}")
    return result


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Wheel and sdist of the library, built from a copy of the sources (the repo stays clean)."""
    source = tmp_path_factory.mktemp("source")
    for name in ("pyproject.toml", "CHANGELOG.md"):
        (source / name).write_bytes((REPO_ROOT / name).read_bytes())
    _run("cp", "-r", REPO_ROOT / "constructs_lib", source / "constructs_lib")
    _run("find", source, "-name", "__pycache__", "-prune", "-exec", "rm", "-rf", "{}", "+")
    out = tmp_path_factory.mktemp("dist")
    _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, source)
    _run(sys.executable, "-m", "twine", "check", "--strict", *sorted(out.iterdir()))
    return out


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def index_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A live pypiserver on 127.0.0.1 that requires authentication to upload."""
    with warnings.catch_warnings():  # passlib (pypiserver's own htpasswd library) imports the deprecated crypt module
        warnings.filterwarnings("ignore", message="'crypt' is deprecated", category=DeprecationWarning)
        from passlib.apache import HtpasswdFile

    root = tmp_path_factory.mktemp("index")
    (root / "packages").mkdir()
    htpasswd = HtpasswdFile(str(root / "htpasswd"), new=True)
    htpasswd.set_password(USER, PASSWORD)
    htpasswd.save()
    port = _free_port()
    log = (root / "pypiserver.log").open("wb")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "pypiserver",
            "run",
            "--interface",
            "127.0.0.1",
            "--port",
            str(port),
            "--passwords",
            str(root / "htpasswd"),
            "--authenticate",
            "update",
            str(root / "packages"),
        ],
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/simple/", timeout=1).close()
                break
            except (urllib.error.URLError, ConnectionError):
                assert server.poll() is None, (root / "pypiserver.log").read_text()
                time.sleep(0.1)
        yield url
    finally:
        server.terminate()
        server.wait(timeout=10)
        log.close()


def test_wheel_holds_the_library_only(dist: Path) -> None:
    (wheel,) = dist.glob("*.whl")
    assert wheel.name == f"healthcare_constructs-{__version__}-py3-none-any.whl"
    names = zipfile.ZipFile(wheel).namelist()
    top_level = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top_level == {"constructs_lib"}
    assert "constructs_lib/py.typed" in names
    assert "constructs_lib/providers/neon/schema.json" in names
    assert "constructs_lib/providers/railway/schema.json" in names
    assert not [n for n in names if n.endswith("conformance.py")]  # the schema checker is test-only (tests/conformance.py)
    metadata = zipfile.ZipFile(wheel).read(f"healthcare_constructs-{__version__}.dist-info/METADATA").decode()
    # The engine is an extra; the base package pulls none (constructs_lib.engine picks the installed one).
    assert 'Requires-Dist: cdktf<0.22,>=0.21.0; extra == "cdktf"' in metadata, metadata
    assert 'Requires-Dist: cdktn<0.25,>=0.24.0; extra == "cdktn"' in metadata, metadata
    assert "Provides-Extra: cdktf" in metadata and "Provides-Extra: cdktn" in metadata
    entry_points = zipfile.ZipFile(wheel).read(f"healthcare_constructs-{__version__}.dist-info/entry_points.txt").decode()
    assert "healthcare-checkov-gate = constructs_lib.checkov_gate:main" in entry_points
    assert len(list(dist.glob("*.tar.gz"))) == 1


def test_upload_needs_credentials(dist: Path, index_url: str) -> None:
    result = _run(
        sys.executable,
        "-m",
        "twine",
        "upload",
        "--non-interactive",
        "--repository-url",
        index_url,
        "-u",
        USER,
        "-p",
        "wrong-password",
        *sorted(dist.iterdir()),
        check=False,
    )
    assert result.returncode != 0
    assert "403" in result.stdout + result.stderr or "401" in result.stdout + result.stderr


@pytest.fixture(scope="module")
def installed(dist: Path, index_url: str, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(python, site-packages) of a clean venv with the library installed from the live index."""
    _run(sys.executable, "-m", "twine", "upload", "--non-interactive", "--repository-url", index_url, "-u", USER, "-p", PASSWORD, *sorted(dist.iterdir()))
    venv = tmp_path_factory.mktemp("consumer") / "venv"
    _run(sys.executable, "-m", "venv", venv)
    python = venv / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "app_dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    # With the extra of the engine this session runs on (make test ENGINE=...): each engine's run installs its own.
    _run(python, "-m", "pip", "install", "--no-cache-dir", "--index-url", f"{index_url}/simple/", f"{requirement(ENGINE)}=={__version__}")
    return python, site


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


@dataclass(frozen=True)
class Consumer:
    """What one consumer process made from the installed wheel (``examples/quickstart.py`` as a user's ``app.py``,
    every ``python`` block of the installed README, a construct without its provider)."""

    python: Path
    site: Path
    quickstart: Path
    readme: Path
    readme_files: tuple[Path, ...]
    gate_block: str
    missing_provider: Path


@pytest.fixture(scope="module")
def consumer(installed: tuple[Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Consumer:
    """Runs every consumer program in ONE process (``DRIVER``: each in its own folder): the jsii runtime
    and the provider packages are imported once for all of them, not once per program."""
    python, site = installed
    root = tmp_path_factory.mktemp("consumer-programs")
    quickstart = root / "user-project"
    quickstart.mkdir()
    (quickstart / "app.py").write_bytes((REPO_ROOT / "examples" / "quickstart.py").read_bytes())
    readme = root / "readme"
    readme.mkdir()
    blocks = python_blocks(_installed_readme(python, readme))
    gate_blocks = [b for b in blocks if "checkov_gate.run(" in b]
    construct_blocks = [b for b in blocks if b not in gate_blocks]
    assert len(gate_blocks) == 1 and len(construct_blocks) >= 6, f"{len(blocks)} python blocks in the installed README"
    files = []
    for number, block in enumerate(construct_blocks, start=1):
        folder = readme / f"example_{number}"
        folder.mkdir()
        (folder / f"example_{number}.py").write_text(block)
        files.append(folder / f"example_{number}.py")
    missing_provider = root / "missing-provider"
    missing_provider.mkdir()
    (missing_provider / "check.py").write_text(MISSING_PROVIDER)
    _run(python, "-c", DRIVER, quickstart / "app.py", *files, missing_provider / "check.py", cwd=root)
    return Consumer(python, site, quickstart, readme, tuple(files), gate_blocks[0], missing_provider)


def test_installs_from_the_index_into_a_clean_venv_and_synthesizes(consumer: Consumer) -> None:
    located = _run(consumer.python, "-c", "import constructs_lib; print(constructs_lib.__file__)", cwd=consumer.quickstart).stdout
    assert located.startswith(str(consumer.site)), located
    stack = json.loads((consumer.quickstart / "cdktf.out" / "stacks" / "quickstart" / "cdk.tf.json").read_text())
    types = set(stack["resource"])
    for expected in (
        "neon_project",
        "postgresql_role",
        "postgresql_grant",
        "random_bytes",
        "aws_kms_alias",
        "aws_s3_bucket",
        "railway_service",
        "cloudflare_zone_setting",
        "aws_vpc",
        "aws_cloudtrail",
        "aws_route53_health_check",
        "aws_budgets_budget",
        "aws_cloudwatch_dashboard",
        "aws_iam_account_password_policy",
    ):
        assert expected in types, sorted(types)


def _installed_readme(python: Path, cwd: Path) -> str:
    code = "import importlib.metadata as m; print(m.metadata('healthcare-constructs').get_payload())"
    return _run(python, "-c", code, cwd=cwd).stdout


def test_readme_examples_run_from_the_installed_wheel_pass_the_checkov_gate_and_mypy(consumer: Consumer, tmp_path: Path) -> None:
    python, root, files = consumer.python, consumer.readme, consumer.readme_files
    synthesized = sorted(p.relative_to(root).as_posix() for p in root.glob("example_*/cdktf.out/stacks/*/cdk.tf.json"))
    assert len(synthesized) == len(files), synthesized

    # The gate as a console script over every example: clean, the constructs' own decisions accepted with reasons.
    gate = _run(python.parent / "healthcare-checkov-gate", root, check=False, cwd=root)
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert " 0 failed and not accepted" in gate.stdout
    assert "(construct): S3 server access logging cannot deliver" in gate.stdout

    # The README's Python gate snippet, next to the SecureS3 example's output, with an accepted file of its own.
    storage = next(f.parent for f in files if "SecureS3Props(" in f.read_text() and "AuditTrail" not in f.read_text())
    (storage / "checkov_accepted.toml").write_text("# no accepted findings of our own\n")
    (storage / "gate.py").write_text(consumer.gate_block)
    snippet = _run(python, "gate.py", cwd=storage)
    assert "checkov gate:" in snippet.stdout

    # mypy (from the app's toolchain, seen through the .pth) resolves constructs_lib to the installed wheel.
    # It starts from a copy of the code gate's cache, checked with the same options: the engine and
    # provider packages (~80 s of mypy's time when cold) are already there; the installed library is not.
    (root / "quickstart.py").write_bytes((REPO_ROOT / "examples" / "quickstart.py").read_bytes())
    cache = tmp_path / "mypy-cache"
    gate_status, gate_output = wait_for_mypy()
    assert gate_status == 0, f"the code gate's mypy failed first:\n{gate_output}"
    shutil.copytree(MYPY_CACHE, cache)
    mypy = [python, "-m", "mypy", "--strict", *MYPY_OPTIONS, "--cache-dir", cache]
    out = _run(*mypy, "--no-error-summary", *files, "quickstart.py", cwd=root, check=False).stdout
    assert out.strip() == "", out
    # ...and it does see the package's types (a lazy export typed as Any would pass anything).
    (root / "wrong.py").write_text("from constructs_lib import NeonDatabaseProps\n\nNeonDatabaseProps(project_name=1)\n")
    wrong = _run(*mypy, "wrong.py", cwd=root, check=False)
    assert wrong.returncode == 1 and 'Argument "project_name" to "NeonDatabaseProps" has incompatible type "int"; expected "str"' in wrong.stdout, wrong.stdout


def test_a_construct_without_its_provider_names_the_provider(consumer: Consumer) -> None:
    out = (consumer.missing_provider / "error.txt").read_text()
    assert out == "test/Database: NeonDatabase needs a NeonProvider in stack 'test': add constructs_lib.NeonProvider(stack, 'neon') first"


def test_the_gate_script_says_how_to_get_checkov(installed: tuple[Path, Path], tmp_path: Path) -> None:
    python, _ = installed
    (tmp_path / "cdktf.out").mkdir()
    result = _run(python.parent / "healthcare-checkov-gate", "cdktf.out", "--checkov", tmp_path / "no-checkov", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "checkov not found at" in result.stderr and "pip install checkov" in result.stderr

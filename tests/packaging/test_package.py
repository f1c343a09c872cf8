"""The library as a package: build, publish to a live local index, install into a clean venv, synthesize.

``tests/packaging/consumer_pipeline.py`` does the building, publishing, installing and running (real
``build``, ``pypiserver``, ``twine``, pip and jsii processes, no mocks) in the background from the end of
collection; these tests run last (marker ``packaging``) and judge what it made: the wheel holds the
library only, the index refuses an upload without credentials, ``examples/quickstart.py`` (every construct
of the library) and every ``python`` example of the README that ships in the wheel's metadata synthesize
from a folder outside the repository, the consumer checkov gate (``healthcare-checkov-gate``) passes on
their output, and ``mypy --strict`` finds nothing in them against the installed package.
"""

from __future__ import annotations

import json
import shutil
import sys
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from constructs_lib import __version__
from tests.conftest import MYPY_CACHE, MYPY_OPTIONS, REPO_ROOT, wait_for_mypy
from tests.packaging.consumer_pipeline import USER, Consumer, ConsumerPipeline, Installed, run

pytestmark = [pytest.mark.slow, pytest.mark.packaging]


@pytest.fixture(scope="module")
def consumer_pipeline() -> ConsumerPipeline:
    """The session's pipeline (started after collection by tests/conftest.py, or now)."""
    return ConsumerPipeline.running()


@pytest.fixture(scope="module")
def dist(consumer_pipeline: ConsumerPipeline) -> Path:
    """Wheel and sdist of the library, built from a copy of the sources (the repo stays clean)."""
    return Path(consumer_pipeline.wait("dist"))


@pytest.fixture(scope="module")
def index_url(consumer_pipeline: ConsumerPipeline) -> str:
    """A live pypiserver on 127.0.0.1 that requires authentication to upload."""
    return str(consumer_pipeline.wait("index"))


@pytest.fixture(scope="module")
def installed(consumer_pipeline: ConsumerPipeline) -> Installed:
    """A clean venv with the library installed from the live index."""
    made: Installed = consumer_pipeline.wait("installed")
    return made


@pytest.fixture(scope="module")
def consumer(consumer_pipeline: ConsumerPipeline) -> Consumer:
    """What the one consumer process made from the installed wheel."""
    made: Consumer = consumer_pipeline.wait("consumer")
    return made


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
    result = run(
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


def test_installs_from_the_index_into_a_clean_venv_and_synthesizes(consumer: Consumer) -> None:
    located = run(consumer.python, "-c", "import constructs_lib; print(constructs_lib.__file__)", cwd=consumer.quickstart).stdout
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


def test_readme_examples_run_from_the_installed_wheel_pass_the_checkov_gate_and_mypy(consumer: Consumer, tmp_path: Path) -> None:
    python, root, files = consumer.python, consumer.readme, consumer.readme_files
    synthesized = sorted(p.relative_to(root).as_posix() for p in root.glob("example_*/cdktf.out/stacks/*/cdk.tf.json"))
    assert len(synthesized) == len(files), synthesized

    # Three independent checks, run side by side (this test runs last, when the session has nothing else to do):
    # 1. The gate as a console script over every example: clean, the constructs' own decisions accepted with reasons.
    # 2. The README's Python gate snippet, over a copy of the SecureS3 example's output, with an accepted file of its own.
    storage = next(f.parent for f in files if "SecureS3Props(" in f.read_text() and "AuditTrail" not in f.read_text())
    snippet = tmp_path / "snippet"
    shutil.copytree(storage / "cdktf.out", snippet / "cdktf.out")
    (snippet / "checkov_accepted.toml").write_text("# no accepted findings of our own\n")
    (snippet / "gate.py").write_text(consumer.gate_block)
    # 3. mypy (from the app's toolchain, seen through the .pth) resolves constructs_lib to the installed wheel: the
    # examples and the quickstart check clean, and a wrong argument type is found (a lazy export typed as Any would
    # pass anything). It starts from a copy of the code gate's cache, checked with the same options: the engine and
    # provider packages (~80 s of mypy's time when cold) are already there; the installed library is not.
    typed = tmp_path / "typed"
    typed.mkdir()
    (typed / "quickstart.py").write_bytes((REPO_ROOT / "examples" / "quickstart.py").read_bytes())
    (typed / "wrong.py").write_text("from constructs_lib import NeonDatabaseProps\n\nNeonDatabaseProps(project_name=1)\n")
    cache = tmp_path / "mypy-cache"
    gate_status, gate_output = wait_for_mypy()
    assert gate_status == 0, f"the code gate's mypy failed first:\n{gate_output}"
    shutil.copytree(MYPY_CACHE, cache)
    mypy = [python, "-m", "mypy", "--strict", *MYPY_OPTIONS, "--cache-dir", cache, "--no-error-summary"]
    with ThreadPoolExecutor(max_workers=3) as pool:
        gate_run = pool.submit(run, python.parent / "healthcare-checkov-gate", root, check=False, cwd=root)
        snippet_run = pool.submit(run, python, "gate.py", cwd=snippet)
        typed_run = pool.submit(run, *mypy, *files, typed / "quickstart.py", typed / "wrong.py", cwd=root, check=False)
    gate = gate_run.result()
    assert gate.returncode == 0, gate.stdout + gate.stderr
    assert " 0 failed and not accepted" in gate.stdout
    assert "(construct): S3 server access logging cannot deliver" in gate.stdout
    assert "checkov gate:" in snippet_run.result().stdout
    typing_result = typed_run.result()
    wrong_type = 'wrong.py:3: error: Argument "project_name" to "NeonDatabaseProps" has incompatible type "int"; expected "str"'
    lines = typing_result.stdout.strip().splitlines()
    assert typing_result.returncode == 1 and len(lines) == 1 and wrong_type in lines[0], typing_result.stdout


def test_a_construct_without_its_provider_names_the_provider(consumer: Consumer) -> None:
    out = (consumer.missing_provider / "error.txt").read_text()
    assert out == "test/Database: NeonDatabase needs a NeonProvider in stack 'test': add constructs_lib.NeonProvider(stack, 'neon') first"


def test_the_gate_script_says_how_to_get_checkov(installed: Installed, tmp_path: Path) -> None:
    python = installed.python
    (tmp_path / "cdktf.out").mkdir()
    result = run(python.parent / "healthcare-checkov-gate", "cdktf.out", "--checkov", tmp_path / "no-checkov", cwd=tmp_path, check=False)
    assert result.returncode == 2
    assert "checkov not found at" in result.stderr and "pip install checkov" in result.stderr

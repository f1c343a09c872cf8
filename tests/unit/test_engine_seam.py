"""The engine seam (constructs_lib/engine): the one place that imports CDK for Terraform or CDK Terrain."""

from __future__ import annotations

import ast
import gc
import importlib
import importlib.util

import pytest

from constructs_lib import engine
from tests.conftest import REPO_ROOT
from tools import generate_engine_seam

ENGINE_PACKAGES = ("cdktf", "cdktn")
SEAM = REPO_ROOT / "constructs_lib" / "engine"


def _engine_imports(tree: ast.AST) -> list[str]:
    """Modules of ``tree``'s imports that belong to an engine (core or prebuilt provider)."""
    found = []
    for node in ast.walk(tree):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else [node.module or ""] if isinstance(node, ast.ImportFrom) else []
        found += [n for n in names if n.split(".")[0] in ENGINE_PACKAGES or n.startswith(("cdktf_cdktf_provider_", "cdktn_provider_"))]
    return found


def test_the_seam_modules_are_generated_from_the_spec() -> None:
    assert generate_engine_seam.main(["--check"]) == 0, "run python tools/generate_engine_seam.py"


def test_nothing_outside_the_seam_imports_an_engine() -> None:
    offenders = {}
    for root in ("constructs_lib", "stacks", "environments", "commands", "main.py", "examples", "tests", "benchmarks"):
        path = REPO_ROOT / root
        for file in [path] if path.is_file() else sorted(path.rglob("*.py")):
            if SEAM in file.parents:
                continue
            imports = _engine_imports(ast.parse(file.read_text()))
            if imports:
                offenders[str(file.relative_to(REPO_ROOT))] = imports
    assert offenders == {}, "import engine classes from constructs_lib.engine.core / .aws / ... (docs/engines.md)"


@pytest.mark.parametrize("module", sorted(p.stem for p in SEAM.glob("*.py") if p.stem != "__init__"))
def test_both_branches_export_the_same_names(module: str) -> None:
    tree = ast.parse((SEAM / f"{module}.py").read_text())
    # Every engine import runs with the collector paused (constructs_lib.engine._collector_paused).
    assert not any(isinstance(node, (ast.If, ast.Import, ast.ImportFrom)) and _engine_imports(node) for node in tree.body)
    (paused,) = [node for node in tree.body if isinstance(node, ast.With)]
    assert ast.unparse(paused.items[0].context_expr) == "_collector_paused()"
    (branch,) = [node for node in paused.body if isinstance(node, ast.If)]
    assert isinstance(branch.test, ast.Name) and branch.test.id == "CDKTN"

    def names(body: list[ast.stmt]) -> set[str]:
        imported = {a.asname or a.name for n in body if isinstance(n, ast.ImportFrom) for a in n.names}
        declared = {n.target.id for n in body if isinstance(n, ast.AnnAssign) and isinstance(n.target, ast.Name)}
        return imported | declared

    cdktn, cdktf = names(branch.body), names(branch.orelse)
    assert cdktn == cdktf and cdktf, (sorted(cdktn ^ cdktf), module)
    assert all(isinstance(n, ast.ImportFrom) and (n.module or "").startswith("cdktf") for n in branch.orelse)


def test_the_running_engine_is_the_selected_one() -> None:
    assert engine.ENGINE in ENGINE_PACKAGES
    assert engine.CDKTN is (engine.ENGINE == "cdktn")
    from constructs_lib.engine.core import App

    assert App.__module__.split(".")[0] == engine.ENGINE


def test_an_unknown_engine_is_refused_naming_the_choices() -> None:
    with pytest.raises(engine.EngineNotInstalledError, match=r"^HEALTHCARE_CDK_ENGINE must be one of cdktf, cdktn, got 'cdk'$"):
        engine._select({"HEALTHCARE_CDK_ENGINE": "cdk"})


@pytest.mark.parametrize("requested", ENGINE_PACKAGES)
def test_a_requested_engine_runs_or_names_its_extra(requested: str) -> None:
    if importlib.util.find_spec(requested) is not None:
        assert engine._select({"HEALTHCARE_CDK_ENGINE": requested}) == requested
    else:
        with pytest.raises(engine.EngineNotInstalledError, match=rf"install healthcare-constructs\[{requested}\]$"):
            engine._select({"HEALTHCARE_CDK_ENGINE": requested})


def test_unset_prefers_cdktf_when_installed() -> None:
    expected = "cdktf" if importlib.util.find_spec("cdktf") is not None else "cdktn"
    assert engine._select({}) == expected


def test_the_tfe_seam_names_the_reason_on_cdktn() -> None:
    text = (SEAM / "tfe.py").read_text()
    assert "there is no prebuilt TFE provider for CDK Terrain" in text
    if engine.CDKTN:
        with pytest.raises(engine.EngineNotInstalledError, match="no prebuilt TFE provider"):
            importlib.import_module("constructs_lib.engine.tfe")


def test_generated_bindings_use_the_seam() -> None:
    for file in sorted((REPO_ROOT / "constructs_lib" / "providers").rglob("*.py")):
        assert _engine_imports(ast.parse(file.read_text())) == [], file
    assert "from ...engine import core as cdk" in (REPO_ROOT / "constructs_lib" / "providers" / "neon" / "project.py").read_text()


def test_snapshot_mapping_hides_only_the_known_engine_differences() -> None:
    from tests.engines import as_cdktf

    def document(version: str, aws: tuple[str, str], bucket: str) -> dict[str, object]:
        return {
            "//": {"metadata": {"version": version, "stackName": "dev"}},
            "terraform": {"required_providers": {"aws": {"source": aws[0], "version": aws[1]}, "neon": {"source": "kislerdm/neon", "version": "0.15.0"}}},
            "resource": {"aws_s3_bucket": {"b": {"bucket": bucket}}},
        }

    cdktf = document("0.21.0", ("aws", "6.25.0"), "x")
    assert as_cdktf(document("0.24.0", ("hashicorp/aws", "6.69.1"), "x"), engine="cdktn") == cdktf
    # Anything else still differs, so the snapshot comparison fails on it.
    assert as_cdktf(document("0.24.0", ("hashicorp/aws", "6.70.0"), "x"), engine="cdktn") != cdktf
    assert as_cdktf(document("0.24.0", ("hashicorp/aws", "6.69.1"), "y"), engine="cdktn") != cdktf
    assert as_cdktf(document("0.25.0", ("hashicorp/aws", "6.69.1"), "x"), engine="cdktn") != cdktf


def test_memoized_binding_type_hints_still_refuse_a_wrong_argument_type() -> None:
    import typing

    from constructs_lib.engine.aws import S3Bucket
    from constructs_lib.engine.core import TerraformStack, Testing

    engine.memoize_binding_type_hints()  # the session did already (tests/conftest.py); again is a no-op
    engine.memoize_binding_type_hints()
    memoized = typing.get_type_hints
    original = memoized.__wrapped__  # type: ignore[attr-defined]
    assert not hasattr(original, "__wrapped__")  # not wrapped twice
    stack = TerraformStack(Testing.app(), "test")
    with pytest.raises(TypeError, match="bucket"):
        S3Bucket(stack, "Wrong", bucket=1)  # type: ignore[arg-type]
    stubs = [v for k, v in S3Bucket.__init__.__globals__.items() if k.startswith("_typecheckingstub__")]
    assert stubs
    for stub in stubs:
        assert memoized(stub) == original(stub)
        assert memoized(stub) is not memoized(stub)  # each caller its own copy
    assert memoized(test_memoized_binding_type_hints_still_refuse_a_wrong_argument_type) == original(
        test_memoized_binding_type_hints_still_refuse_a_wrong_argument_type
    )


def test_the_collector_is_paused_inside_and_restored_after() -> None:
    assert gc.isenabled()
    with engine._collector_paused():
        assert not gc.isenabled()
        with engine._collector_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner pause leaves it to the outer one
    assert gc.isenabled()
    with pytest.raises(ImportError), engine._collector_paused():
        raise ImportError("a provider that is not installed")
    assert gc.isenabled()
    gc.disable()
    try:
        with engine._collector_paused():
            pass
        assert not gc.isenabled()  # a caller who had disabled it keeps it disabled
    finally:
        gc.enable()


def test_the_engines_objects_are_frozen_after_its_import() -> None:
    # Full collections skip the permanent generation: the engine's objects are not walked again
    # (~1.4 million on cdktf; ~115,000 on cdktn, whose providers load their classes lazily).
    importlib.import_module("constructs_lib.engine.aws")
    assert gc.get_freeze_count() > 100_000

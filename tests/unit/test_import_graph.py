"""The repository's import graph (issues 18 and 29): no import circles, layers that point one way, and the
library's public surface unchanged.

The graph is read from the source with ``ast``, so it holds every ``import`` and ``from ... import``
that runs, at module level or inside a function. Imports under ``if TYPE_CHECKING:`` are left out: they
never run, they only name types for annotations (and ``test_only_the_package_init_imports_for_types_alone``
keeps anyone from hiding a circle there).
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import constructs_lib

LIB_DIR = Path(constructs_lib.__file__).parent
PACKAGE = "constructs_lib"
REPO = LIB_DIR.parent
APP_PACKAGES = ("platform_plan", "environments", "stacks", "commands")
"""The app's packages, lowest layer first: each may import the library and the packages before it, never one after."""
APP_MODULES = ("main",)
"""The app's top-level modules (``main.py``)."""


def _module_name(path: Path) -> str:
    parts = path.relative_to(REPO).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _sources(*, app: bool) -> dict[str, Path]:
    """Module name -> file: the library's, and with ``app`` also the app's packages and ``main.py``."""
    paths = list(LIB_DIR.rglob("*.py"))
    if app:
        paths += [path for package in APP_PACKAGES for path in (REPO / package).rglob("*.py")]
        paths += [REPO / f"{module}.py" for module in APP_MODULES]
    return {_module_name(p): p for p in paths}


def _is_type_checking(test: ast.expr) -> bool:
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING")


def _imports(tree: ast.AST, *, type_checking: bool) -> list[ast.Import | ast.ImportFrom]:
    found: list[ast.Import | ast.ImportFrom] = []

    def visit(node: ast.AST) -> None:
        if not type_checking and isinstance(node, ast.If) and _is_type_checking(node.test):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            found.append(node)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    return found


def import_graph(*, type_checking: bool = False, app: bool = False) -> dict[str, set[str]]:
    """Module -> the library modules it imports at run time (with ``type_checking``, also those only for annotations).

    With ``app``, the app's packages and ``main.py`` are nodes too, with their imports of each other and of the library.
    """
    modules = _sources(app=app)
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        for node in _imports(ast.parse(path.read_text(), str(path)), type_checking=type_checking):
            if isinstance(node, ast.Import):
                targets = [alias.name for alias in node.names]
            else:
                if node.level:
                    base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                    base_name = ".".join([*base, node.module] if node.module else base)
                else:
                    base_name = node.module or ""
                # ``from pkg import sub`` imports the submodule when there is one.
                targets = [f"{base_name}.{a.name}" if f"{base_name}.{a.name}" in modules else base_name for a in node.names]
            for target in targets:
                # Importing a.b.c runs a, a.b and a.b.c; record the module itself (the packages are edges of their own).
                while target and target not in modules:
                    target = target.rpartition(".")[0]
                if target and target != name:
                    graph[name].add(target)
    return graph


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """One cycle per strongly connected component with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []

    def connect(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(graph[node]):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                components.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            connect(node)
    return components


def test_the_library_has_no_import_circles() -> None:
    # The package __init__ files are left out: constructs_lib/__init__.py loads the constructs lazily by name
    # (PEP 562), and a submodule importing ``from .. import x`` would otherwise always close a loop through it.
    graph = {name: {t for t in targets if t != PACKAGE} for name, targets in import_graph().items() if name != PACKAGE}
    assert _cycles(graph) == []


def _without_package_inits(graph: dict[str, set[str]]) -> dict[str, set[str]]:
    # constructs_lib/__init__.py loads the constructs lazily by name (PEP 562); see the test above.
    return {name: {t for t in targets if t != PACKAGE} for name, targets in graph.items() if name != PACKAGE}


def test_the_repository_has_no_import_circles() -> None:
    # The library, the phase plan, environments/, stacks/ and main.py, with every import that runs (lazy ones included).
    graph = import_graph(app=True)
    assert {"main", "platform_plan.phases", "environments.config", "stacks.platform", "commands.deploy"} <= set(graph)
    assert _cycles(_without_package_inits(graph)) == []


def test_the_repository_has_no_import_circles_even_for_types() -> None:
    # A circle through ``if TYPE_CHECKING:`` still ties two modules together: PlatformStack's parts take values, not the stack.
    assert _cycles(_without_package_inits(import_graph(type_checking=True, app=True))) == []


def _layer(module: str) -> int | None:
    top = module.partition(".")[0]
    if top in APP_PACKAGES:
        return APP_PACKAGES.index(top)
    return len(APP_PACKAGES) if top in APP_MODULES else None


def test_the_app_layers_point_down() -> None:
    # platform_plan (data) <- environments (the files' model) <- stacks (composition) <- commands (the CLI) <- main.py; the library imports none.
    graph = import_graph(type_checking=True, app=True)
    upward = set()
    for name, targets in graph.items():
        for target in targets:
            here, there = _layer(name), _layer(target)
            if there is not None and (here is None or there > here):
                upward.add((name, target))
    assert upward == set()


def test_the_phase_plan_imports_no_cdktf_and_no_app() -> None:
    graph = import_graph(type_checking=True, app=True)
    plan = {name: targets for name, targets in graph.items() if name.startswith("platform_plan")}
    allowed = ("platform_plan", f"{PACKAGE}.storage.storage_types")
    assert {name: sorted(t for t in targets if not t.startswith(allowed)) for name, targets in plan.items()} == {name: [] for name in plan}


def test_the_graph_follows_app_imports() -> None:
    graph = import_graph(app=True)
    assert "platform_plan.phases" in graph["environments.loader"]
    assert "stacks.platform" in graph["stacks.app"]
    assert "environments" in graph["main"]


def test_helpers_do_not_import_their_owner_even_for_types() -> None:
    # They take values: BucketRef and SecureS3Props (secure_s3_props), CloudflareEdgeProps (cloudflare_edge_props), NeonDatabaseProps (neon_props).
    graph = import_graph(type_checking=True)
    owners = {
        "constructs_lib.storage._bucket_baseline": "constructs_lib.storage.secure_s3",
        "constructs_lib.storage._grants": "constructs_lib.storage.secure_s3",
        "constructs_lib.storage._s3_replication": "constructs_lib.storage.secure_s3",
        "constructs_lib.storage._secure_s3_validation": "constructs_lib.storage.secure_s3",
        "constructs_lib.network._edge_health": "constructs_lib.network.cloudflare_edge",
        "constructs_lib.data._neon_props_validation": "constructs_lib.data.neon_database",
        "constructs_lib.storage.secure_s3_props": "constructs_lib.storage.secure_s3",
        "constructs_lib.network.cloudflare_edge_props": "constructs_lib.network.cloudflare_edge",
        "constructs_lib.data.neon_props": "constructs_lib.data.neon_database",
    }
    assert {helper: owner for helper, owner in owners.items() if owner in graph[helper]} == {}


def test_the_shared_aws_pieces_import_no_domain() -> None:
    # constructs_lib._aws (iam, perms, log_delivery) serves storage, network, audit...: it takes values and imports none of them.
    graph = import_graph(type_checking=True)
    shared = {name: targets for name, targets in graph.items() if name.startswith(f"{PACKAGE}._aws")}
    allowed = (f"{PACKAGE}._aws", f"{PACKAGE}.errors", f"{PACKAGE}.engine")  # the engine seam is not a domain
    assert {name: sorted(t for t in targets if not t.startswith(allowed)) for name, targets in shared.items()} == {name: [] for name in shared}


def test_only_the_package_init_imports_for_types_alone() -> None:
    # No module keeps an import under ``if TYPE_CHECKING:`` to dodge a circle; the package __init__ uses it to
    # show type checkers the lazily loaded names.
    runtime, typed = import_graph(app=True), import_graph(type_checking=True, app=True)
    assert {name: typed[name] - runtime[name] for name in typed if typed[name] - runtime[name] and name != PACKAGE} == {}


def test_the_graph_sees_a_circle() -> None:
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_library_is_grouped_by_domain() -> None:
    top_level = sorted(p.stem for p in LIB_DIR.glob("*.py"))
    assert top_level == [
        "__init__",
        "_provider_requirements",
        "_random",
        "_reasons",
        "_settings",
        "_version",
        "checkov_gate",
        "checks",
        "errors",
        "value_rules",
    ]
    packages = sorted(p.parent.name for p in LIB_DIR.glob("*/__init__.py"))
    assert packages == ["_aws", "audit", "compute", "data", "detection", "engine", "guardrails", "network", "operations", "providers", "storage"]


def test_every_public_name_imports_from_the_package() -> None:
    module = importlib.import_module(PACKAGE)
    namespace: dict[str, object] = {}
    exec(f"from {PACKAGE} import {', '.join(module.__all__)}", namespace)  # noqa: S102 - the statement users write
    assert all(name in namespace for name in module.__all__)


def test_the_former_checks_module_still_offers_every_value_rule() -> None:
    # constructs_lib.checks was renamed value_rules (issue 29); users' imports of the documented public name keep working.
    checks, value_rules = importlib.import_module(f"{PACKAGE}.checks"), importlib.import_module(f"{PACKAGE}.value_rules")
    public = [name for name in vars(value_rules) if not name.startswith("_")]
    assert public and {name: getattr(checks, name, None) for name in public} == {name: getattr(value_rules, name) for name in public}


STANDARD_LIBRARY_UNDERSCORE_NAMES = {
    "os._exit": "documented: end the process without tearing the interpreter down (commands.common.exit_process)",
    "atexit._run_exitfuncs": "runs the atexit handlers before os._exit, as an interpreter exit would (same function)",
}
"""Standard library functions whose names start with an underscore and that the app calls on purpose."""


def _private_reads(path: Path) -> list[str]:
    """``obj._name`` in ``path`` where ``obj`` is not ``self`` or ``cls``: a read of another object's private state."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Attribute) and node.attr.startswith("_") and not node.attr.startswith("__"):
            if not (isinstance(node.value, ast.Name) and node.value.id in ("self", "cls")) and ast.unparse(node) not in STANDARD_LIBRARY_UNDERSCORE_NAMES:
                found.append(f"{path.relative_to(REPO)}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_the_app_reads_no_private_attribute_of_another_object() -> None:
    # PlatformStack's parts take what they need as arguments (issue 29): none reads the stack's private provider settings.
    app = [path for name, path in _sources(app=True).items() if not name.startswith(PACKAGE)]
    assert [line for path in app for line in _private_reads(path)] == []

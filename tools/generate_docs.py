"""Render the generated blocks of ``README.md`` and ``docs/``: props tables, the phase plan, per-environment values and diagrams.

Usage::

    python -m tools.generate_docs            # rewrite every generated block in README.md and docs/**/*.md
    python -m tools.generate_docs --check    # exit 1, naming each stale page, when a block differs

Two kinds of block; the text outside the markers is hand-written and never touched:

- ``<!-- props:SecureS3Props -->`` ... ``<!-- /props -->``: a table with one row per dataclass
  field: name, type, default (``required`` when there is none) and the field's attribute docstring
  (the string literal right after the field), all read with ``ast`` from the source file, so
  nothing is imported (no jsii, no cdktf).
- ``<!-- generated:NAME -->`` ... ``<!-- /generated -->`` (``GENERATED``): numbers and per-phase or
  per-environment claims, from ``platform_plan/phases.py``, the environment files and, for the names in
  ``STACK_BLOCKS``, the stacks synthesized from them (each environment at its own phase, and the
  bootstrap stack). Only a page holding such a block makes the tool synthesize (~1-2 minutes, one
  process); ``tests/test_docs.py`` passes the stacks its session already synthesized instead.

The public constructs are the classes listed in ``constructs_lib.__init__._LAZY`` that subclass
``Construct``; ``CONSTRUCT_PAGES`` below names the page and the Props classes of each, and
``public_constructs()`` lets the tests check that none is missing.
"""

from __future__ import annotations

import argparse
import ast
import os
import re
import sys
import tempfile
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from tools import stack_docs
from tools.generated_blocks import GENERATED, STACK_BLOCKS, Documents, DocumentSource, promotion_preview, render_generated

REPO_ROOT = Path(__file__).resolve().parent.parent
LIB_DIR = REPO_ROOT / "constructs_lib"
DOCS_DIR = REPO_ROOT / "docs"
CONSTRUCTS_DIR = DOCS_DIR / "constructs"

CONSTRUCT_PAGES: dict[str, tuple[str, ...]] = {
    "NeonDatabase": ("NeonDatabaseProps", "NeonSettings", "ReaderRole"),
    "AppSecret": ("AppSecretProps",),
    "FieldEncryptionKey": ("FieldEncryptionKeyProps",),
    "SecureS3": ("SecureS3Props", "SecureS3Settings", "BucketProtection"),
    "AccessLogBucket": ("AccessLogBucketProps", "AccessLogBucketSettings"),
    "ServiceIdentity": ("ServiceIdentityProps",),
    "ServiceSecret": ("ServiceSecretProps",),
    "RailwayProject": ("RailwayProjectProps",),
    "RailwayService": ("RailwayServiceProps",),
    "TerraformCloudAgent": ("TerraformCloudAgentProps",),
    "NetworkBaseline": ("NetworkBaselineProps",),
    "CloudflareEdge": ("CloudflareEdgeProps",),
    "BaselineVpc": ("BaselineVpcProps",),
    "AuditTrail": ("AuditTrailProps", "AuditSettings"),
    "AlertTopic": ("AlertTopicProps", "AlertRoutes"),
    "UptimeMonitor": ("UptimeMonitorProps", "UptimeSettings"),
    "CostBudget": ("CostBudgetProps", "BudgetSettings"),
    "AccountBaseline": ("AccountBaselineProps", "AccountBaselineSettings"),
    "BucketErrorAlarm": ("BucketErrorAlarmProps",),
    "OperationsDashboard": ("OperationsDashboardProps",),
    "ServiceTelemetry": ("ServiceTelemetryProps", "ServiceLogSettings", "ServiceAlarmSettings", "ServiceAlarmThresholds"),
    "ApplicationLogReader": ("ApplicationLogReaderProps",),
    "ThreatDetection": ("ThreatDetectionProps",),
    "SecurityPosture": ("SecurityPostureProps", "DisabledControl"),
    "ConfigCompliance": ("ConfigComplianceProps", "ExcludedRule"),
    "AccessAnalysis": ("AccessAnalysisProps",),
    "SensitiveDataDiscovery": ("SensitiveDataDiscoveryProps",),
    "FindingRoutes": ("FindingRoutesProps",),
}
"""Public construct -> the dataclasses whose tables its page ``docs/constructs/<construct>.md`` carries."""

_BLOCK = re.compile(r"(<!-- props:(?P<name>[A-Za-z_][A-Za-z0-9_]*) -->\n)(?P<body>.*?)(<!-- /props -->)", re.DOTALL)


@dataclass(frozen=True, slots=True)
class Field:
    """One dataclass field as the table shows it."""

    name: str
    type: str
    default: str | None
    """Source text of the default; None when the field is required."""
    doc: str


def _lazy_exports() -> dict[str, str]:
    """``_LAZY`` of ``constructs_lib/__init__.py``: public name -> module (``.secure_s3``)."""
    tree = ast.parse((LIB_DIR / "__init__.py").read_text())
    for node in tree.body:
        if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name) and node.target.id == "_LAZY":
            value = ast.literal_eval(node.value) if node.value is not None else {}
            return {str(k): str(v) for k, v in value.items()}
    raise LookupError("constructs_lib/__init__.py has no _LAZY")


def _module_path(module: str) -> Path:
    parts = module.lstrip(".").split(".")
    path = LIB_DIR.joinpath(*parts)
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def _class(name: str) -> tuple[ast.ClassDef, Path]:
    module = _lazy_exports().get(name)
    if module is None:
        raise LookupError(f"{name} is not exported by constructs_lib (_LAZY)")
    path = _module_path(module)
    for node in ast.parse(path.read_text()).body:
        if isinstance(node, ast.ClassDef) and node.name == name:
            return node, path
    raise LookupError(f"{name} is not defined in {path.relative_to(REPO_ROOT)}")


def public_constructs() -> list[str]:
    """Every class exported through ``_LAZY`` whose bases include ``Construct``."""
    found = []
    for name in _lazy_exports():
        try:
            node, _ = _class(name)
        except LookupError:
            continue
        if any(isinstance(b, ast.Name) and b.id == "Construct" for b in node.bases):
            found.append(name)
    return sorted(found)


def _one_line(text: str) -> str:
    return " ".join(text.split())


def fields(class_name: str) -> list[Field]:
    """The annotated fields of ``class_name`` in order, each with its attribute docstring."""
    node, _ = _class(class_name)
    result: list[Field] = []
    body = node.body
    for index, stmt in enumerate(body):
        if not (isinstance(stmt, ast.AnnAssign) and isinstance(stmt.target, ast.Name)):
            continue
        annotation = ast.unparse(stmt.annotation)
        if annotation.startswith(("ClassVar", "typing.ClassVar")):
            continue
        default = None if stmt.value is None else ast.unparse(stmt.value)
        doc = ""
        following = body[index + 1] if index + 1 < len(body) else None
        if isinstance(following, ast.Expr) and isinstance(following.value, ast.Constant) and isinstance(following.value.value, str):
            doc = _one_line(following.value.value)
        result.append(Field(stmt.target.id, annotation, default, doc))
    return result


def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def _code(text: str) -> str:
    return f"`{_cell(text)}`" if "`" not in text else _cell(text)


def render_table(class_name: str) -> str:
    """The generated block's body for ``class_name``: a Markdown table, ending in a newline."""
    _, path = _class(class_name)
    lines = [
        f"`{class_name}` (`{path.relative_to(REPO_ROOT)}`; generated by `tools/generate_docs.py` from the source, do not edit):",
        "",
        "| field | type | default | description |",
        "|---|---|---|---|",
    ]
    for field in fields(class_name):
        default = "required" if field.default is None else _code(field.default)
        lines.append(f"| `{field.name}` | {_code(field.type)} | {default} | {_cell(field.doc) or '—'} |")
    return "\n".join(lines) + "\n"


def synthesized_documents() -> Documents:
    """Every environment file at its own phase plus the bootstrap stack, and the promotion example's target
    (``generated_blocks.promotion_preview``), synthesized in this process (imports cdktf)."""
    from environments import load_all
    from main import quiet_node_deprecations

    quiet_node_deprecations(os.environ)  # before jsii starts Node, as main.py does
    from stacks.app import synthesize

    configs = load_all()
    preview, target = promotion_preview()
    with tempfile.TemporaryDirectory(prefix="generate-docs-") as work:
        synthesize(list(configs.values()), Path(work) / "out", bootstrap=list(configs.values()))
        synthesize([configs[preview].model_copy(update={"phase": target})], Path(work) / "preview")
        documents = {path.parent.name: stack_docs.load(path.read_text()) for path in sorted((Path(work) / "out" / "stacks").glob("*/cdk.tf.json"))}
        documents[f"{preview}@{target}"] = stack_docs.load((Path(work) / "preview" / "stacks" / preview / "cdk.tf.json").read_text())
    return documents


def render_page(text: str, documents: DocumentSource = synthesized_documents) -> str:
    """``text`` with every generated block re-rendered; everything outside the markers kept as is."""
    text = _BLOCK.sub(lambda m: m.group(1) + render_table(m.group("name")) + m.group(4), text)
    source = cache(documents)
    return _GENERATED.sub(lambda m: m.group(1) + render_generated(m.group("name"), source) + m.group(4), text)


def pages() -> list[Path]:
    """README.md and every Markdown page under ``docs/``."""
    readme = DOCS_DIR.parent / "README.md"
    return [*([readme] if readme.is_file() else []), *sorted(DOCS_DIR.rglob("*.md"))]


def stale_pages(documents: DocumentSource = synthesized_documents) -> list[Path]:
    """Pages whose generated blocks differ from what the source (and the stacks) give now."""
    source = cache(documents)
    return [page for page in pages() if render_page(page.read_text(), source) != page.read_text()]


def _shown(page: Path) -> str:
    return str(page.relative_to(REPO_ROOT)) if page.is_relative_to(REPO_ROOT) else str(page)


_GENERATED = re.compile(r"(<!-- generated:(?P<name>[a-z0-9-]+) -->)(?P<body>.*?)(<!-- /generated -->)", re.DOTALL)

__all__ = ["GENERATED", "STACK_BLOCKS", "main", "render_page", "stale_pages"]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="exit 1 when a page is stale; write nothing")
    args = parser.parse_args(argv)
    if args.check:
        stale = stale_pages()  # synthesizes only if a page holds a block of STACK_BLOCKS
        for page in stale:
            print(f"stale: {_shown(page)} (run: python -m tools.generate_docs)", file=sys.stderr)
        return 1 if stale else 0
    source = cache(synthesized_documents)
    for page in pages():
        text = page.read_text()
        rendered = render_page(text, source)
        if rendered != text:
            page.write_text(rendered)
            print(f"wrote {_shown(page)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())

"""How many checkov checks pass per stack: the table of docs/testing.md (between ``BLOCK`` markers).

    CHECKOV_BIN=.venv-checkov/bin/checkov .venv/bin/python -m tests.security.checkov_report [--write]

Synthesizes every environment x phase into a temporary folder (as the test session
does), runs checkov once, and prints one row per environment stack; ``--write`` puts the table
into docs/testing.md. ``tests/security/test_checkov.py`` checks the page against the session's
own checkov run, so the page cannot drift.
"""

from __future__ import annotations

import json
import re
import sys
import tempfile
from collections import Counter
from pathlib import Path
from typing import Any

from tests.security._checkov import accepted_entries, checked_resource_types, results_of, run_checkov


def table(root: Path, report: dict[str, Any], covered_types: frozenset[str]) -> str:
    """Markdown rows: stack, resources, resources checkov covers, passed, accepted failures, other failures."""
    results = results_of(report)
    skips = accepted_entries(root)
    passed = Counter(r.stack for r in results if r.passed)
    accepted = Counter(r.stack for r in results if not r.passed and any(s.accepts(r) for s in skips))
    failed = Counter(r.stack for r in results if not r.passed and not any(s.accepts(r) for s in skips))
    lines = ["| stack | resources | of which checkov covers | checks passed | failed, accepted | failed |", "|---|---|---|---|---|---|"]
    paths = [p for p in root.glob("phase*/stacks/*/cdk.tf.json") if p.parts[-2] != "bootstrap"]  # cdktf only: not on every engine
    for path in sorted(paths, key=lambda p: (p.parts[-4], p.parts[-2])):
        key = f"{path.parts[-4]}/{path.parts[-2]}"
        resources = json.loads(path.read_text()).get("resource", {})
        total = sum(len(b) for b in resources.values())
        covered = sum(len(b) for t, b in resources.items() if t in covered_types)
        lines.append(f"| {key} | {total} | {covered} | {passed[key]} | {accepted[key]} | {failed[key]} |")
    return "\n".join(lines)


PAGE = Path(__file__).resolve().parents[2] / "docs" / "testing.md"
BLOCK = re.compile(r"(<!-- checkov-table -->\n)(.*?)(<!-- /checkov-table -->)", re.DOTALL)
"""The generated table in ``PAGE``."""


def page_table(text: str) -> str:
    """The table between the markers of ``text`` (without the trailing newline)."""
    match = BLOCK.search(text)
    if match is None:
        raise LookupError(f"{PAGE} has no <!-- checkov-table --> block")
    return match.group(2).rstrip("\n")


def main(argv: list[str] | None = None) -> None:
    from environments import PHASES, load_all
    from stacks.app import synthesize

    configs = load_all()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for phase in PHASES:
            synthesize([configs[e].model_copy(update={"phase": phase}) for e in configs], root / f"phase{phase}")
        report = run_checkov(root, "terraform_json")["terraform_json"]
        rows = table(root, report, checked_resource_types())
    print(rows)
    if "--write" in (sys.argv[1:] if argv is None else argv):
        text = PAGE.read_text()
        page_table(text)
        PAGE.write_text(BLOCK.sub(lambda m: m.group(1) + rows + "\n" + m.group(3), text))


if __name__ == "__main__":
    main()

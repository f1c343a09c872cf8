"""Print how many checkov checks pass per stack, as the Markdown table in the README.

    CHECKOV_BIN=.venv-checkov/bin/checkov .venv/bin/python -m tests.security.checkov_report

Synthesizes every environment x phase into a temporary folder (as the test session
does), runs checkov once, and prints one row per stack.
"""

from __future__ import annotations

import json
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
    for path in sorted(root.glob("phase*/stacks/*/cdk.tf.json"), key=lambda p: (p.parts[-4], p.parts[-2])):
        key = f"{path.parts[-4]}/{path.parts[-2]}"
        resources = json.loads(path.read_text()).get("resource", {})
        total = sum(len(b) for b in resources.values())
        covered = sum(len(b) for t, b in resources.items() if t in covered_types)
        lines.append(f"| {key} | {total} | {covered} | {passed[key]} | {accepted[key]} | {failed[key]} |")
    return "\n".join(lines)


def main() -> None:
    from environments import PHASES, load_all
    from stacks.app import synthesize

    configs = load_all()
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for phase in PHASES:
            synthesize([configs[e].model_copy(update={"phase": phase}) for e in configs], root / f"phase{phase}")
        report = run_checkov(root, "terraform_json")["terraform_json"]
        print(table(root, report, checked_resource_types()))


if __name__ == "__main__":
    main()

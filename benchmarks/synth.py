#!/usr/bin/env python
"""Synthesis benchmark: our cost on top of the jsii floor, measured in one run.

    make bench                       (or: .venv/bin/python benchmarks/synth.py --repeat 5)

Each case runs as a fresh process, ``--repeat`` times; we report the median wall time
and the median peak memory of the whole process tree (Python + the jsii Node process,
sampled from /proc), and each median's ratio to the floor:

- floor:     a process that only imports cdktf and the AWS and Cloudflare providers
- synth-1/2/3: ``main.py`` (the README's synth command) for 1, 2 and 3 environments
- all-12:    one process synthesizing every environment at every phase (12 stacks)

No timing assertions live in the tests; this script reports and the README records.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGE_KB = os.sysconf("SC_PAGE_SIZE") // 1024

FLOOR_CODE = "import cdktf, cdktf_cdktf_provider_aws, cdktf_cdktf_provider_cloudflare"
ALL_12_CODE = """
import sys
from pathlib import Path
sys.path.insert(0, {root!r})
from environments import PHASES, load_all
from stacks.app import synthesize
configs = load_all()
for phase in PHASES:
    synthesize([configs[e].model_copy(update={{"phase": phase}}) for e in configs], Path({out!r}) / f"phase{{phase}}")
"""


@dataclass(frozen=True)
class Sample:
    seconds: float
    peak_mb: float


def _tree_rss_kb(root_pid: int) -> int:
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry.name}/stat").read_text()
        except OSError:
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * PAGE_KB
    total, stack = 0, [root_pid]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        stack.extend(children.get(pid, []))
    return total


def run(command: list[str], env: dict[str, str]) -> Sample:
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    while process.poll() is None:
        peak = max(peak, _tree_rss_kb(process.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if process.returncode != 0:
        raise SystemExit(f"benchmark command failed ({process.returncode}): {' '.join(command)}\n{process.stderr.read().decode()}")
    return Sample(seconds, peak / 1024)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per case (default 3)")
    args = parser.parse_args()
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    python = sys.executable
    with tempfile.TemporaryDirectory() as tmp:
        cases = {
            "floor": [python, "-c", FLOOR_CODE],
            "synth-1 (dev)": [python, "main.py", "--env", "dev", "--outdir", f"{tmp}/one"],
            "synth-2 (dev,staging)": [python, "main.py", "--env", "dev", "--env", "staging", "--outdir", f"{tmp}/two"],
            "synth-3 (make synth)": [python, "main.py", "--outdir", f"{tmp}/all"],
            "all-12 (env x phase)": [python, "-c", ALL_12_CODE.format(root=str(ROOT), out=f"{tmp}/twelve")],
        }
        results: dict[str, list[Sample]] = {name: [] for name in cases}
        for _ in range(args.repeat):  # interleaved, so drift on a busy machine hits every case alike
            for name, command in cases.items():
                results[name].append(run(command, env))
    medians = {name: Sample(statistics.median(s.seconds for s in samples), statistics.median(s.peak_mb for s in samples)) for name, samples in results.items()}
    floor = medians["floor"]
    print(f"cpus={os.cpu_count()} repeat={args.repeat} python={sys.version.split()[0]} node={_node_version()}")
    print(f"{'case':<24} {'median s':>9} {'x floor':>8} {'peak MB':>9} {'x floor':>8}")
    for name, m in medians.items():
        print(f"{name:<24} {m.seconds:>9.2f} {m.seconds / floor.seconds:>8.2f} {m.peak_mb:>9.0f} {m.peak_mb / floor.peak_mb:>8.2f}")
    one, two, three = (medians[k].seconds for k in ("synth-1 (dev)", "synth-2 (dev,staging)", "synth-3 (make synth)"))
    print(f"per additional environment: {(two - one):.2f} s, {(three - two):.2f} s")
    return 0


def _node_version() -> str:
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not found"


if __name__ == "__main__":
    sys.exit(main())

#!/usr/bin/env python
"""Synthesis benchmark: both engines side by side, each against its jsii floor, measured in one run.

    make bench                       (or: .venv/bin/python benchmarks/synth.py --repeat 5)

Each case runs as a fresh process on each engine (CDK for Terraform from ``.venv``, CDK Terrain
from ``.venv-cdktn``), ``--repeat`` times, interleaved; we report the median wall time and the
median peak memory of the whole process tree (Python + the jsii Node process, sampled from
/proc), each median's ratio to that engine's floor, and cdktn's ratio to cdktf:

- floor:     a process that only imports the engine and its AWS and Cloudflare providers (``import cdktf, ...``)
- app floor: the same import as the library and the app make it: through ``constructs_lib.engine`` (the collector
             paused during the import, its objects frozen after) and ending like ``main.py`` (``exit_process``, no
             interpreter teardown). Every case is reported against both: the first is the floor of every earlier
             run (docs/performance.md), the second what is left of it after issue 30's import and exit changes
- synth-1:   ``main.py --env dev`` (one environment)
- synth-3:   ``main.py`` for dev, staging and prod (the full synth both engines can do; cdktf's
             ``make synth`` adds the bootstrap stack, which needs the cdktf-only TFE provider)
- make synth: ``main.py`` as ``make synth`` runs it: every environment file, plus on cdktf the bootstrap stack
- all-12:    one process synthesizing every environment at every phase (12 stacks)

and, once per engine (they take minutes; ``--no-tiers`` leaves them out), the test tiers:

- check:     ``make check`` (the fast tier: ruff, mypy, unit tests and guardrails, one environment's stack)
- test:      ``make test`` (the whole suite, warm setup)

and once (``--no-ci`` leaves it out) ``.ci/run`` on a fresh ``git clone`` of HEAD, setup included,
reported in minutes and against the cdktf floor.

No timing assertions live in the tests; this script reports and docs/performance.md records.
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

ENGINES = {"cdktf": ROOT / ".venv" / "bin" / "python", "cdktn": ROOT / ".venv-cdktn" / "bin" / "python"}
FLOOR_CODE = {
    "cdktf": "import cdktf, cdktf_cdktf_provider_aws, cdktf_cdktf_provider_cloudflare",
    "cdktn": "import cdktn, cdktn_provider_aws, cdktn_provider_cloudflare",
}
APP_FLOOR_CODE = "import constructs_lib.engine.aws, constructs_lib.engine.cloudflare\nfrom commands.common import exit_process\nexit_process(0)\n"
TARGET = 0.5
"""Issue 19's target: cdktn's full synth (synth-3) at most half of cdktf's."""
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
    """Wall time and peak process-tree memory of one fresh process."""
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
    parser.add_argument("--repeat", type=int, default=3, help="runs per synthesis case and engine (default 3)")
    parser.add_argument("--no-tiers", action="store_true", help="leave out make check and make test")
    parser.add_argument("--no-ci", action="store_true", help="leave out .ci/run on a fresh clone")
    args = parser.parse_args()
    missing = [f"{engine} ({python})" for engine, python in ENGINES.items() if not python.exists()]
    if missing:
        raise SystemExit(f"error: bench: no venv for {', '.join(missing)}: run `make bench` (it sets up both engines)")
    with tempfile.TemporaryDirectory() as tmp:
        cases: dict[tuple[str, str], tuple[list[str], dict[str, str]]] = {}
        for engine, python in ENGINES.items():
            env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1", "HEALTHCARE_CDK_ENGINE": engine}
            out = f"{tmp}/{engine}"
            cases[("floor", engine)] = ([str(python), "-c", FLOOR_CODE[engine]], env)
            cases[("app floor", engine)] = ([str(python), "-c", APP_FLOOR_CODE], env)
            cases[("synth-1 (dev)", engine)] = ([str(python), "main.py", "--env", "dev", "--outdir", f"{out}/one"], env)
            three = ["--env", "dev", "--env", "staging", "--env", "prod"]
            cases[("synth-3 (full synth)", engine)] = ([str(python), "main.py", *three, "--outdir", f"{out}/three"], env)
            cases[("make synth", engine)] = ([str(python), "main.py", "--quiet", "--outdir", f"{out}/all"], env)
            cases[("all-12 (env x phase)", engine)] = ([str(python), "-c", ALL_12_CODE.format(root=str(ROOT), out=f"{out}/twelve")], env)
        results: dict[tuple[str, str], list[Sample]] = {key: [] for key in cases}
        for _ in range(args.repeat):  # interleaved, so drift on a busy machine hits every case alike
            for key, (command, env) in cases.items():
                results[key].append(run(command, env))
    medians = {key: Sample(statistics.median(s.seconds for s in samples), statistics.median(s.peak_mb for s in samples)) for key, samples in results.items()}
    print(f"cpus={os.cpu_count()} repeat={args.repeat} python={sys.version.split()[0]} node={_node_version()} engines: cdktf 0.21.0, cdktn 0.24.0")
    print(
        f"{'case':<22} {'cdktf s':>8} {'x floor':>7} {'x app':>6} {'cdktn s':>8} {'x floor':>7} {'x app':>6} "
        f"{'cdktn/cdktf':>11} {'cdktf MB':>9} {'cdktn MB':>9} {'cdktn/cdktf':>11}"
    )
    floors = {engine: medians["floor", engine].seconds for engine in ENGINES}
    app_floors = {engine: medians["app floor", engine].seconds for engine in ENGINES}

    def ratios(engine: str, seconds: float) -> str:
        return f"{seconds:>8.2f} {seconds / floors[engine]:>7.2f} {seconds / app_floors[engine]:>6.2f}"

    for name in dict.fromkeys(name for name, _ in cases):
        f, n = medians[name, "cdktf"], medians[name, "cdktn"]
        print(
            f"{name:<22} {ratios('cdktf', f.seconds)} {ratios('cdktn', n.seconds)} "
            f"{n.seconds / f.seconds:>11.2f} {f.peak_mb:>9.0f} {n.peak_mb:>9.0f} {n.peak_mb / f.peak_mb:>11.2f}"
        )
    full = medians["synth-3 (full synth)", "cdktn"].seconds / medians["synth-3 (full synth)", "cdktf"].seconds
    print(f"cdktn full synth = {full:.2f} x cdktf (target <= {TARGET}): {'met' if full <= TARGET else 'NOT met'}")
    if not args.no_tiers:
        tiers = {(tier, engine): run(["make", "--no-print-directory", tier, f"ENGINE={engine}"], dict(os.environ)) for tier in TIERS for engine in ENGINES}
        for tier in TIERS:
            f, n = tiers[tier, "cdktf"], tiers[tier, "cdktn"]
            print(f"make {tier:<17} {ratios('cdktf', f.seconds)} {ratios('cdktn', n.seconds)} {n.seconds / f.seconds:>11.2f}")
    if not args.no_ci:
        ci = run_ci()
        print(
            f".ci/run (fresh clone, both engines, setup included): {ci.seconds / 60:.1f} min = {ci.seconds / floors['cdktf']:.1f} x the cdktf floor"
            f" = {ci.seconds / app_floors['cdktf']:.1f} x the cdktf app floor"
        )
    return 0


TIERS = ("check", "test")


def run_ci() -> Sample:
    """``.ci/run`` on a fresh clone of HEAD (what CI runs): no venv, no node_modules, setup included."""
    with tempfile.TemporaryDirectory(prefix="bench-ci-") as tmp:
        subprocess.run(["git", "clone", "--quiet", str(ROOT), f"{tmp}/repo"], check=True)
        start = time.perf_counter()
        result = subprocess.run([f"{tmp}/repo/.ci/run"], cwd=f"{tmp}/repo", stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        seconds = time.perf_counter() - start
        if result.returncode != 0:
            raise SystemExit(f"benchmark: .ci/run failed ({result.returncode}) on a fresh clone:\n{result.stderr.decode()[-4000:]}")
    return Sample(seconds, 0.0)


def _node_version() -> str:
    try:
        return subprocess.run(["node", "--version"], capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not found"


if __name__ == "__main__":
    sys.exit(main())

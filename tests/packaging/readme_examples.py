"""The ``python`` examples of the library README, and a driver that runs them all in one process.

One process pays the jsii and provider imports once; each example runs in its own folder, so
its ``App()`` writes ``<folder>/cdktf.out``.
"""

from __future__ import annotations

import re

_BLOCK = re.compile(r"^```python\n(.*?)^```", re.DOTALL | re.MULTILINE)

DRIVER = """
import os, runpy, sys, traceback
from constructs_lib.engine import core as cdk

class _App(cdk.App):
    # The jsii process keeps the cwd it started in: give each example's App its own folder's cdktf.out.
    def __init__(self, **kwargs):
        kwargs.setdefault("outdir", os.path.join(os.getcwd(), "cdktf.out"))
        super().__init__(**kwargs)

cdk.App = _App
failed = []
for path in [os.path.abspath(p) for p in sys.argv[1:]]:
    folder = os.path.dirname(path)
    os.chdir(folder)
    try:
        runpy.run_path(path, run_name="__main__")
    except BaseException:
        failed.append(path)
        traceback.print_exc()
# As main.py ends (commands.common.exit_process): atexit handlers, flushed streams, and no ~4 s interpreter teardown.
import atexit
atexit._run_exitfuncs()
sys.stdout.flush()
sys.stderr.flush()
os._exit(1 if failed else 0)
"""
"""Run as ``python -c DRIVER example1.py example2.py ...``."""


def python_blocks(readme: str) -> list[str]:
    """Every fenced ``python`` block of ``readme``, in order."""
    return [m.group(1) for m in _BLOCK.finditer(readme)]

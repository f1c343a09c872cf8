"""The one install command of the library: the packaging test runs it, every page that shows it is checked against it.

``requirement(engine)`` is what ``tests/packaging/test_package.py`` installs from its live index (pinned to
the built version there); ``install_lines(text)`` finds each ``pip install ... healthcare-constructs...`` in a
page, and ``tests/test_docs.py`` requires every one to install ``requirement(engine)`` of an engine from an
``--index-url`` (the library is published to an internal index only, and the base package pulls no engine).
"""

from __future__ import annotations

import re
import shlex

PACKAGE = "healthcare-constructs"
"""The distribution name (``pyproject.toml``)."""

_INSTALL = re.compile(r"pip install\b[^\n#]*?" + re.escape(PACKAGE) + r"[^\s'\"]*['\"]?")


def requirement(engine: str) -> str:
    """``healthcare-constructs[<engine>]``: the library with its engine extra (cdktf or cdktn)."""
    return f"{PACKAGE}[{engine}]"


def install_lines(text: str) -> list[str]:
    """Every ``pip install`` command in ``text`` that names the library (up to and including its requirement)."""
    return _INSTALL.findall(text)


def installed_requirement(line: str) -> str:
    """The requirement of ``PACKAGE`` that ``line`` installs (quotes removed)."""
    for word in shlex.split(line):
        if word.startswith(PACKAGE):
            return word
    raise ValueError(f"{line!r} installs no {PACKAGE}")

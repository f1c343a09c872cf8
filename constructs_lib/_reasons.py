"""Reasons for accepting a finding (guardrail suppressions, checkov acceptances): long enough to say something.

No cdktf import, so the checkov gate can use it without starting jsii.
"""

from __future__ import annotations

import re

MIN_REASON_LENGTH = 20
_BOILERPLATE = frozenset(
    "n/a na none todo tbd fixme ignore ignored suppress suppressed suppression false positive not needed "
    "needed ok okay fine temporary temp later wip accepted accept risk known issue legacy reason no test "
    "testing because it is a the this rule check for by design intended see ticket jira".split()
)


def check_reason(reason: str) -> str:
    """A reason of real length that says something beyond boilerplate words."""
    text = " ".join(reason.split())
    words = re.findall(r"[a-z0-9]+", text.lower())
    meaningful = [w for w in words if w not in _BOILERPLATE]
    if len(text) < MIN_REASON_LENGTH or len(set(meaningful)) < 3:
        raise ValueError(
            f"a reason of at least {MIN_REASON_LENGTH} characters and three meaningful words "
            "saying why the rule does not apply here (not boilerplate such as 'false positive')"
        )
    return text

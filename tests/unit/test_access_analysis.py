"""AccessAnalysis: the account's external access analyzer; unused access analysis only when asked (it is billed)."""

from __future__ import annotations

from typing import Any

import pytest

from constructs_lib.errors import ValidationError
from tests.conftest import resources_of, synth_json
from tests.unit._detection_helpers import aws


def test_account_analyzer_only_by_default(fresh_stack: Any) -> None:
    from constructs_lib import AccessAnalysis, AccessAnalysisProps

    aws(fresh_stack)
    AccessAnalysis(fresh_stack, "Access", AccessAnalysisProps(name_prefix="acme-dev"))
    (analyzer,) = resources_of(synth_json(fresh_stack), "aws_accessanalyzer_analyzer").values()
    assert {k: v for k, v in analyzer.items() if k != "//"} == {"analyzer_name": "acme-dev-external-access", "type": "ACCOUNT"}


def test_unused_access_analyzer_when_asked(fresh_stack: Any) -> None:
    from constructs_lib import AccessAnalysis, AccessAnalysisProps

    aws(fresh_stack)
    AccessAnalysis(fresh_stack, "Access", AccessAnalysisProps(name_prefix="acme-dev", unused_access=True, unused_access_age_days=30))
    analyzers = {a["type"]: a for a in resources_of(synth_json(fresh_stack), "aws_accessanalyzer_analyzer").values()}
    assert set(analyzers) == {"ACCOUNT", "ACCOUNT_UNUSED_ACCESS"}
    assert analyzers["ACCOUNT_UNUSED_ACCESS"]["analyzer_name"] == "acme-dev-unused-access"
    assert analyzers["ACCOUNT_UNUSED_ACCESS"]["configuration"] == {"unused_access": {"unused_access_age": 30}}


@pytest.mark.parametrize("age", [0, 366, True])
def test_fails_when_the_unused_access_age_is_out_of_range(fresh_stack: Any, age: Any) -> None:
    from constructs_lib import AccessAnalysis, AccessAnalysisProps

    aws(fresh_stack)
    with pytest.raises(ValidationError, match=rf"^test/Access: unused_access_age_days must be 1\.\.365, got {age!r}$"):
        AccessAnalysis(fresh_stack, "Access", AccessAnalysisProps(name_prefix="acme-dev", unused_access_age_days=age))

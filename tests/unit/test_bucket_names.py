"""The pure naming rules in ``constructs_lib.value_rules`` (no cdktf import)."""

from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from constructs_lib.value_rules import bucket_name, check_bucket_name, check_name_part

PART = st.from_regex(r"[a-z0-9]{1,8}(-[a-z0-9]{1,8}){0,2}", fullmatch=True)


@given(project=PART, environment=PART, purpose=PART)
def test_convention_accepts_exactly_the_names_s3_allows(project: str, environment: str, purpose: str) -> None:
    name = f"{project}-{environment}-{purpose}"
    # The bucket is named <name>-<12-digit account id>: 13 characters of the 63 are taken.
    allowed = len(name) <= 50 and not name.startswith(("sthree-", "amzn-s3-demo-", "xn--"))
    if allowed:
        assert bucket_name(project, environment, purpose) == name
    else:
        with pytest.raises(ValueError, match="is an S3 bucket name"):
            bucket_name(project, environment, purpose)


def test_convention() -> None:
    assert bucket_name("healthcare", "prod", "medical-documents") == "healthcare-prod-medical-documents"


@pytest.mark.parametrize("name", ["abc", "a" * 63, "healthcare-prod-audit-logs", "1-2-3"])
def test_valid_bucket_names(name: str) -> None:
    assert check_bucket_name(name) == name


@pytest.mark.parametrize(
    "name",
    [
        "ab",
        "a" * 64,
        "Upper-case",
        "with.dot",
        "-leading",
        "trailing-",
        "under_score",
        "xn--punycode",
        "sthree-x",
        "amzn-s3-demo-x",
        "x-s3alias",
        "x--ol-s3",
        "x--x-s3",
        "x--table-s3",
    ],
)
def test_fails_when_bucket_name_breaks_s3_rules(name: str) -> None:
    with pytest.raises(ValueError, match="an S3 bucket name: 3..63 lowercase letters"):
        check_bucket_name(name)


@pytest.mark.parametrize("part", ["", "Docs", "a--b", "-a", "a-", "a_b", "a b"])
def test_fails_when_name_part_is_not_hyphenated_words(part: str) -> None:
    with pytest.raises(ValueError, match="hyphen-separated words"):
        check_name_part(part)

"""Pure edge policy: what each Cloudflare plan allows, CSP and path rules."""

from __future__ import annotations

import pytest

from constructs_lib.edge_policy import (
    DEFAULT_CONTENT_SECURITY_POLICY,
    CloudflarePlan,
    check_content_security_policy,
    check_rate_limits,
    check_url_path,
)


def test_plan_limits_follow_cloudflares_table() -> None:
    assert [p.rate_limit_rules for p in CloudflarePlan] == [1, 2, 5, 100]
    assert CloudflarePlan.FREE.rate_limit_periods == (10,)
    assert CloudflarePlan.FREE.mitigation_timeouts == (10,)
    assert CloudflarePlan.PRO.rate_limit_periods[-1] == 60
    assert CloudflarePlan.PRO.mitigation_timeouts[-1] == 3600
    assert CloudflarePlan.BUSINESS.rate_limit_periods[-1] == 600
    assert CloudflarePlan.BUSINESS.mitigation_timeouts[-1] == 86400


def test_default_rate_limits_fit_the_free_plan() -> None:
    assert check_rate_limits(CloudflarePlan.FREE, period_seconds=10, mitigation_seconds=10, api_requests=100, auth_requests=None) == []


def test_auth_rule_needs_a_second_rule() -> None:
    (problem,) = check_rate_limits(CloudflarePlan.FREE, period_seconds=10, mitigation_seconds=10, api_requests=100, auth_requests=20)
    assert problem[0] == "auth_requests_per_period"
    assert "plan pro or higher" in problem[2]
    assert check_rate_limits(CloudflarePlan.PRO, period_seconds=10, mitigation_seconds=10, api_requests=100, auth_requests=20) == []


def test_default_csp_is_valid_and_strict() -> None:
    assert check_content_security_policy(DEFAULT_CONTENT_SECURITY_POLICY) == DEFAULT_CONTENT_SECURITY_POLICY
    assert "frame-ancestors 'none'" in DEFAULT_CONTENT_SECURITY_POLICY
    assert "object-src 'none'" in DEFAULT_CONTENT_SECURITY_POLICY


@pytest.mark.parametrize("value", ["", "script-src 'self'", "default-src 'self'\r\nX: y", 'default-src "self"', "default-src " + "a" * 4096])
def test_fails_when_csp_is_bad(value: str) -> None:
    with pytest.raises(ValueError, match="with a default-src directive"):
        check_content_security_policy(value)


@pytest.mark.parametrize("value", ["api", "/api\"", "/api or true", "/api)", ""])
def test_fails_when_url_path_could_break_an_expression(value: str) -> None:
    with pytest.raises(ValueError, match="a URL path such as '/api'"):
        check_url_path(value)

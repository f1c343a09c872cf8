"""Pure edge policy: what each Cloudflare plan allows, CSP, and the values rule expressions accept."""

from __future__ import annotations

import pytest

from constructs_lib.network.edge_policy import (
    DEFAULT_CONTENT_SECURITY_POLICY,
    CloudflarePlan,
    check_content_security_policy,
    check_file_extension,
    check_hostname_label,
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


def test_only_paid_plans_may_match_the_host_in_rate_limiting_rules() -> None:
    # Cloudflare "Rate limiting rules > Availability": Free "Path, Verified Bot"; Pro and up add "Host".
    assert [p.rate_limit_matches_host for p in CloudflarePlan] == [False, True, True, True]


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


def test_expression_values_accepted() -> None:
    assert check_url_path("/auth/v2_login.x-~") == "/auth/v2_login.x-~"
    assert check_hostname_label("api") == "api"
    assert check_hostname_label("a" * 63) == "a" * 63
    assert check_file_extension("woff2") == "woff2"


@pytest.mark.parametrize("value", ["auth", '/auth"', "/auth or true", "/auth)", "", "/auth\n", "/auth\\", None])
def test_fails_when_url_path_could_break_an_expression(value: str) -> None:
    with pytest.raises(ValueError, match="a URL path such as '/auth'"):
        check_url_path(value)


@pytest.mark.parametrize("value", ["API", "api.", "api.dev", 'api") or true or ("', "api\n", "-api", "api-", "a" * 64, "", "*", None])
def test_fails_when_hostname_label_could_break_an_expression(value: str) -> None:
    with pytest.raises(ValueError, match="a lowercase DNS label such as 'api'"):
        check_hostname_label(value)


@pytest.mark.parametrize("value", ["CSS", ".css", 'css" "x', "css\n", "", "a" * 11])
def test_fails_when_file_extension_could_break_an_expression(value: str) -> None:
    with pytest.raises(ValueError, match="a lowercase extension such as 'css'"):
        check_file_extension(value)

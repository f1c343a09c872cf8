"""Pure rules of the network domain: what a ``CloudflareEdge`` accepts, checked without cdktf.

``cloudflare_edge_problems`` is the one place the edge's props are judged: ``CloudflareEdge``
raises on what it returns, and the environment loader runs it on the props an environment file
produces (``EnvironmentConfig.edge_props``), so a file is refused for exactly what the construct
would refuse, with every problem at once.
"""

from __future__ import annotations

import re
from typing import Any

from ..errors import Problem
from ..value_rules import check_domain, check_email
from .cloudflare_edge_props import HSTS_ONE_YEAR_SECONDS, CloudflareEdgeProps
from .edge_policy import (
    BROWSER_CACHE_TTL_SECONDS,
    CloudflarePlan,
    MinTlsVersion,
    ReferrerPolicy,
    check_content_security_policy,
    check_file_extension,
    check_hostname_label,
    check_rate_limits,
    check_url_path,
)

_HEX32 = re.compile(r"[0-9a-f]{32}")


def _values(enum: type[MinTlsVersion] | type[ReferrerPolicy]) -> list[str]:
    return [member.value for member in enum]


def cloudflare_edge_problems(props: CloudflareEdgeProps) -> list[Problem]:
    """Every prop of ``props`` outside what ``CloudflareEdge`` accepts (empty: valid)."""
    problems: list[Problem] = []

    def fail(field: str, value: Any, allowed: str) -> None:
        problems.append(Problem(field, value, allowed))

    if props.health_check_path is not None or props.health_alert_account_id is not None or props.health_alert_emails:
        problems.extend(health_check_problems(props))
    if props.zone_id is not None and not _HEX32.fullmatch(props.zone_id):
        fail("zone_id", props.zone_id, "a Cloudflare zone id (32 lowercase hex digits)")
    for name in ("domain", "public_domain"):
        value = getattr(props, name)
        if value is None:
            continue
        try:
            check_domain(value)
        except ValueError as exc:
            fail(name, value, str(exc))
    if props.public_domain is not None and props.public_domain != props.domain and not props.public_domain.endswith(f".{props.domain}"):
        fail("public_domain", props.public_domain, f"{props.domain} or a name below it")
    if props.min_tls_version not in _values(MinTlsVersion):
        fail("min_tls_version", props.min_tls_version, " or ".join(repr(v) for v in _values(MinTlsVersion)))
    if not 0 < props.hsts_max_age_seconds <= 2 * HSTS_ONE_YEAR_SECONDS:
        fail("hsts_max_age_seconds", props.hsts_max_age_seconds, f"1..{2 * HSTS_ONE_YEAR_SECONDS}")
    if props.hsts_preload and (props.hsts_max_age_seconds < HSTS_ONE_YEAR_SECONDS or not props.hsts_include_subdomains):
        fail("hsts_preload", True, f"used with hsts_max_age_seconds >= {HSTS_ONE_YEAR_SECONDS} and hsts_include_subdomains")
    if props.browser_cache_ttl_seconds not in BROWSER_CACHE_TTL_SECONDS:
        fail("browser_cache_ttl_seconds", props.browser_cache_ttl_seconds, "a value Cloudflare accepts (30, 60, ..., 3600, ..., 31536000)")
    if not 1 <= props.static_edge_ttl_seconds <= HSTS_ONE_YEAR_SECONDS:
        fail("static_edge_ttl_seconds", props.static_edge_ttl_seconds, f"1..{HSTS_ONE_YEAR_SECONDS}")
    for name, check, allowed in (
        ("static_extensions", check_file_extension, "one or more lowercase extensions such as 'css'"),
        ("api_hostname_labels", check_hostname_label, "one or more lowercase DNS labels such as 'api'"),
        ("platform_hostname_labels", check_hostname_label, "one or more lowercase DNS labels such as 'api'"),
        ("auth_path_prefixes", check_url_path, "one or more URL paths such as '/auth'"),
        ("monitor_paths", check_url_path, "one or more URL paths such as '/health'"),
    ):
        values = getattr(props, name)
        if not isinstance(values, (tuple, list)) or not values:
            fail(name, values, f"{allowed}, as a tuple")
        for value in values:
            try:
                check(value)
            except ValueError:
                fail(name, value, allowed)
    missing = [label for label in props.api_hostname_labels if label not in props.platform_hostname_labels]
    if missing:
        fail("platform_hostname_labels", props.platform_hostname_labels, f"a tuple including every api_hostname_labels label (missing {', '.join(missing)})")
    try:
        check_content_security_policy(props.content_security_policy)
    except ValueError as exc:
        fail("content_security_policy", props.content_security_policy, str(exc))
    if props.referrer_policy not in _values(ReferrerPolicy):
        fail("referrer_policy", props.referrer_policy, f"one of {', '.join(_values(ReferrerPolicy))}")
    for name, value, allowed in check_rate_limits(
        props.plan,
        period_seconds=props.rate_limit_period_seconds,
        mitigation_seconds=props.rate_limit_mitigation_seconds,
        api_requests=props.api_requests_per_period,
        auth_requests=props.auth_requests_per_period,
    ):
        fail(name, value, allowed)
    return problems


def health_check_problems(props: CloudflareEdgeProps) -> list[Problem]:
    """The health check options: a paid plan, a plain path, and a complete notification target."""
    problems: list[Problem] = []
    if props.health_check_path is None:
        problems.append(Problem("health_check_path", None, "set when health_alert_account_id or health_alert_emails are given"))
    elif props.plan is CloudflarePlan.FREE:
        problems.append(Problem("health_check_path", props.health_check_path, "unset on the free plan (standalone health checks need pro or higher)"))
    else:
        try:
            check_url_path(props.health_check_path)
        except ValueError as exc:
            problems.append(Problem("health_check_path", props.health_check_path, str(exc)))
    account, emails = props.health_alert_account_id, props.health_alert_emails
    if account is not None and not _HEX32.fullmatch(account):
        problems.append(Problem("health_alert_account_id", account, "a Cloudflare account id (32 lowercase hex digits)"))
    if (account is None) != (not emails):
        problems.append(Problem("health_alert_emails", emails, "given together with health_alert_account_id"))
    for address in emails:
        try:
            check_email(address)
        except ValueError as exc:
            problems.append(Problem("health_alert_emails", address, str(exc)))
    return problems

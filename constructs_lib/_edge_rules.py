"""Rules of the zone's entry-point rulesets (cache, response headers, rate limits).

Built with the generated struct classes: a plain snake_case dict inside a list would be
dropped silently at synth. Every value interpolated into an expression has been checked
by ``edge_policy.check_url_path`` (or is a fixed extension list), so no quoting is needed.
"""

from __future__ import annotations

from collections.abc import Sequence

from cdktf_cdktf_provider_cloudflare.ruleset import (
    RulesetRules,
    RulesetRulesActionParameters,
    RulesetRulesActionParametersEdgeTtl,
    RulesetRulesActionParametersHeaders,
    RulesetRulesRatelimit,
)

RATE_LIMIT_CHARACTERISTICS = ["cf.colo.id", "ip.src"]
"""Count per client IP (per Cloudflare data centre): the only characteristic below Enterprise."""


def path_under(prefix: str) -> str:
    """Expression matching ``prefix`` itself and everything below it."""
    return f'(http.request.uri.path eq "{prefix}" or starts_with(http.request.uri.path, "{prefix}/"))'


def cache_rules(*, api_path_prefix: str, static_extensions: Sequence[str], static_edge_ttl_seconds: int) -> list[RulesetRules]:
    """Cache static assets at the edge for ``static_edge_ttl_seconds``; never cache the API.

    The bypass rule comes last: for cache settings the last matching rule wins.
    """
    extensions = " ".join(f'"{e}"' for e in static_extensions)
    return [
        RulesetRules(
            ref="cache_static_assets",
            description="Cache static assets at the edge",
            expression=f"(http.request.uri.path.extension in {{{extensions}}} and not {path_under(api_path_prefix)})",
            action="set_cache_settings",
            action_parameters=RulesetRulesActionParameters(
                cache=True,
                edge_ttl=RulesetRulesActionParametersEdgeTtl(mode="override_origin", default=static_edge_ttl_seconds),
            ),
            enabled=True,
        ),
        RulesetRules(
            ref="never_cache_api",
            description=f"Never cache {api_path_prefix}",
            expression=path_under(api_path_prefix),
            action="set_cache_settings",
            action_parameters=RulesetRulesActionParameters(cache=False),
            enabled=True,
        ),
    ]


def security_header_rules(*, content_security_policy: str, referrer_policy: str) -> list[RulesetRules]:
    """Set the security response headers on every response (HSTS is the zone's security_header setting)."""
    headers = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": referrer_policy,
        "Content-Security-Policy": content_security_policy,
    }
    return [
        RulesetRules(
            ref="security_response_headers",
            description="Security headers on every response",
            expression="true",
            action="rewrite",
            action_parameters=RulesetRulesActionParameters(
                headers={name: RulesetRulesActionParametersHeaders(operation="set", value=value) for name, value in headers.items()}
            ),
            enabled=True,
        )
    ]


def rate_limit_rules(
    *,
    api_path_prefix: str,
    auth_path_prefixes: Sequence[str],
    period_seconds: int,
    mitigation_seconds: int,
    api_requests: int,
    auth_requests: int | None,
) -> list[RulesetRules]:
    """Block a client IP over the limit; the stricter authentication rule (when asked) comes first."""

    def rule(ref: str, description: str, expression: str, requests: int) -> RulesetRules:
        return RulesetRules(
            ref=ref,
            description=description,
            expression=expression,
            action="block",
            ratelimit=RulesetRulesRatelimit(
                characteristics=RATE_LIMIT_CHARACTERISTICS,
                period=period_seconds,
                requests_per_period=requests,
                mitigation_timeout=mitigation_seconds,
            ),
            enabled=True,
        )

    rules = []
    if auth_requests is not None:
        auth_expression = " or ".join(path_under(p) for p in auth_path_prefixes)
        rules.append(rule("rate_limit_auth", "Stricter rate limit on authentication paths", f"({auth_expression})", auth_requests))
    rules.append(rule("rate_limit_api", f"Rate limit {api_path_prefix} per client IP", path_under(api_path_prefix), api_requests))
    return rules

"""Rules of the zone's entry-point rulesets (configuration, cache, response headers, rate limits).

Built with the generated struct classes: a plain snake_case dict inside a list would be
dropped silently at synth. Every value interpolated into an expression goes through an
``edge_policy`` check here (a DNS label, a URL path, a file extension), so none can close the
string literal or add a clause; the construct has already reported bad props as ``ValidationError``.

Hosts are matched by their first DNS label (``api.`` matches ``api.meridian-health.org`` and
``api.dev.meridian-health.org``), lowercased first: ``http.host`` is the client's ``Host`` header
as sent, and DNS names are case-insensitive. Only ``starts_with()``, ``lower()``, ``eq``, ``in``
and ``and``/``or``/``not`` are used; none of them needs a paid plan.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..engine.cloudflare import (
    RulesetRules,
    RulesetRulesActionParameters,
    RulesetRulesActionParametersEdgeTtl,
    RulesetRulesActionParametersHeaders,
    RulesetRulesRatelimit,
)
from .edge_policy import check_file_extension, check_hostname_label, check_url_path

UNCHALLENGED_SECURITY_LEVEL = "essentially_off"
"""Security level the configuration rule sets on API hosts and monitor paths. ``essentially_off`` rather than
``off``: Cloudflare has offered ``off`` to Enterprise zones only, and since it stopped populating the threat
score (always 0) no level below ``under_attack`` challenges anyone; the rule's point is that neither the
zone-wide ``high`` nor an operator's zone-wide "I'm Under Attack" (a JavaScript challenge no API client or
health checker can pass) reaches these requests, as Cloudflare's Security Level page advises for APIs."""

RATE_LIMIT_CHARACTERISTICS = ["cf.colo.id", "ip.src"]
"""Count per client IP (per Cloudflare data centre): the only characteristic below Enterprise."""

EVERY_PATH = 'starts_with(http.request.uri.path, "/")'
"""Every request of the zone, written with the one field a free zone's rate limiting rule may use (the path)."""


def host_first_label_in(labels: Sequence[str]) -> str:
    """Expression: the request's host, lowercased, starts with one of ``labels`` followed by a dot."""
    if not labels:
        raise ValueError("one or more hostname labels")
    return "(" + " or ".join(f'starts_with(lower(http.host), "{check_hostname_label(label)}.")' for label in labels) + ")"


def path_under(prefix: str) -> str:
    """Expression matching ``prefix`` itself and everything below it."""
    check_url_path(prefix)
    return f'(http.request.uri.path eq "{prefix}" or starts_with(http.request.uri.path, "{prefix}/"))'


def config_rules(*, api_hostname_labels: Sequence[str], platform_hostname_labels: Sequence[str], monitor_paths: Sequence[str]) -> list[RulesetRules]:
    """Lower the security level on every API host and on ``monitor_paths`` of the platform's hosts.

    Machines call these (API clients, Route 53's health checkers from shared AWS addresses); a challenge is a
    page they cannot pass: a failed call, or a health check that pages on-call for an outage that is not one.
    Everything else keeps the zone-wide level. Configuration rules are on every plan (``http_config_settings``).
    """
    scope = host_first_label_in(api_hostname_labels)
    # API hosts are exempt on every path already: the monitor paths only add the platform's other hosts.
    other_hosts = [label for label in platform_hostname_labels if label not in api_hostname_labels]
    if monitor_paths and other_hosts:
        paths = " or ".join(path_under(p) for p in monitor_paths)
        scope = f"({scope} or ({host_first_label_in(other_hosts)} and ({paths})))"
    return [
        RulesetRules(
            ref="machines_not_challenged",
            description="API hosts and health check paths: no challenge (API clients and uptime checkers cannot solve one)",
            expression=scope,
            action="set_config",
            action_parameters=RulesetRulesActionParameters(security_level=UNCHALLENGED_SECURITY_LEVEL),
            enabled=True,
        )
    ]


def cache_rules(*, api_hostname_labels: Sequence[str], static_extensions: Sequence[str], static_edge_ttl_seconds: int) -> list[RulesetRules]:
    """Cache static assets of non-API hosts for ``static_edge_ttl_seconds``; never cache an API host.

    The API bypass comes last because for cache settings the last matching rule wins. It is
    needed even though the first rule already skips API hosts: without any rule Cloudflare
    caches its default extensions (png, jpg, pdf, csv, docx, ...) whenever the origin's headers
    allow it.
    """
    api_hosts = host_first_label_in(api_hostname_labels)
    extensions = " ".join(f'"{check_file_extension(e)}"' for e in static_extensions)
    return [
        RulesetRules(
            ref="cache_static_assets",
            description="Cache static assets at the edge, except on API hosts",
            expression=f"(http.request.uri.path.extension in {{{extensions}}} and not {api_hosts})",
            action="set_cache_settings",
            action_parameters=RulesetRulesActionParameters(
                cache=True,
                edge_ttl=RulesetRulesActionParametersEdgeTtl(mode="override_origin", default=static_edge_ttl_seconds),
            ),
            enabled=True,
        ),
        RulesetRules(
            ref="never_cache_api",
            description=f"Never cache API hosts ({', '.join(f'{label}.*' for label in api_hostname_labels)})",
            expression=api_hosts,
            action="set_cache_settings",
            action_parameters=RulesetRulesActionParameters(cache=False),
            enabled=True,
        ),
    ]


def security_header_rules(*, platform_hostname_labels: Sequence[str], content_security_policy: str, referrer_policy: str) -> list[RulesetRules]:
    """Set the security response headers on the platform's hosts (HSTS is the zone's security_header setting)."""
    headers = {
        "X-Frame-Options": "DENY",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": referrer_policy,
        "Content-Security-Policy": content_security_policy,
    }
    return [
        RulesetRules(
            ref="security_response_headers",
            description="Security headers on the platform's hostnames",
            expression=host_first_label_in(platform_hostname_labels),
            action="rewrite",
            action_parameters=RulesetRulesActionParameters(
                headers={name: RulesetRulesActionParametersHeaders(operation="set", value=value) for name, value in headers.items()}
            ),
            enabled=True,
        )
    ]


def rate_limit_rules(
    *,
    api_hostname_labels: Sequence[str],
    match_host: bool,
    auth_path_prefixes: Sequence[str],
    period_seconds: int,
    mitigation_seconds: int,
    api_requests: int,
    auth_requests: int | None,
) -> list[RulesetRules]:
    """Block a client IP over the limit; the stricter authentication rule (when asked) comes first.

    With ``match_host`` (plan pro or higher) the rules match the API hosts. Without it (free
    plan: a rate limiting expression may only use the path) the one rule matches every path of
    every host in the zone, which includes every API host: limiting too much is the safe side.
    """
    api_scope = host_first_label_in(api_hostname_labels) if match_host else EVERY_PATH

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
        if not auth_path_prefixes:
            raise ValueError("one or more authentication paths")
        auth_paths = " or ".join(path_under(p) for p in auth_path_prefixes)
        rules.append(rule("rate_limit_auth", "Stricter rate limit on authentication paths of API hosts", f"({api_scope} and ({auth_paths}))", auth_requests))
    description = "Rate limit API hosts per client IP" if match_host else "Rate limit every host of the zone per client IP (free plan: path-only expressions)"
    rules.append(rule("rate_limit_api", description, api_scope, api_requests))
    return rules

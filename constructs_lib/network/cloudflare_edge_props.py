"""``CloudflareEdgeProps``: the settings of a CloudflareEdge, apart from the construct so its helpers can read them."""

from __future__ import annotations

from dataclasses import dataclass

from .edge_policy import (
    DEFAULT_API_REQUESTS_PER_PERIOD,
    DEFAULT_CONTENT_SECURITY_POLICY,
    DEFAULT_RATE_LIMIT_MITIGATION_SECONDS,
    DEFAULT_RATE_LIMIT_PERIOD_SECONDS,
    CloudflarePlan,
    MinTlsVersion,
    ReferrerPolicy,
)

HSTS_ONE_YEAR_SECONDS = 31_536_000


@dataclass(frozen=True, kw_only=True, slots=True)
class CloudflareEdgeProps:
    """Settings for CloudflareEdge."""

    domain: str
    """The Cloudflare zone (looked up by name; never created or deleted here)."""
    public_domain: str | None = None
    """Domain the public hostnames live under, the zone or below it. Default: the zone itself."""
    manage_zone_settings: bool = True
    """Own the zone-wide settings and rulesets. Exactly one stack per zone may; others only add DNS records."""
    plan: CloudflarePlan = CloudflarePlan.FREE
    """The zone's plan; rate limit options beyond it are rejected. Default: free."""
    min_tls_version: MinTlsVersion = MinTlsVersion.TLS_1_2
    """Lowest TLS version accepted at the edge. Default: 1.2."""
    hsts_max_age_seconds: int = HSTS_ONE_YEAR_SECONDS
    """HSTS max-age. Default: one year."""
    hsts_include_subdomains: bool = True
    """HSTS includeSubDomains. Default: on."""
    hsts_preload: bool = False
    """HSTS preload (hard to undo; needs a year's max-age and includeSubDomains). Default: off."""
    browser_cache_ttl_seconds: int = 3600
    """Browser cache TTL zone setting. Default: one hour."""
    static_edge_ttl_seconds: int = 86_400
    """Edge TTL of static assets. Default: one day."""
    static_extensions: tuple[str, ...] = ("css", "js", "mjs", "map", "png", "jpg", "jpeg", "gif", "svg", "webp", "avif", "ico", "woff", "woff2", "ttf")
    """File extensions cached at the edge for ``static_edge_ttl_seconds`` whatever the origin says, on every
    host of the zone except the API hosts. A non-API host must therefore never serve PHI under these extensions."""
    api_hostname_labels: tuple[str, ...] = ("api",)
    """First DNS labels of the API hosts. A host of the zone whose first label is one of these (``api.<public_domain>``
    of every environment sharing the zone, in any letter case) is never cached at the edge and is rate limited. Default: api."""
    platform_hostname_labels: tuple[str, ...] = ("api",)
    """First DNS labels of the platform's hostnames: those hosts get the security response headers, and
    ``add_public_hostname`` publishes only these labels. Must include every ``api_hostname_labels`` label. Default: api."""
    auth_path_prefixes: tuple[str, ...] = ("/auth",)
    """Paths on the API hosts for the stricter rate limit (``auth_requests_per_period``). Default: /auth."""
    content_security_policy: str = DEFAULT_CONTENT_SECURITY_POLICY
    """Content-Security-Policy header on the platform's hostnames. Default: same-origin only, no framing."""
    referrer_policy: ReferrerPolicy = ReferrerPolicy.STRICT_ORIGIN_WHEN_CROSS_ORIGIN
    """Referrer-Policy header on the platform's hostnames. Default: strict-origin-when-cross-origin."""
    rate_limit_period_seconds: int = DEFAULT_RATE_LIMIT_PERIOD_SECONDS
    """Rate limit counting window. Default: 10 s (the only value on the free plan)."""
    rate_limit_mitigation_seconds: int = DEFAULT_RATE_LIMIT_MITIGATION_SECONDS
    """How long a client over the limit is blocked. Default: 10 s (the only value on the free plan)."""
    api_requests_per_period: int = DEFAULT_API_REQUESTS_PER_PERIOD
    """Requests per client IP per window. Default: 100 per 10 s, about 10 per second.

    On plan pro or higher the rule matches the API hosts. On the free plan a rate limiting rule may
    match only the URI path (Cloudflare: "Available fields in rule expression: Path, Verified Bot"),
    so the rule covers every path of every host in the zone, the API hosts included."""
    auth_requests_per_period: int | None = None
    """Stricter limit on ``auth_path_prefixes`` of the API hosts. Default: no separate rule (a second rule needs plan pro)."""
    monitor_paths: tuple[str, ...] = ("/health",)
    """Paths (and everything below them) that uptime checks request on the platform's hosts: Route 53's health
    checkers come from shared AWS addresses that a challenge would fail, paging on-call for an outage that is not
    one. A configuration rule lowers the security level there, as on the API hosts, to ``essentially_off``
    (``health_check_path`` is added). Default: /health."""
    advanced_certificate: bool = False
    """Order an Advanced Certificate Manager pack (paid) covering ``public_domain`` and ``*.public_domain``. Default: off."""
    health_check_path: str | None = None
    """Path of a Cloudflare standalone health check (HTTPS GET, expects 200) on every public hostname;
    needs plan pro or higher. Default: no health checks."""
    health_alert_account_id: str | None = None
    """Cloudflare account (32 hex digits) that gets a notification policy emailing ``health_alert_emails``
    when a health check changes state; needs ``health_check_path``. Default: no notification policy."""
    health_alert_emails: tuple[str, ...] = ()
    """Addresses the health check notification policy emails. Default: none."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on the public hostname and verification DNS records (deleting
    ``api.<domain>`` takes the platform off the internet). Default: on."""
    zone_id: str | None = None
    """The zone's id (32 hex digits). The zone is then read by id and the plan fails unless its name
    is ``domain``, so a credential or id for another zone cannot be used by mistake. Default: look
    the zone up by name (whatever zone of that name the token sees)."""

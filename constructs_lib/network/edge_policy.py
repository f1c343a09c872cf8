"""Pure edge policy values: what each Cloudflare plan allows, the default CSP, the values
that go into rule expressions; no cdktf.

Sources (Cloudflare docs, developers.cloudflare.com):

- "Rate limiting rules > Availability" (waf/rate-limiting-rules/#availability): rules 1, 2, 5,
  100; counting periods up to 10 s, 1 min, 10 min, 65535 s; mitigation up to 10 s, 1 h, 1 day,
  1 day; "Available fields in rule expression": Free "Path, Verified Bot", Pro "Host, URI, Path,
  Full URI, Query, Verified Bot", Business adds "Method, Source IP, User Agent". A free zone's
  rate limiting rule therefore cannot name the host.
- "Operators and grouping symbols": "Access to the ``matches`` operator requires a Cloudflare
  Business or Enterprise plan"; ``starts_with()`` / ``lower()`` carry no plan restriction
  ("Functions"), so the expressions here use only those, ``eq``, ``in``, ``and``/``or``/``not``.
- Cache Rules and Transform Rules: "Available on all plans" (10 rules each on Free); their
  expressions may use ``http.host`` (Cache Rules "Available settings > Fields": "Hostname -
  http.host").

Everything else NetworkBaseline configures (strict SSL, minimum TLS, TLS 1.3, Always Use HTTPS,
Automatic HTTPS Rewrites, HSTS, security level, browser cache TTL, Brotli) is available on every
plan, Free included.
"""

from __future__ import annotations

import enum
import re


class MinTlsVersion(enum.StrEnum):
    """Lowest TLS version the edge accepts (zone setting ``min_tls_version``); 1.0 and 1.1 are not offered."""

    TLS_1_2 = "1.2"
    TLS_1_3 = "1.3"


class ReferrerPolicy(enum.StrEnum):
    """``Referrer-Policy`` values that never send a path to another origin (the others are not offered)."""

    NO_REFERRER = "no-referrer"
    SAME_ORIGIN = "same-origin"
    STRICT_ORIGIN = "strict-origin"
    STRICT_ORIGIN_WHEN_CROSS_ORIGIN = "strict-origin-when-cross-origin"


DEFAULT_CONTENT_SECURITY_POLICY = (
    "default-src 'self'; base-uri 'self'; object-src 'none'; frame-ancestors 'none'; form-action 'self'; upgrade-insecure-requests"
)
"""Same-origin only, no framing, no plugins; an API platform rarely needs more."""

BROWSER_CACHE_TTL_SECONDS = (
    0,
    30,
    60,
    120,
    300,
    1200,
    1800,
    3600,
    7200,
    10800,
    14400,
    18000,
    28800,
    43200,
    57600,
    72000,
    86400,
    172800,
    259200,
    345600,
    432000,
    691200,
    1382400,
    2073600,
    2678400,
    5356800,
    16070400,
    31536000,
)
"""Values Cloudflare's ``browser_cache_ttl`` zone setting accepts (0: respect origin headers)."""


def check_content_security_policy(value: str) -> str:
    """One line of printable ASCII, at most 4096 characters, with a ``default-src`` directive."""
    if not 1 <= len(value) <= 4096 or not value.isascii() or not value.isprintable() or '"' in value or "default-src" not in value:
        raise ValueError("one line of printable ASCII without double quotes (at most 4096 characters) with a default-src directive")
    return value


_PATH_RE = re.compile(r"/[A-Za-z0-9._~/-]{0,200}")
_LABEL_RE = re.compile(r"[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")
_EXTENSION_RE = re.compile(r"[a-z0-9]{1,10}")


def check_url_path(value: str) -> str:
    """A URL path prefix such as ``/auth``: it goes into rule expressions, so no quotes, spaces or newlines."""
    if not isinstance(value, str) or not _PATH_RE.fullmatch(value):
        raise ValueError("a URL path such as '/auth' (letters, digits, '._~/-' only)")
    return value


def check_hostname_label(value: str) -> str:
    """One lowercase DNS label such as ``api``: it goes into rule expressions, so nothing else."""
    if not isinstance(value, str) or not _LABEL_RE.fullmatch(value):
        raise ValueError("a lowercase DNS label such as 'api'")
    return value


def check_file_extension(value: str) -> str:
    """A lowercase file extension without the dot, such as ``css`` (it goes into rule expressions)."""
    if not isinstance(value, str) or not _EXTENSION_RE.fullmatch(value):
        raise ValueError("a lowercase extension such as 'css'")
    return value


DEFAULT_RATE_LIMIT_PERIOD_SECONDS = 10
"""Default rate limit counting window (the only value on the free plan)."""
DEFAULT_RATE_LIMIT_MITIGATION_SECONDS = 10
"""Default time a client over the limit is blocked (the only value on the free plan)."""
DEFAULT_API_REQUESTS_PER_PERIOD = 100
"""Default requests per client IP per window: about 10 per second with the 10 s window."""

RATE_LIMIT_PERIOD_VALUES = (10, 15, 20, 30, 40, 45, 60, 90, 120, 180, 240, 300, 480, 600, 900, 1200, 1800, 2400, 3600, 65535, 86400)
"""Counting and mitigation periods (seconds) Cloudflare supports; each plan allows those up to its limit."""


class CloudflarePlan(enum.Enum):
    """The zone's Cloudflare plan; decides which rate limiting rules the zone accepts."""

    FREE = "free"
    PRO = "pro"
    BUSINESS = "business"
    ENTERPRISE = "enterprise"

    @property
    def rate_limit_matches_host(self) -> bool:
        """Whether a rate limiting rule expression may use ``http.host`` (Free: the URI path only)."""
        return self is not CloudflarePlan.FREE

    @property
    def rate_limit_rules(self) -> int:
        """Rate limiting rules the zone's ``http_ratelimit`` phase accepts."""
        return {"free": 1, "pro": 2, "business": 5, "enterprise": 100}[self.value]

    @property
    def rate_limit_periods(self) -> tuple[int, ...]:
        """Counting periods (seconds) a rate limiting rule may use."""
        longest = {"free": 10, "pro": 60, "business": 600, "enterprise": 65535}[self.value]
        return tuple(v for v in RATE_LIMIT_PERIOD_VALUES if v <= longest)

    @property
    def mitigation_timeouts(self) -> tuple[int, ...]:
        """Block durations (seconds) a rate limiting rule may use."""
        longest = {"free": 10, "pro": 3600, "business": 86400, "enterprise": 86400}[self.value]
        return tuple(v for v in RATE_LIMIT_PERIOD_VALUES if v <= longest)


def check_rate_limits(
    plan: CloudflarePlan,
    *,
    period_seconds: int,
    mitigation_seconds: int,
    api_requests: int,
    auth_requests: int | None,
) -> list[tuple[str, object, str]]:
    """Problems with a rate limit configuration on ``plan``, as ``(field, value, allowed)``.

    Empty when the configuration is valid.
    """
    problems: list[tuple[str, object, str]] = []
    if period_seconds not in plan.rate_limit_periods:
        problems.append(("rate_limit_period_seconds", period_seconds, f"one of {plan.rate_limit_periods} on the {plan.value} plan"))
    if mitigation_seconds not in plan.mitigation_timeouts:
        problems.append(("rate_limit_mitigation_seconds", mitigation_seconds, f"one of {plan.mitigation_timeouts} on the {plan.value} plan"))
    if not 1 <= api_requests <= 1_000_000:
        problems.append(("api_requests_per_period", api_requests, "1..1000000"))
    if auth_requests is not None:
        if plan.rate_limit_rules < 2:
            problems.append(
                (
                    "auth_requests_per_period",
                    auth_requests,
                    f"unset on the {plan.value} plan (one rate limiting rule; a separate auth rule needs plan pro or higher)",
                )
            )
        elif not 1 <= auth_requests < api_requests:
            problems.append(("auth_requests_per_period", auth_requests, f"1..{api_requests - 1} (stricter than api_requests_per_period)"))
    return problems

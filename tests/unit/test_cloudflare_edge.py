"""CloudflareEdge: zone settings, rulesets, DNS wiring, plan limits and bad props.

The ruleset tests evaluate the synthesized expressions for concrete requests with
``_matches``, a small evaluator of exactly the Rules-language subset ``_edge_rules`` emits
(it fails on anything else), so they check the edge's decisions, not only the rule text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest

from constructs_lib.errors import ValidationError
from constructs_lib.network.edge_policy import DEFAULT_CONTENT_SECURITY_POLICY, CloudflarePlan
from tests.conftest import resources_of, synth_json


def _edge(stack: Any, **overrides: Any) -> Any:
    from constructs_lib.engine.cloudflare import CloudflareProvider
    from constructs_lib.network.cloudflare_edge import CloudflareEdge
    from constructs_lib.network.cloudflare_edge_props import CloudflareEdgeProps

    CloudflareProvider(stack, "cloudflare")
    props = {"domain": "example-health.org", **overrides}
    return CloudflareEdge(stack, "Edge", CloudflareEdgeProps(**props))


def _settings(doc: dict[str, Any]) -> dict[str, Any]:
    return {block["setting_id"]: block["value"] for block in resources_of(doc, "cloudflare_zone_setting").values()}


def _ruleset(doc: dict[str, Any], phase: str) -> dict[str, Any]:
    (block,) = [b for b in resources_of(doc, "cloudflare_ruleset").values() if b["phase"] == phase]
    return block


# --- A tiny evaluator of the expressions _edge_rules emits --------------------------------


@dataclass(frozen=True)
class _Request:
    host: str
    path: str

    @classmethod
    def get(cls, url: str) -> _Request:
        parts = urlsplit(url)
        return cls(host=parts.netloc, path=parts.path or "/")

    def field(self, name: str) -> str:
        if name == "http.host":
            return self.host
        if name == "http.request.uri.path":
            return self.path
        if name == "http.request.uri.path.extension":
            # Cloudflare: lowercased text after the last dot of the last path segment; "" for "/.foo" or none.
            segment = self.path.rsplit("/", 1)[-1]
            stem, dot, extension = segment.rpartition(".")
            return extension.lower() if dot and stem else ""
        raise AssertionError(f"field not understood by the test evaluator: {name}")


_TOKEN_RE = re.compile(r'\s*(?:(?P<string>"[^"\\]*")|(?P<word>[a-z_][a-z0-9_.]*)|(?P<symbol>[(){},]))')


def _tokens(expression: str) -> list[str]:
    tokens, position = [], 0
    while position < len(expression.rstrip()):
        match = _TOKEN_RE.match(expression, position)
        assert match, f"unexpected text at {position}: {expression[position:]!r}"
        tokens.append(match.group(match.lastgroup or ""))
        position = match.end()
    return tokens


def _matches(expression: str, request: _Request) -> bool:
    """Evaluate ``expression`` for ``request``: ``not`` binds tighter than ``and``, ``and`` than ``or``."""
    tokens = _tokens(expression)

    def take(expected: str | None = None) -> str:
        token = tokens.pop(0)
        assert expected is None or token == expected, f"expected {expected!r}, got {token!r} in {expression}"
        return token

    def literal() -> str:
        token = take()
        assert token.startswith('"'), f"expected a string literal, got {token!r} in {expression}"
        return token[1:-1]

    def value() -> str:
        token = take()
        if token == "lower":
            take("(")
            result = value().lower()
            take(")")
            return result
        return request.field(token)

    def atom() -> bool:
        token = tokens[0]
        if token == "(":
            take("(")
            result = disjunction()
            take(")")
            return result
        if token == "true":
            take()
            return True
        if token == "starts_with":
            take()
            take("(")
            subject = value()
            take(",")
            prefix = literal()
            take(")")
            return subject.startswith(prefix)
        subject = value()
        operator = take()
        if operator == "eq":
            return subject == literal()
        if operator == "in":
            take("{")
            members = set()
            while tokens[0] != "}":
                members.add(literal())
            take("}")
            return subject in members
        raise AssertionError(f"operator not understood by the test evaluator: {operator!r} in {expression}")

    def negation() -> bool:
        if tokens[0] == "not":
            take()
            return not negation()
        return atom()

    def conjunction() -> bool:
        result = negation()
        while tokens and tokens[0] == "and":
            take()
            result = negation() and result
        return result

    def disjunction() -> bool:
        result = conjunction()
        while tokens and tokens[0] == "or":
            take()
            result = conjunction() or result
        return result

    result = disjunction()
    assert not tokens, f"unparsed tokens {tokens} in {expression}"
    return result


def _cached(doc: dict[str, Any], url: str) -> bool | None:
    """The ``cache`` setting of the last matching cache rule (the one Cloudflare applies); None: no rule matched."""
    request = _Request.get(url)
    decision = None
    for rule in _ruleset(doc, "http_request_cache_settings")["rules"]:
        if _matches(rule["expression"], request):
            decision = rule["action_parameters"]["cache"]
    return decision


def _rate_limits(doc: dict[str, Any], url: str) -> list[str]:
    """The refs of the rate limiting rules whose expression matches."""
    request = _Request.get(url)
    return [rule["ref"] for rule in _ruleset(doc, "http_ratelimit")["rules"] if _matches(rule["expression"], request)]


def _gets_security_headers(doc: dict[str, Any], url: str) -> bool:
    request = _Request.get(url)
    return any(_matches(rule["expression"], request) for rule in _ruleset(doc, "http_response_headers_transform")["rules"])


CHALLENGING_LEVELS = {"low", "medium", "high", "under_attack"}
"""Security levels that may challenge a request: ``essentially_off`` and ``off`` do not (with Cloudflare's threat
score now always 0, only ``under_attack`` challenges in practice; the test treats every level above as one)."""


def _security_level(doc: dict[str, Any], url: str) -> str:
    """The security level Cloudflare applies to ``url``: the zone setting, unless configuration rules set it
    (``http_config_settings``: every matching rule applies in order, so the last one that sets it wins)."""
    request = _Request.get(url)
    level: str = _settings(doc)["security_level"]
    rulesets = [b for b in resources_of(doc, "cloudflare_ruleset").values() if b["phase"] == "http_config_settings"]
    for ruleset in rulesets:
        for rule in ruleset["rules"]:
            assert rule["action"] == "set_config", rule
            if rule.get("enabled", True) and _matches(rule["expression"], request) and "security_level" in rule["action_parameters"]:
                level = rule["action_parameters"]["security_level"]
    return level


def test_the_test_evaluator_follows_cloudflare_precedence() -> None:
    request = _Request.get("https://API.example.org/a/b.PNG")
    assert request.field("http.request.uri.path.extension") == "png"
    assert _Request.get("https://x.org/.hidden").field("http.request.uri.path.extension") == ""
    assert _matches('not starts_with(http.host, "x") and true or starts_with(lower(http.host), "api.")', request)
    assert not _matches("not (true or true) and true", request)
    with pytest.raises(AssertionError, match="not understood"):
        _matches('http.host matches "^api"', request)


def _synth_edge(**overrides: Any) -> dict[str, Any]:
    from constructs_lib.engine.core import TerraformStack, Testing as CdktfTesting

    stack = TerraformStack(CdktfTesting.app(), "test")
    _edge(stack, **overrides)
    return synth_json(stack)


@pytest.fixture(scope="module")
def default_edge() -> dict[str, Any]:
    return _synth_edge()


@pytest.fixture(scope="module")
def prod_edge() -> dict[str, Any]:
    """The prod stack's edge: owns the zone all three environments share, free plan."""
    return _synth_edge(domain="meridian-health.org", public_domain="meridian-health.org", manage_zone_settings=True, plan=CloudflarePlan.FREE)


@pytest.fixture(scope="module")
def pro_edge() -> dict[str, Any]:
    return _synth_edge(
        domain="meridian-health.org", plan=CloudflarePlan.PRO, auth_requests_per_period=20, rate_limit_period_seconds=60, rate_limit_mitigation_seconds=60
    )


API_REQUESTS = (
    "https://api.meridian-health.org/files/scan.png",
    "https://api.dev.meridian-health.org/x.jpg",
    "https://api.staging.meridian-health.org/records/1/report.pdf",
    "https://API.Meridian-Health.org/files/scan.png",
    "https://api.meridian-health.org/app.js",
    "https://api.meridian-health.org/patients/123",
)


def test_zone_is_looked_up_by_name_not_created(default_edge: dict[str, Any]) -> None:
    (zone,) = default_edge["data"]["cloudflare_zone"].values()
    assert zone["filter"] == {"name": "example-health.org"}
    assert "cloudflare_zone" not in default_edge["resource"]
    zone_ref = "${data.cloudflare_zone.Edge_Zone_B7F2999D.id}"
    assert {b["zone_id"] for t in ("cloudflare_zone_setting", "cloudflare_ruleset") for b in resources_of(default_edge, t).values()} == {zone_ref}


def test_secure_zone_settings_by_default(default_edge: dict[str, Any]) -> None:
    assert _settings(default_edge) == {
        "ssl": "strict",
        "min_tls_version": "1.2",
        "tls_1_3": "on",
        "always_use_https": "on",
        "automatic_https_rewrites": "on",
        "security_header": {
            "strict_transport_security": {
                "enabled": True,
                "max_age": 31_536_000,
                "include_subdomains": True,
                "preload": False,
                "nosniff": True,
            }
        },
        "security_level": "high",
        "browser_cache_ttl": 3600,
        "brotli": "on",
    }


PROD_API_HOSTS = '(starts_with(lower(http.host), "api."))'


def test_prod_rulesets_emit_these_expressions(prod_edge: dict[str, Any]) -> None:
    assert {_ruleset(prod_edge, phase)["kind"] for phase in ("http_request_cache_settings", "http_response_headers_transform", "http_ratelimit")} == {"zone"}
    static, never = _ruleset(prod_edge, "http_request_cache_settings")["rules"]
    assert static["expression"] == (
        '(http.request.uri.path.extension in {"css" "js" "mjs" "map" "png" "jpg" "jpeg" "gif" "svg" "webp" "avif" "ico" '
        f'"woff" "woff2" "ttf"}} and not {PROD_API_HOSTS})'
    )
    assert static["action_parameters"] == {"cache": True, "edge_ttl": {"mode": "override_origin", "default": 86_400}}
    # For cache settings the last matching rule wins: the API bypass comes last.
    assert (never["ref"], never["expression"], never["action_parameters"]) == ("never_cache_api", PROD_API_HOSTS, {"cache": False})
    (headers,) = _ruleset(prod_edge, "http_response_headers_transform")["rules"]
    assert headers["expression"] == PROD_API_HOSTS
    (limit,) = _ruleset(prod_edge, "http_ratelimit")["rules"]
    assert limit["expression"] == 'starts_with(http.request.uri.path, "/")'


@pytest.mark.parametrize("url", [*API_REQUESTS, "https://api.meridian-health.org/health", "https://api.meridian-health.org/health/ready"])
def test_api_hosts_and_health_checks_are_never_challenged(prod_edge: dict[str, Any], url: str) -> None:
    """API clients and Route 53's checkers (shared AWS addresses) cannot solve a challenge: a failed check pages on-call."""
    assert _security_level(prod_edge, url) not in CHALLENGING_LEVELS


@pytest.mark.parametrize(
    "url",
    [
        "https://www.meridian-health.org/",
        "https://www.meridian-health.org/health",
        "https://meridian-health.org/healthy",
        "https://apiary.meridian-health.org/",
    ],
)
def test_every_other_request_keeps_the_zone_security_level(prod_edge: dict[str, Any], url: str) -> None:
    assert _security_level(prod_edge, url) == "high"


def test_monitor_paths_of_other_platform_hosts_are_not_challenged(fresh_stack: Any) -> None:
    _edge(fresh_stack, plan=CloudflarePlan.PRO, platform_hostname_labels=("api", "app"), monitor_paths=("/healthz",), health_check_path="/status")
    doc = synth_json(fresh_stack)
    (ruleset,) = [b for b in resources_of(doc, "cloudflare_ruleset").values() if b["phase"] == "http_config_settings"]
    assert (ruleset["kind"], [r["action_parameters"] for r in ruleset["rules"]]) == ("zone", [{"security_level": "essentially_off"}])
    for url in ("https://app.example-health.org/healthz", "https://app.example-health.org/status", "https://api.example-health.org/anything"):
        assert _security_level(doc, url) not in CHALLENGING_LEVELS, url
    for url in ("https://app.example-health.org/", "https://app.example-health.org/health", "https://www.example-health.org/healthz"):
        assert _security_level(doc, url) == "high", url


@pytest.mark.parametrize("url", API_REQUESTS)
def test_api_hosts_are_never_cached_at_the_shared_edge(prod_edge: dict[str, Any], url: str) -> None:
    assert _cached(prod_edge, url) is False


@pytest.mark.parametrize(
    "url", ["https://www.meridian-health.org/app.js", "https://www.meridian-health.org/img/logo.PNG", "https://status.dev.meridian-health.org/a.css"]
)
def test_static_assets_of_other_hosts_are_cached(prod_edge: dict[str, Any], url: str) -> None:
    assert _cached(prod_edge, url) is True


@pytest.mark.parametrize("url", ["https://www.meridian-health.org/", "https://www.meridian-health.org/data.json", "https://www.meridian-health.org/.png"])
def test_other_content_of_other_hosts_gets_no_cache_rule(prod_edge: dict[str, Any], url: str) -> None:
    assert _cached(prod_edge, url) is None


@pytest.mark.parametrize("url", [*API_REQUESTS, "https://www.meridian-health.org/app.js"])
def test_free_plan_rate_limit_covers_every_host_because_it_cannot_match_the_host(prod_edge: dict[str, Any], url: str) -> None:
    # Free: "Available fields in rule expression: Path, Verified Bot"; the rule may not name http.host.
    assert "http.host" not in _ruleset(prod_edge, "http_ratelimit")["rules"][0]["expression"]
    assert _rate_limits(prod_edge, url) == ["rate_limit_api"]


@pytest.mark.parametrize("url", [*API_REQUESTS, "https://api.dev.meridian-health.org/"])
def test_security_headers_on_api_hosts(prod_edge: dict[str, Any], url: str) -> None:
    assert _gets_security_headers(prod_edge, url)


@pytest.mark.parametrize("url", ["https://www.meridian-health.org/", "https://meridian-health.org/", "https://apiary.meridian-health.org/"])
def test_no_security_headers_on_hosts_outside_the_platform(prod_edge: dict[str, Any], url: str) -> None:
    assert not _gets_security_headers(prod_edge, url)


def test_paid_plan_rate_limits_api_hosts_only_and_auth_paths_first(pro_edge: dict[str, Any]) -> None:
    auth, api = _ruleset(pro_edge, "http_ratelimit")["rules"]
    assert (auth["ref"], api["ref"]) == ("rate_limit_auth", "rate_limit_api")
    assert auth["expression"] == f'({PROD_API_HOSTS} and ((http.request.uri.path eq "/auth" or starts_with(http.request.uri.path, "/auth/"))))'
    assert api["expression"] == PROD_API_HOSTS
    assert (auth["ratelimit"]["requests_per_period"], auth["ratelimit"]["period"], api["ratelimit"]["requests_per_period"]) == (20, 60, 100)
    assert _rate_limits(pro_edge, "https://api.meridian-health.org/files/scan.png") == ["rate_limit_api"]
    assert _rate_limits(pro_edge, "https://api.dev.meridian-health.org/x.jpg") == ["rate_limit_api"]
    assert _rate_limits(pro_edge, "https://api.staging.meridian-health.org/auth/login") == ["rate_limit_auth", "rate_limit_api"]
    assert _rate_limits(pro_edge, "https://api.meridian-health.org/auth") == ["rate_limit_auth", "rate_limit_api"]
    assert _rate_limits(pro_edge, "https://api.meridian-health.org/authors") == ["rate_limit_api"]
    assert _rate_limits(pro_edge, "https://www.meridian-health.org/auth/login") == []


def test_more_api_and_platform_labels(fresh_stack: Any) -> None:
    _edge(fresh_stack, api_hostname_labels=("api", "fhir"), platform_hostname_labels=("api", "fhir", "app"))
    doc = synth_json(fresh_stack)
    assert _cached(doc, "https://fhir.example-health.org/Binary/1.png") is False
    assert _cached(doc, "https://app.example-health.org/main.js") is True
    assert _gets_security_headers(doc, "https://app.example-health.org/") and _gets_security_headers(doc, "https://fhir.dev.example-health.org/")
    assert not _gets_security_headers(doc, "https://www.example-health.org/")
    (never,) = [r for r in _ruleset(doc, "http_request_cache_settings")["rules"] if r["ref"] == "never_cache_api"]
    assert never["expression"] == '(starts_with(lower(http.host), "api.") or starts_with(lower(http.host), "fhir."))'


def test_security_headers_set_on_the_platform_hosts(default_edge: dict[str, Any]) -> None:
    (rule,) = _ruleset(default_edge, "http_response_headers_transform")["rules"]
    assert rule["action"] == "rewrite"
    assert rule["action_parameters"]["headers"] == {
        "X-Frame-Options": {"operation": "set", "value": "DENY"},
        "X-Content-Type-Options": {"operation": "set", "value": "nosniff"},
        "Referrer-Policy": {"operation": "set", "value": "strict-origin-when-cross-origin"},
        "Content-Security-Policy": {"operation": "set", "value": DEFAULT_CONTENT_SECURITY_POLICY},
    }


def test_free_plan_rate_limits_with_one_rule_per_client_ip(default_edge: dict[str, Any]) -> None:
    (rule,) = _ruleset(default_edge, "http_ratelimit")["rules"]
    assert rule["action"] == "block"
    assert rule["ratelimit"] == {
        "characteristics": ["cf.colo.id", "ip.src"],
        "period": 10,
        "requests_per_period": 100,
        "mitigation_timeout": 10,
    }


def test_no_dns_record_or_certificate_until_asked(default_edge: dict[str, Any]) -> None:
    assert resources_of(default_edge, "cloudflare_dns_record") == {}
    assert resources_of(default_edge, "cloudflare_certificate_pack") == {}


def test_overrides_tls_hsts_preload_and_csp(fresh_stack: Any) -> None:
    _edge(fresh_stack, min_tls_version="1.3", hsts_preload=True, content_security_policy="default-src 'none'", referrer_policy="no-referrer")
    doc = synth_json(fresh_stack)
    settings = _settings(doc)
    assert settings["min_tls_version"] == "1.3"
    assert settings["security_header"]["strict_transport_security"]["preload"] is True
    headers = _ruleset(doc, "http_response_headers_transform")["rules"][0]["action_parameters"]["headers"]
    assert headers["Content-Security-Policy"]["value"] == "default-src 'none'"
    assert headers["Referrer-Policy"]["value"] == "no-referrer"


def test_non_owner_only_looks_up_the_zone(fresh_stack: Any) -> None:
    _edge(fresh_stack, manage_zone_settings=False)
    doc = synth_json(fresh_stack)
    assert list(doc["data"]["cloudflare_zone"]) == ["Edge_Zone_B7F2999D"]
    assert "resource" not in doc or (resources_of(doc, "cloudflare_zone_setting") == {} and resources_of(doc, "cloudflare_ruleset") == {})


def test_public_hostname_is_a_proxied_cname_to_the_target(fresh_stack: Any) -> None:
    from constructs_lib.engine.core import TerraformVariable

    edge = _edge(fresh_stack, public_domain="dev.example-health.org", advanced_certificate=True, platform_hostname_labels=("api", "status"))
    service_domain = TerraformVariable(fresh_stack, "gateway_domain", type="string").string_value
    record = edge.add_public_hostname("api", service_domain)
    edge.add_public_hostname("status", "status.up.railway.app")
    doc = synth_json(fresh_stack)
    records = {b["name"]: b for b in resources_of(doc, "cloudflare_dns_record").values()}
    assert records["api.dev.example-health.org"] == {
        "zone_id": "${data.cloudflare_zone.Edge_Zone_B7F2999D.id}",
        "name": "api.dev.example-health.org",
        "type": "CNAME",
        "content": "${var.gateway_domain}",
        "proxied": True,
        "ttl": 1,
        "comment": "managed by cdktf (test/Edge)",
        "lifecycle": {"prevent_destroy": True},
    }
    assert records["status.dev.example-health.org"]["content"] == "status.up.railway.app"
    assert set(edge.hostnames) == {"api.dev.example-health.org", "status.dev.example-health.org"}
    assert edge.hostnames["api.dev.example-health.org"] is record
    (pack,) = resources_of(doc, "cloudflare_certificate_pack").values()
    assert pack["hosts"] == ["*.dev.example-health.org", "dev.example-health.org", "example-health.org"]
    assert (pack["type"], pack["validation_method"], pack["validity_days"]) == ("advanced", "txt", 90)


def test_prod_style_hostname_at_the_zone_needs_no_certificate(fresh_stack: Any) -> None:
    edge = _edge(fresh_stack)
    edge.add_public_hostname("api", "gateway.up.railway.app")
    doc = synth_json(fresh_stack)
    assert [b["name"] for b in resources_of(doc, "cloudflare_dns_record").values()] == ["api.example-health.org"]


@pytest.mark.parametrize(
    ("label", "target", "message"),
    [
        ("API", "gateway.up.railway.app", "label must be a lowercase DNS label such as 'api', got 'API'"),
        ("api.v2", "gateway.up.railway.app", "label must be a lowercase DNS label"),
        ("api", "not a host", "target must be a lowercase DNS name"),
        ("api", "https://gateway.up.railway.app", "target must be a lowercase DNS name"),
    ],
)
def test_fails_when_public_hostname_is_bad(fresh_stack: Any, label: str, target: str, message: str) -> None:
    edge = _edge(fresh_stack)
    with pytest.raises(ValidationError, match=re.escape(f"test/Edge: {message}")):
        edge.add_public_hostname(label, target)


@pytest.mark.parametrize("label", ["www", "status", "apiary"])
def test_fails_when_public_hostname_label_is_not_a_platform_label(fresh_stack: Any, label: str) -> None:
    edge = _edge(fresh_stack)
    with pytest.raises(
        ValidationError, match=re.escape(f"test/Edge: label must be one of platform_hostname_labels (api), so the edge rules cover the hostname, got '{label}'")
    ):
        edge.add_public_hostname(label, "web.up.railway.app")
    assert edge.hostnames == {}


def test_fails_when_public_hostname_is_added_twice(fresh_stack: Any) -> None:
    edge = _edge(fresh_stack)
    edge.add_public_hostname("api", "gateway.up.railway.app")
    with pytest.raises(ValidationError, match=r"test/Edge: label must be unique within the edge \(already added\), got 'api'"):
        edge.add_public_hostname("api", "other.up.railway.app")


def test_fails_when_hostname_is_too_deep_for_universal_ssl(fresh_stack: Any) -> None:
    edge = _edge(fresh_stack, public_domain="dev.example-health.org")
    with pytest.raises(ValidationError, match=r"api\.dev\.example-health\.org is 2 levels below example-health\.org; Universal SSL covers one\), got 'api'"):
        edge.add_public_hostname("api", "gateway.up.railway.app")


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"domain": "Not A Domain"}, "domain must be a lowercase DNS name"),
        ({"public_domain": "dev.other.org"}, "public_domain must be example-health.org or a name below it, got 'dev.other.org'"),
        ({"min_tls_version": "1.1"}, "min_tls_version must be '1.2' or '1.3', got '1.1'"),
        ({"hsts_preload": True, "hsts_max_age_seconds": 3600}, "hsts_preload must be used with hsts_max_age_seconds >= 31536000"),
        ({"hsts_preload": True, "hsts_include_subdomains": False}, "hsts_preload must be used with"),
        ({"hsts_max_age_seconds": 0}, "hsts_max_age_seconds must be 1..63072000, got 0"),
        ({"browser_cache_ttl_seconds": 1000}, "browser_cache_ttl_seconds must be a value Cloudflare accepts"),
        ({"static_edge_ttl_seconds": 0}, "static_edge_ttl_seconds must be 1..31536000, got 0"),
        ({"static_extensions": ("css", 'js" or true')}, "static_extensions must be one or more lowercase extensions"),
        ({"static_extensions": ("css\n",)}, r"static_extensions must be one or more lowercase extensions such as 'css', got 'css\\n'$"),
        (
            {"api_hostname_labels": ('api.") or true or ("',)},
            r"api_hostname_labels must be one or more lowercase DNS labels such as 'api', got 'api\.\"\) or true",
        ),
        (
            {"api_hostname_labels": ("API",), "platform_hostname_labels": ("API",)},
            "api_hostname_labels must be one or more lowercase DNS labels such as 'api', got 'API'",
        ),
        ({"api_hostname_labels": ()}, r"api_hostname_labels must be one or more lowercase DNS labels such as 'api', as a tuple, got \(\)"),
        ({"api_hostname_labels": "api"}, r"api_hostname_labels must be one or more lowercase DNS labels such as 'api', as a tuple, got 'api'"),
        (
            {"platform_hostname_labels": ("www",)},
            r"platform_hostname_labels must be a tuple including every api_hostname_labels label \(missing api\), got \('www',\)",
        ),
        ({"platform_hostname_labels": ("api", "*")}, r"platform_hostname_labels must be one or more lowercase DNS labels such as 'api', got '\*'"),
        ({"auth_path_prefixes": ('/auth" or true or "',)}, "auth_path_prefixes must be one or more URL paths such as '/auth', got '/auth\" or true"),
        ({"auth_path_prefixes": ("/auth\n",)}, r"auth_path_prefixes must be one or more URL paths such as '/auth', got '/auth\\n'$"),
        ({"auth_path_prefixes": ()}, r"auth_path_prefixes must be one or more URL paths such as '/auth', as a tuple, got \(\)"),
        ({"content_security_policy": "script-src 'self'"}, "content_security_policy must be one line of printable ASCII"),
        ({"content_security_policy": "default-src 'self'\nX-Injected: 1"}, "content_security_policy must be one line"),
        ({"referrer_policy": "unsafe-url"}, "referrer_policy must be one of no-referrer"),
        ({"auth_requests_per_period": 20}, "auth_requests_per_period must be unset on the free plan"),
        ({"rate_limit_period_seconds": 60}, r"rate_limit_period_seconds must be one of \(10,\) on the free plan, got 60"),
        (
            {"plan": CloudflarePlan.PRO, "rate_limit_mitigation_seconds": 86400},
            r"rate_limit_mitigation_seconds must be one of \(10, 15, .*, 3600\) on the pro plan, got 86400",
        ),
        (
            {"plan": CloudflarePlan.PRO, "rate_limit_period_seconds": 600},
            r"rate_limit_period_seconds must be one of \(10, 15, .*, 60\) on the pro plan, got 600",
        ),
        ({"plan": CloudflarePlan.PRO, "auth_requests_per_period": 100}, r"auth_requests_per_period must be 1..99 \(stricter than api_requests_per_period\)"),
        ({"api_requests_per_period": 0}, "api_requests_per_period must be 1..1000000, got 0"),
    ],
)
def test_fails_when_edge_props_are_bad(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=f"^test/Edge: {message}"):
        _edge(fresh_stack, **overrides)


def test_dns_records_can_be_left_unprotected_for_disposable_environments(fresh_stack: Any) -> None:
    edge = _edge(fresh_stack, protect_from_destroy=False)
    edge.add_public_hostname("api", "api.up.railway.app")
    edge.add_verification_record("api", "_railway.api.example-health.org", "token")
    records = resources_of(synth_json(fresh_stack), "cloudflare_dns_record").values()
    assert [r.get("lifecycle") for r in records] == [None, None]


def test_fails_with_every_problem_at_once(fresh_stack: Any) -> None:
    from constructs_lib.errors import ValidationErrors

    with pytest.raises(ValidationErrors) as caught:
        _edge(fresh_stack, min_tls_version="1.0", referrer_policy="unsafe-url", zone_id="ZONE")
    fields = [line.split(": ", 1)[1].split(" ")[0] for line in str(caught.value).splitlines()]
    assert sorted(fields) == ["min_tls_version", "referrer_policy", "zone_id"]

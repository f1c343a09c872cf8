"""CloudflareEdge: zone settings, rulesets, DNS wiring, plan limits and bad props."""

from __future__ import annotations

import re
from typing import Any

import pytest

from constructs_lib.edge_policy import DEFAULT_CONTENT_SECURITY_POLICY, CloudflarePlan
from constructs_lib.errors import ValidationError
from tests.conftest import resources_of, synth_json


def _edge(stack: Any, **overrides: Any) -> Any:
    from cdktf_cdktf_provider_cloudflare.provider import CloudflareProvider

    from constructs_lib.cloudflare_edge import CloudflareEdge, EdgeProps

    CloudflareProvider(stack, "cloudflare")
    props = {"domain": "example-health.org", **overrides}
    return CloudflareEdge(stack, "Edge", EdgeProps(**props))


def _settings(doc: dict[str, Any]) -> dict[str, Any]:
    return {block["setting_id"]: block["value"] for block in resources_of(doc, "cloudflare_zone_setting").values()}


def _ruleset(doc: dict[str, Any], phase: str) -> dict[str, Any]:
    (block,) = [b for b in resources_of(doc, "cloudflare_ruleset").values() if b["phase"] == phase]
    return block


@pytest.fixture(scope="module")
def default_edge() -> dict[str, Any]:
    from cdktf import TerraformStack
    from cdktf import Testing as CdktfTesting

    stack = TerraformStack(CdktfTesting.app(), "test")
    _edge(stack)
    return synth_json(stack)


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


def test_cache_rules_cache_static_assets_only_and_never_the_api(default_edge: dict[str, Any]) -> None:
    ruleset = _ruleset(default_edge, "http_request_cache_settings")
    assert ruleset["kind"] == "zone"
    static, api = ruleset["rules"]
    assert static["action"] == "set_cache_settings"
    assert static["action_parameters"] == {"cache": True, "edge_ttl": {"mode": "override_origin", "default": 86_400}}
    assert static["expression"].startswith('(http.request.uri.path.extension in {"css" "js" ')
    assert 'and not (http.request.uri.path eq "/api" or starts_with(http.request.uri.path, "/api/"))' in static["expression"]
    # Last matching cache rule wins: the API bypass comes last.
    assert api["action_parameters"] == {"cache": False}
    assert api["expression"] == '(http.request.uri.path eq "/api" or starts_with(http.request.uri.path, "/api/"))'


def test_security_headers_on_every_response(default_edge: dict[str, Any]) -> None:
    (rule,) = _ruleset(default_edge, "http_response_headers_transform")["rules"]
    assert rule["expression"] == "true"
    assert rule["action"] == "rewrite"
    assert rule["action_parameters"]["headers"] == {
        "X-Frame-Options": {"operation": "set", "value": "DENY"},
        "X-Content-Type-Options": {"operation": "set", "value": "nosniff"},
        "Referrer-Policy": {"operation": "set", "value": "strict-origin-when-cross-origin"},
        "Content-Security-Policy": {"operation": "set", "value": DEFAULT_CONTENT_SECURITY_POLICY},
    }


def test_free_plan_rate_limits_the_api_with_one_rule(default_edge: dict[str, Any]) -> None:
    (rule,) = _ruleset(default_edge, "http_ratelimit")["rules"]
    assert rule["action"] == "block"
    assert rule["expression"] == '(http.request.uri.path eq "/api" or starts_with(http.request.uri.path, "/api/"))'
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


def test_paid_plan_adds_a_stricter_auth_rule_first(fresh_stack: Any) -> None:
    _edge(fresh_stack, plan=CloudflarePlan.PRO, auth_requests_per_period=20, rate_limit_period_seconds=60, rate_limit_mitigation_seconds=60)
    auth, api = _ruleset(synth_json(fresh_stack), "http_ratelimit")["rules"]
    assert auth["ref"] == "rate_limit_auth"
    assert auth["expression"] == '((http.request.uri.path eq "/api/auth" or starts_with(http.request.uri.path, "/api/auth/")))'
    assert auth["ratelimit"]["requests_per_period"] == 20
    assert auth["ratelimit"]["period"] == 60
    assert api["ratelimit"]["requests_per_period"] == 100


def test_non_owner_only_looks_up_the_zone(fresh_stack: Any) -> None:
    _edge(fresh_stack, manage_zone_settings=False)
    doc = synth_json(fresh_stack)
    assert list(doc["data"]["cloudflare_zone"]) == ["Edge_Zone_B7F2999D"]
    assert "resource" not in doc or (resources_of(doc, "cloudflare_zone_setting") == {} and resources_of(doc, "cloudflare_ruleset") == {})


def test_public_hostname_is_a_proxied_cname_to_the_target(fresh_stack: Any) -> None:
    from cdktf import TerraformVariable

    edge = _edge(fresh_stack, public_domain="dev.example-health.org", advanced_certificate=True)
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
        ({"api_path_prefix": '/api" or true or "'}, "api_path_prefix must be a URL path such as '/api'"),
        ({"auth_path_prefixes": ()}, "auth_path_prefixes must be one or more URL paths, got ()"),
        ({"content_security_policy": "script-src 'self'"}, "content_security_policy must be one line of printable ASCII"),
        ({"content_security_policy": "default-src 'self'\nX-Injected: 1"}, "content_security_policy must be one line"),
        ({"referrer_policy": "unsafe-url"}, "referrer_policy must be one of no-referrer"),
        ({"auth_requests_per_period": 20}, "auth_requests_per_period must be unset on the free plan"),
        ({"rate_limit_period_seconds": 60}, r"rate_limit_period_seconds must be one of \(10,\) on the free plan, got 60"),
        ({"plan": CloudflarePlan.PRO, "rate_limit_mitigation_seconds": 86400}, r"rate_limit_mitigation_seconds must be one of \(10, 15, .*, 3600\) on the pro plan, got 86400"),
        ({"plan": CloudflarePlan.PRO, "rate_limit_period_seconds": 600}, r"rate_limit_period_seconds must be one of \(10, 15, .*, 60\) on the pro plan, got 600"),
        ({"plan": CloudflarePlan.PRO, "auth_requests_per_period": 100}, r"auth_requests_per_period must be 1..99 \(stricter than api_requests_per_period\)"),
        ({"api_requests_per_period": 0}, "api_requests_per_period must be 1..1000000, got 0"),
    ],
)
def test_fails_when_edge_props_are_bad(fresh_stack: Any, overrides: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=f"^test/Edge: {message}"):
        _edge(fresh_stack, **overrides)

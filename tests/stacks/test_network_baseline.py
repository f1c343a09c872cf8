"""NetworkBaseline in the platform stacks: edge from phase 1, VPC from phase 4, config wiring."""

from __future__ import annotations

from typing import Any

import pytest

from environments import EnvironmentConfig
from platform_plan.phases import COMPONENT_PHASES, Component, plan_for
from tests.conftest import ALL_COMBOS, ENVIRONMENT_NAMES, Combo, resources_of, synth_json


def test_phase_plan_brings_edge_in_phase_1_and_vpc_in_phase_4() -> None:
    assert COMPONENT_PHASES[Component.EDGE] == 1
    assert COMPONENT_PHASES[Component.VPC] == 4
    assert plan_for(1).has(Component.EDGE) and not plan_for(3).has(Component.VPC)
    assert plan_for(4).has(Component.VPC)


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_every_stack_looks_up_its_zone(stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int) -> None:
    (zone,) = stacks[env, phase]["data"]["cloudflare_zone"].values()
    zone_id = configs[env].cloudflare.zone_id
    if zone_id is None:  # disposable environments look their zone up by name
        assert zone["filter"] == {"name": configs[env].domain}
        return
    # Pinned by id, and the plan fails unless the zone with that id is the configured domain.
    assert zone["zone_id"] == zone_id and "filter" not in zone
    (check,) = zone["lifecycle"]["postcondition"]
    assert check["condition"] == f'${{self.name == "{configs[env].domain}"}}'
    assert zone_id in check["error_message"]


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_only_the_zone_owner_manages_zone_settings(stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int) -> None:
    stack = stacks[env, phase]
    settings = {b["setting_id"]: b["value"] for b in resources_of(stack, "cloudflare_zone_setting").values()}
    phases = sorted(b["phase"] for b in resources_of(stack, "cloudflare_ruleset").values())
    if configs[env].cloudflare.manage_zone:
        assert settings["min_tls_version"] == configs[env].cloudflare.min_tls_version
        assert settings["ssl"] == "strict"
        assert len(settings) == 9
        assert phases == ["http_config_settings", "http_ratelimit", "http_request_cache_settings", "http_response_headers_transform"]
    else:
        assert settings == {} and phases == []


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_public_hostname_points_at_the_gateway_custom_domain(
    stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int
) -> None:
    records = resources_of(stacks[env, phase], "cloudflare_dns_record")
    custom_domains = resources_of(stacks[env, phase], "railway_custom_domain")
    (domain_name,) = custom_domains
    assert custom_domains[domain_name]["domain"] == f"api.{configs[env].public_domain}"
    by_type = {r["type"]: r for r in records.values()}
    assert sorted(by_type) == ["CNAME", "TXT"] and len(records) == 2
    cname, txt = by_type["CNAME"], by_type["TXT"]
    assert cname["name"] == f"api.{configs[env].public_domain}"
    assert cname["content"] == f"${{railway_custom_domain.{domain_name}.dns_record_value}}"
    assert cname["proxied"] is True
    assert txt["proxied"] is False
    assert txt["content"] == f"${{railway_custom_domain.{domain_name}.verification_record_value}}"
    assert txt["name"] == (f'${{format("%s.%s", railway_custom_domain.{domain_name}.verification_host_label, railway_custom_domain.{domain_name}.zone)}}')


@pytest.mark.parametrize("env", ENVIRONMENT_NAMES)
def test_certificate_pack_only_where_hostnames_are_below_the_zone(stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str) -> None:
    packs = list(resources_of(stacks[env, 1], "cloudflare_certificate_pack").values())
    config = configs[env]
    if config.dns_subdomain:
        assert [p["hosts"] for p in packs] == [sorted({config.domain, config.public_domain, f"*.{config.public_domain}"})]
    else:
        assert packs == []


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_vpc_arrives_in_phase_4(stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int) -> None:
    vpcs = list(resources_of(stacks[env, phase], "aws_vpc").values())
    if phase < 4:
        assert vpcs == []
        assert resources_of(stacks[env, phase], "aws_flow_log") == {}
        return
    config = configs[env]
    assert [v["cidr_block"] for v in vpcs] == [config.vpc_cidr]
    zones = {s["availability_zone"] for s in resources_of(stacks[env, phase], "aws_subnet").values()}
    assert zones == set(config.availability_zones)
    nats = resources_of(stacks[env, phase], "aws_nat_gateway")
    assert len(nats) == (config.az_count if config.network.nat_gateways == "per_az" else 1)
    (log_group,) = [g for g in resources_of(stacks[env, phase], "aws_cloudwatch_log_group").values() if g["name"].startswith("/aws/vpc/")]
    assert log_group["retention_in_days"] == config.network.flow_log_retention_days
    assert log_group["name"] == f"/aws/vpc/{config.project}-{env}/flow-logs"


def test_network_baseline_delegates_hostnames_to_the_edge(fresh_stack: Any) -> None:
    from constructs_lib import CloudflareEdgeProps, NetworkBaseline, NetworkBaselineProps
    from constructs_lib.engine.cloudflare import CloudflareProvider

    CloudflareProvider(fresh_stack, "cloudflare")
    network = NetworkBaseline(fresh_stack, "Network", NetworkBaselineProps(edge=CloudflareEdgeProps(domain="example-health.org")))
    assert network.vpc is None
    network.add_public_hostname("api", "gateway.up.railway.app")
    doc = synth_json(fresh_stack)
    (record,) = resources_of(doc, "cloudflare_dns_record").values()
    assert (record["name"], record["content"], record["proxied"]) == ("api.example-health.org", "gateway.up.railway.app", True)
    assert record["zone_id"] == "${data.cloudflare_zone.Network_Edge_Zone_1C5A328B.id}"
    assert "aws_vpc" not in doc["resource"]


@pytest.mark.parametrize(("env", "phase"), ALL_COMBOS)
def test_checkers_and_api_clients_are_not_challenged_while_other_requests_keep_high(
    stacks: dict[Combo, dict[str, Any]], configs: dict[str, EnvironmentConfig], env: str, phase: int
) -> None:
    """A Route 53 checker requesting the gateway's health path, and any API call, get no challenge-level security
    setting at the zone's edge (evaluated like Cloudflare: the zone setting, overridden by matching configuration rules)."""
    from tests.unit.test_cloudflare_edge import CHALLENGING_LEVELS, _security_level

    stack, config = stacks[env, phase], configs[env]
    assert config.cloudflare.manage_zone  # every environment owns its zone: its rules are the ones applied
    hostname = f"api.{config.public_domain}"
    (check,) = [c for c in resources_of(stack, "aws_route53_health_check").values() if c["fqdn"] == hostname]
    assert check["resource_path"] == config.uptime.health_path("gateway")
    assert _security_level(stack, f"https://{hostname}{check['resource_path']}") not in CHALLENGING_LEVELS
    assert _security_level(stack, f"https://{hostname}/v1/patients/123") not in CHALLENGING_LEVELS
    for other in (f"https://www.{config.domain}/", f"https://www.{config.domain}{check['resource_path']}", f"https://{config.domain}/login"):
        assert _security_level(stack, other) == "high", other

"""Cloudflare edge guardrails (HC-CF-001/002/003) and the AWS tagging rule (HC-TAG-001)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from constructs_lib.engine.aws import AwsProvider, AwsProviderDefaultTags, CloudwatchLogGroup, S3BucketVersioningA, S3BucketVersioningVersioningConfiguration
from constructs_lib.engine.cloudflare import CloudflareProvider, ZoneSetting
from constructs_lib.engine.core import TerraformStack
from tests.unit._guardrails import run_pack

ZONE = "0123456789abcdef0123456789abcdef"
HSTS = {"strict_transport_security": {"enabled": True, "max_age": 31_536_000, "include_subdomains": True, "nosniff": True}}


def _edge(stack: TerraformStack, *, ssl: str | None = "strict", tls: str | None = "1.2", hsts: dict[str, Any] | None = HSTS) -> None:
    CloudflareProvider(stack, "cloudflare")
    for setting_id, value in (("ssl", ssl), ("min_tls_version", tls)):
        if value is not None:
            setting = ZoneSetting(stack, setting_id, zone_id=ZONE, setting_id=setting_id, value={})
            setting.add_override("value", value)  # a scalar setting: the binding types value as a map
    if hsts is not None:
        ZoneSetting(stack, "security_header", zone_id=ZONE, setting_id="security_header", value=hsts)


def test_a_strict_zone_with_hsts_passes(tmp_path: Path) -> None:
    outcome = run_pack(tmp_path, _edge)
    assert outcome.errors == []
    assert outcome.stack is not None
    settings = outcome.stack["resource"]["cloudflare_zone_setting"]
    assert settings["ssl"]["value"] == "strict"
    assert settings["security_header"]["value"]["strict_transport_security"]["max_age"] == 31_536_000


def test_fails_when_ssl_is_not_strict(tmp_path: Path) -> None:
    outcome = run_pack(tmp_path, lambda s: _edge(s, ssl="full"))
    assert outcome.rules_at() == {("test/ssl", "HC-CF-001")}
    assert "zone setting 'ssl' is 'full', must be 'strict'" in outcome.errors[0]


def test_fails_when_min_tls_is_old_or_missing(tmp_path: Path) -> None:
    assert run_pack(tmp_path, lambda s: _edge(s, tls="1.0")).rules_at() == {("test/min_tls_version", "HC-CF-002")}
    missing = run_pack(tmp_path, lambda s: _edge(s, tls=None))
    assert missing.rule_ids() == {"HC-CF-002"}
    assert f"zone {ZONE} has no cloudflare_zone_setting 'min_tls_version'" in missing.errors[0]


def test_fails_when_hsts_is_off_short_or_missing(tmp_path: Path) -> None:
    off = {"strict_transport_security": {**HSTS["strict_transport_security"], "enabled": False}}
    short = {"strict_transport_security": {**HSTS["strict_transport_security"], "max_age": 3600}}
    assert run_pack(tmp_path, lambda s: _edge(s, hsts=off)).rules_at() == {("test/security_header", "HC-CF-003")}
    assert run_pack(tmp_path, lambda s: _edge(s, hsts=short)).rules_at() == {("test/security_header", "HC-CF-003")}
    assert run_pack(tmp_path, lambda s: _edge(s, hsts=None)).rule_ids() == {"HC-CF-003"}


def _versioning(stack: TerraformStack, id_: str = "Versioning") -> None:
    # Not taggable: the rule must not ask for tags on it.
    S3BucketVersioningA(stack, id_, bucket="test-bucket", versioning_configuration=S3BucketVersioningVersioningConfiguration(status="Enabled"))


def test_provider_default_tags_satisfy_the_tag_rule(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        CloudwatchLogGroup(stack, "Logs", name="test", retention_in_days=365)
        _versioning(stack)

    assert run_pack(tmp_path, build).errors == []


def test_fails_when_a_taggable_resource_misses_required_tags(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        CloudwatchLogGroup(stack, "Untagged", name="a")
        CloudwatchLogGroup(stack, "OwnTags", name="b", tags={"DataClassification": "internal"})
        _versioning(stack)

    outcome = run_pack(tmp_path, build, tags={"Environment": "test"})
    assert outcome.rules_at() == {("test/Untagged", "HC-TAG-001")}
    assert "lacks tag(s) DataClassification" in outcome.errors[0]


def test_tag_rule_reads_the_default_tags_of_an_aliased_provider(tmp_path: Path) -> None:
    def build(stack: TerraformStack) -> None:
        other = AwsProvider(stack, "aws_west", region="us-west-2", alias="west", default_tags=[AwsProviderDefaultTags(tags={"Environment": "test"})])
        CloudwatchLogGroup(stack, "West", name="w", provider=other)
        CloudwatchLogGroup(stack, "East", name="e")

    outcome = run_pack(tmp_path, build)
    assert outcome.rules_at() == {("test/West", "HC-TAG-001")}
    assert "lacks tag(s) DataClassification" in outcome.errors[0]

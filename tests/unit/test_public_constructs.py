"""Every public construct, as an outside team meets it: only its required props, plus its provider.

Each one validates, synthesizes through ``app.synth()`` and passes the guardrails; with
``production=True`` every finding's fix names a library prop; without its provider it fails at
once with one ``MissingProviderError`` naming the provider to add.
"""

from __future__ import annotations

import dataclasses
import inspect
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from constructs import Construct

import constructs_lib
from constructs_lib import MissingProviderError, ValidationError
from constructs_lib.engine.core import App, TerraformStack
from constructs_lib.guardrails import ALL_RULES, RULES_BY_ID, apply_guardrails, error_findings
from tests.unit._detection_helpers import audit_bucket

OPT_OUT = "synthetic records only in this test stack, so a second region copy protects nothing"


def _aws(stack: TerraformStack) -> None:
    from constructs_lib.engine.aws import AwsProvider, AwsProviderDefaultTags

    AwsProvider(stack, "aws", region="us-east-1", default_tags=[AwsProviderDefaultTags(tags={"Environment": "test", "DataClassification": "phi"})])


def _cloudflare(stack: TerraformStack) -> None:
    from constructs_lib.engine.cloudflare import CloudflareProvider

    CloudflareProvider(stack, "cloudflare")


def _neon(stack: TerraformStack) -> None:
    constructs_lib.NeonProvider(stack, "neon")


def _railway(stack: TerraformStack) -> None:
    constructs_lib.RailwayProvider(stack, "railway")


PROVIDERS: dict[str, Callable[[TerraformStack], None]] = {
    "AwsProvider": _aws,
    "CloudflareProvider": _cloudflare,
    "NeonProvider": _neon,
    "RailwayProvider": _railway,
}


def _logs(stack: Construct) -> Any:
    from constructs_lib import AccessLogBucket, AccessLogBucketProps

    return AccessLogBucket(stack, "AccessLogs", AccessLogBucketProps(project="acme", environment="dev"))


def _project(stack: Construct) -> Any:
    from constructs_lib import RailwayProject, RailwayProjectProps

    return RailwayProject(stack, "Railway", RailwayProjectProps(name="acme-dev"))


def _neon_database(stack: Construct) -> Any:
    from constructs_lib import NeonDatabase, NeonDatabaseProps

    return NeonDatabase(stack, "Database", NeonDatabaseProps(project_name="acme-dev", services=["patient"]))


def _app_secret(stack: Construct) -> Any:
    from constructs_lib import AppSecret, AppSecretProps

    return AppSecret(stack, "Key", AppSecretProps(name="field-key"))


def _field_encryption_key(stack: Construct) -> Any:
    from constructs_lib import FieldEncryptionKey, FieldEncryptionKeyProps

    return FieldEncryptionKey(stack, "FieldKey", FieldEncryptionKeyProps(project="acme", environment="dev", service="patient"))


def _access_log_bucket(stack: Construct) -> Any:
    return _logs(stack)


def _secure_s3(stack: Construct) -> Any:
    from constructs_lib import SecureS3, SecureS3Props

    # A PHI bucket (the default classification) must say why it has no replica, or have one.
    props = SecureS3Props(project="acme", environment="dev", purpose="docs", access_log_bucket=_logs(stack), replication_opt_out_reason=OPT_OUT)
    return SecureS3(stack, "Docs", props)


def _service_identity(stack: Construct) -> Any:
    from constructs_lib import ServiceIdentity, ServiceIdentityProps

    return ServiceIdentity(stack, "Worker", ServiceIdentityProps(project="acme", environment="dev", service="worker"))


def _service_secret(stack: Construct) -> Any:
    from constructs_lib import AppSecret, AppSecretProps, ServiceSecret, ServiceSecretProps

    key = AppSecret(stack, "Key", AppSecretProps(name="worker-key")).current  # any reference to a sensitive value
    return ServiceSecret(stack, "Secret", ServiceSecretProps(name="acme-dev/worker/keys", reader=_service_identity(stack), values={"WORKER_KEY": key}))


def _vpc_props() -> Any:
    from constructs_lib import BaselineVpcProps

    return BaselineVpcProps(name_prefix="acme-dev", cidr="10.20.0.0/16", region="us-east-1", availability_zones=("us-east-1a", "us-east-1b"))


def _baseline_vpc(stack: Construct) -> Any:
    from constructs_lib import BaselineVpc

    return BaselineVpc(stack, "Vpc", _vpc_props())


def _cloudflare_edge(stack: Construct) -> Any:
    from constructs_lib import CloudflareEdge, CloudflareEdgeProps

    return CloudflareEdge(stack, "Edge", CloudflareEdgeProps(domain="example-health.org"))


def _network_baseline(stack: Construct) -> Any:
    from constructs_lib import CloudflareEdgeProps, NetworkBaseline, NetworkBaselineProps

    return NetworkBaseline(stack, "Network", NetworkBaselineProps(edge=CloudflareEdgeProps(domain="example-health.org")))


def _audit_trail(stack: Construct) -> Any:
    from constructs_lib import AuditTrail, AuditTrailProps

    return AuditTrail(stack, "AuditTrail", AuditTrailProps(name_prefix="acme-dev", log_bucket=audit_bucket(stack)))


def _railway_project(stack: Construct) -> Any:
    return _project(stack)


def _railway_service(stack: Construct) -> Any:
    from constructs_lib import RailwayService, RailwayServiceProps, RegionReplicas, RepoSource

    project = _project(stack)
    source = RepoSource(repo="acme/platform", branch="main")
    return RailwayService(
        project, "api", RailwayServiceProps(name="api", project=project, source=source, regions=[RegionReplicas(region="us-east4-eqdc4a", replicas=1)])
    )


def _terraform_cloud_agent(stack: Construct) -> Any:
    from constructs_lib import ImageSource, TerraformCloudAgent, TerraformCloudAgentProps
    from constructs_lib.engine.core import TerraformVariable

    props = TerraformCloudAgentProps(
        name="tfc-agent",
        project=_project(stack),
        agent_token=TerraformVariable(stack, "agent_token", type="string", sensitive=True).string_value,
        image=ImageSource(image="hashicorp/tfc-agent@sha256:" + "d" * 64),
        region="us-east4-eqdc4a",
    )
    return TerraformCloudAgent(stack, "Agent", props)


def _alert_topic(stack: Construct) -> Any:
    from constructs_lib import AlertTopic, AlertTopicProps

    return AlertTopic(stack, "Alerts", AlertTopicProps(name="acme-dev-alerts"))


def _uptime_monitor(stack: Construct) -> Any:
    from constructs_lib import UptimeMonitor, UptimeMonitorProps

    return UptimeMonitor(stack, "Uptime", UptimeMonitorProps(name_prefix="acme-dev", alert_topic=_alert_topic(stack)))


def _cost_budget(stack: Construct) -> Any:
    from constructs_lib import AlertTopic, AlertTopicProps, CostBudget, CostBudgetProps

    topic = AlertTopic(stack, "Alerts", AlertTopicProps(name="acme-dev-alerts", budgets_may_publish=True))
    return CostBudget(stack, "Budget", CostBudgetProps(name="acme-dev-monthly", monthly_limit_usd=100, alert_topic=topic))


def _account_baseline(stack: Construct) -> Any:
    from constructs_lib import AccountBaseline, AccountBaselineProps

    return AccountBaseline(stack, "Account", AccountBaselineProps(name_prefix="acme-dev"))


def _bucket_error_alarm(stack: Construct) -> Any:
    from constructs_lib import BucketErrorAlarm, BucketErrorAlarmProps

    props = BucketErrorAlarmProps(bucket=_secure_s3(stack), alert_topic=_alert_topic(stack), alarm_name="acme-dev-docs-errors", description="reads fail")
    return BucketErrorAlarm(stack, "DocsErrors", props)


def _operations_dashboard(stack: Construct) -> Any:
    from constructs_lib import OperationsDashboard, OperationsDashboardProps

    return OperationsDashboard(stack, "Dashboard", OperationsDashboardProps(name="acme-dev"))


def _service_telemetry(stack: Construct) -> Any:
    from constructs_lib import ServiceTelemetry, ServiceTelemetryProps

    return ServiceTelemetry(stack, "Telemetry", ServiceTelemetryProps(project="acme", environment="dev", service="worker", identity=_service_identity(stack)))


def _application_log_reader(stack: Construct) -> Any:
    from constructs_lib import ApplicationLogReader, ApplicationLogReaderProps

    return ApplicationLogReader(stack, "LogReader", ApplicationLogReaderProps(name="acme-dev", reader_arns=("arn:aws:iam::111122223333:role/oncall",)))


def _threat_detection(stack: Construct) -> Any:
    from constructs_lib import ThreatDetection

    return ThreatDetection(stack, "Threats")


def _security_posture(stack: Construct) -> Any:
    from constructs_lib import SecurityPosture

    return SecurityPosture(stack, "Posture")


def _config_compliance(stack: Construct) -> Any:
    from constructs_lib import ConfigCompliance, ConfigComplianceProps

    return ConfigCompliance(stack, "Config", ConfigComplianceProps(name_prefix="acme-dev", log_bucket=audit_bucket(stack)))


def _access_analysis(stack: Construct) -> Any:
    from constructs_lib import AccessAnalysis, AccessAnalysisProps

    return AccessAnalysis(stack, "Access", AccessAnalysisProps(name_prefix="acme-dev"))


def _sensitive_data_discovery(stack: Construct) -> Any:
    from constructs_lib import SensitiveDataDiscovery, SensitiveDataDiscoveryProps

    return SensitiveDataDiscovery(stack, "Macie", SensitiveDataDiscoveryProps(name_prefix="acme-dev", buckets=(_secure_s3(stack),)))


def _finding_routes(stack: Construct) -> Any:
    from constructs_lib import FindingRoutes, FindingRoutesProps

    return FindingRoutes(stack, "Findings", FindingRoutesProps(name_prefix="acme-dev", alert_trail=_audit_trail(stack)))


CONSTRUCTS: dict[str, tuple[tuple[str, ...], Callable[[Construct], Any]]] = {
    "ThreatDetection": (("AwsProvider",), _threat_detection),
    "SecurityPosture": (("AwsProvider",), _security_posture),
    "ConfigCompliance": (("AwsProvider",), _config_compliance),
    "AccessAnalysis": (("AwsProvider",), _access_analysis),
    "SensitiveDataDiscovery": (("AwsProvider",), _sensitive_data_discovery),
    "FindingRoutes": (("AwsProvider",), _finding_routes),
    "AlertTopic": (("AwsProvider",), _alert_topic),
    "UptimeMonitor": (("AwsProvider",), _uptime_monitor),
    "CostBudget": (("AwsProvider",), _cost_budget),
    "AccountBaseline": (("AwsProvider",), _account_baseline),
    "BucketErrorAlarm": (("AwsProvider",), _bucket_error_alarm),
    "OperationsDashboard": (("AwsProvider",), _operations_dashboard),
    "ServiceTelemetry": (("AwsProvider",), _service_telemetry),
    "ApplicationLogReader": (("AwsProvider",), _application_log_reader),
    "NeonDatabase": (("NeonProvider",), _neon_database),
    "AppSecret": ((), _app_secret),
    "FieldEncryptionKey": (("AwsProvider",), _field_encryption_key),
    "AccessLogBucket": (("AwsProvider",), _access_log_bucket),
    "SecureS3": (("AwsProvider",), _secure_s3),
    "ServiceIdentity": (("AwsProvider",), _service_identity),
    "ServiceSecret": (("AwsProvider",), _service_secret),
    "BaselineVpc": (("AwsProvider",), _baseline_vpc),
    "CloudflareEdge": (("CloudflareProvider",), _cloudflare_edge),
    "NetworkBaseline": (("CloudflareProvider",), _network_baseline),
    "AuditTrail": (("AwsProvider",), _audit_trail),
    "RailwayProject": (("RailwayProvider",), _railway_project),
    "RailwayService": (("RailwayProvider",), _railway_service),
    "TerraformCloudAgent": (("RailwayProvider",), _terraform_cloud_agent),
}
"""Public construct -> (providers it needs, a builder with only its required props)."""


def _synth(tmp_path: Path, name: str, *, production: bool) -> tuple[list[str], Any]:
    providers, build = CONSTRUCTS[name]
    app = App(outdir=str(tmp_path / "out"))
    stack = TerraformStack(app, "test")
    for provider in providers:
        PROVIDERS[provider](stack)
    construct = build(stack)
    assert type(construct).__name__ == name
    apply_guardrails(stack, production=production)
    try:
        app.synth()
    except RuntimeError as exc:
        assert 'Encountered Annotations with level "ERROR"' in str(exc)
        return error_findings(app), construct
    return [], construct


def test_the_table_covers_every_public_construct() -> None:
    public = {
        name
        for name in constructs_lib.__all__
        if inspect.isclass(cls := getattr(constructs_lib, name)) and issubclass(cls, Construct) and not name.endswith("Provider")
    }
    assert public == set(CONSTRUCTS)


@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_required_props_and_provider_synthesize_and_pass_the_guardrails(tmp_path: Path, name: str) -> None:
    errors, _ = _synth(tmp_path, name, production=False)
    assert errors == []
    assert (tmp_path / "out" / "stacks" / "test" / "cdk.tf.json").is_file()


def _library_props() -> set[str]:
    names: set[str] = set()
    for export in constructs_lib.__all__:
        value = getattr(constructs_lib, export)
        if inspect.isclass(value) and dataclasses.is_dataclass(value):
            names |= {f.name for f in dataclasses.fields(value)}
    return names


@pytest.mark.parametrize("name", sorted(CONSTRUCTS))
def test_production_findings_name_a_library_prop(tmp_path: Path, name: str) -> None:
    errors, _ = _synth(tmp_path, name, production=True)
    props = _library_props()
    for line in errors:
        rule_id = re.search(r": (HC-[A-Z0-9-]+) \(error\)", line)
        assert rule_id, line
        fix = RULES_BY_ID[rule_id[1]].fix
        assert any(re.search(rf"\b{p}\b", fix) for p in props), f"{rule_id[1]} fix names no library prop: {fix}"
    if name == "NeonDatabase":  # the default one-day history is below production's week
        assert [re.search(r"HC-[A-Z0-9-]+", e)[0] for e in errors] == ["HC-NEON-001"]  # type: ignore[index]
        assert "NeonDatabaseProps.history_retention_seconds" in errors[0]


@pytest.mark.parametrize("name", sorted(n for n, (providers, _) in CONSTRUCTS.items() if providers))
def test_fails_when_the_provider_is_missing(fresh_stack: Any, name: str) -> None:
    providers, build = CONSTRUCTS[name]
    with pytest.raises(MissingProviderError) as caught:
        build(fresh_stack)
    assert caught.value.provider == providers[0]
    message = str(caught.value)
    assert re.fullmatch(rf"test/\S+: \w+ needs an? {providers[0]} in stack 'test': add \S*{providers[0]}\(stack, '\w+'(, region=\.\.\.)?\) first", message), (
        message
    )


def test_the_missing_provider_message_for_neon(fresh_stack: Any) -> None:
    with pytest.raises(
        MissingProviderError,
        match=r"^test/Database: NeonDatabase needs a NeonProvider in stack 'test': add constructs_lib\.NeonProvider\(stack, 'neon'\) first$",
    ):
        _neon_database(fresh_stack)


def test_a_vpc_in_the_network_baseline_needs_the_aws_provider_too(fresh_stack: Any) -> None:
    from constructs_lib import CloudflareEdgeProps, NetworkBaseline, NetworkBaselineProps

    _cloudflare(fresh_stack)
    with pytest.raises(MissingProviderError, match=r"^test/Network: NetworkBaseline needs an AwsProvider"):
        NetworkBaseline(fresh_stack, "Network", NetworkBaselineProps(edge=CloudflareEdgeProps(domain="example-health.org"), vpc=_vpc_props()))


def test_an_aliased_provider_counts(fresh_stack: Any) -> None:
    constructs_lib.NeonProvider(fresh_stack, "neon_other", alias="other")
    assert _neon_database(fresh_stack).project_id


def test_fails_when_a_phi_bucket_neither_replicates_nor_says_why(fresh_stack: Any) -> None:
    from constructs_lib import SecureS3, SecureS3Props

    _aws(fresh_stack)
    with pytest.raises(
        ValidationError,
        match=(
            r"^test/Docs: replication_opt_out_reason must be a reason why this phi bucket has no cross-region "
            r"replica \(checkov CKV_AWS_144\), or set replica_provider to replicate it, got None$"
        ),
    ):
        SecureS3(fresh_stack, "Docs", SecureS3Props(project="acme", environment="dev", purpose="docs", access_log_bucket=_logs(fresh_stack)))


@pytest.mark.parametrize("reason", ["not needed", "n/a false positive ok fine"])
def test_fails_when_the_replication_opt_out_reason_says_nothing(fresh_stack: Any, reason: str) -> None:
    from constructs_lib import SecureS3, SecureS3Props

    _aws(fresh_stack)
    with pytest.raises(ValidationError, match=r"^test/Docs: replication_opt_out_reason must be a reason of at least 20 characters"):
        SecureS3(
            fresh_stack,
            "Docs",
            SecureS3Props(project="acme", environment="dev", purpose="docs", access_log_bucket=_logs(fresh_stack), replication_opt_out_reason=reason),
        )


def test_constructs_publish_their_accepted_checkov_findings(tmp_path: Path) -> None:
    import json

    _synth(tmp_path, "SecureS3", production=False)
    stack = json.loads((tmp_path / "out" / "stacks" / "test" / "cdk.tf.json").read_text())
    accepted = {name: block["//"].get("checkov_accepted") for name, block in stack["resource"]["aws_s3_bucket"].items()}
    docs = next(v for k, v in accepted.items() if k.startswith("Docs"))
    logs = next(v for k, v in accepted.items() if k.startswith("AccessLogs"))
    assert docs == {"CKV_AWS_144": OPT_OUT}
    assert set(logs) == {"CKV_AWS_144", "CKV_AWS_145"}


APP_WORDS = re.compile(
    r"environment's|environment file|\.toml|\btoml\b|PlatformStack|\[(s3|neon|network|edge|audit|railway|backups)\]|(?<!\w)retention_days\b", re.IGNORECASE
)


@pytest.mark.parametrize("rule", ALL_RULES, ids=lambda r: r.id)
def test_rule_texts_use_the_library_language(rule: Any) -> None:
    for text in (rule.fix, rule.rationale):
        assert not APP_WORDS.search(text), f"{rule.id}: {text}"

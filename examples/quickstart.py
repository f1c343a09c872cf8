"""Quickstart: one stack using every construct of ``healthcare-constructs``.

Run it from a project that has the library installed::

    pip install --index-url "$INTERNAL_INDEX_URL" 'healthcare-constructs[cdktf]'   # or [cdktn]
    python quickstart.py                    # writes cdktf.out/stacks/quickstart/cdk.tf.json

It needs no credentials to synthesize. The stack: a Neon project with a database for
``patient`` (owned by an API-created role, used by the service only through its own
least-privilege SQL login role); an encrypted, versioned, logged PHI bucket; a Railway
service that receives its own ``DATABASE_URL``, a generated webhook signing key and S3
credentials only as sensitive references, and its own KMS field-encryption key's ARN and context;
the Cloudflare edge with a proxied hostname for the service; a VPC; the
audit trail; operations (an alert topic with email and paging routes, a Route 53 uptime check
of the public hostname, a monthly AWS budget, the CIS password policy and an admin group that
requires MFA, an error alarm on the bucket, one dashboard); and the HIPAA guardrail pack, which
fails synthesis on a violation.
"""

from constructs_lib import (
    AccessLogBucket,
    AccessLogBucketProps,
    AccountBaseline,
    AccountBaselineProps,
    AlertTopic,
    AlertTopicProps,
    ApplicationLogReader,
    ApplicationLogReaderProps,
    AppSecret,
    AppSecretProps,
    AuditTrail,
    AuditTrailProps,
    BaselineVpcProps,
    BucketErrorAlarm,
    BucketErrorAlarmProps,
    CloudflareEdgeProps,
    CostBudget,
    CostBudgetProps,
    DataClassification,
    FieldEncryptionKey,
    FieldEncryptionKeyProps,
    NatGateways,
    NeonDatabase,
    NeonDatabaseProps,
    NeonProvider,
    NetworkBaseline,
    NetworkBaselineProps,
    OperationsDashboard,
    OperationsDashboardProps,
    RailwayProject,
    RailwayProjectProps,
    RailwayProvider,
    RailwayService,
    RailwayServiceProps,
    RegionReplicas,
    RepoSource,
    SecureS3,
    SecureS3Props,
    ServiceAlarmSettings,
    ServiceIdentity,
    ServiceIdentityProps,
    ServiceTelemetry,
    ServiceTelemetryProps,
    UptimeMonitor,
    UptimeMonitorProps,
    apply_guardrails,
)
from constructs_lib.engine.aws import AwsProvider, AwsProviderDefaultTags
from constructs_lib.engine.cloudflare import CloudflareProvider
from constructs_lib.engine.core import App, TerraformStack

PROJECT, ENVIRONMENT = "acme", "quickstart"

app = App()
stack = TerraformStack(app, "quickstart")
AwsProvider(
    stack,
    "aws",
    region="us-east-1",
    default_tags=[AwsProviderDefaultTags(tags={"Environment": ENVIRONMENT, "DataClassification": "phi"})],
)
CloudflareProvider(stack, "cloudflare")  # CLOUDFLARE_API_TOKEN at deploy time
NeonProvider(stack, "neon")  # NEON_API_KEY at deploy time
RailwayProvider(stack, "railway")  # RAILWAY_TOKEN at deploy time

# Data: a Neon project with one database per service that owns data; the service logs in as its own
# SQL role (CONNECT on its database only, read/write on its tables); its database is owned by a SQL role too.
database = NeonDatabase(
    stack,
    "Database",
    NeonDatabaseProps(project_name=f"{PROJECT}-{ENVIRONMENT}", services=("patient",), hipaa=False, protect_from_destroy=False),
)

# Storage: a PHI bucket (SSE-KMS with its own key, TLS-only, versioned, logged) and the
# service's own AWS identity with least-privilege read/write on it.
access_logs = AccessLogBucket(stack, "AccessLogs", AccessLogBucketProps(project=PROJECT, environment=ENVIRONMENT, protect_from_destroy=False))
documents = SecureS3(
    stack,
    "Documents",
    SecureS3Props(
        project=PROJECT,
        environment=ENVIRONMENT,
        purpose="documents",
        access_log_bucket=access_logs,
        protect_from_destroy=False,
        # PHI is replicated to a second region (replica_provider=...) or the decision carries a reason:
        replication_opt_out_reason="quickstart stack with synthetic records; production replicates to a second region",
    ),
)
# Audit: an Object Lock bucket for the trail; the trail finds every PHI bucket of the stack.
audit_logs = SecureS3(
    stack,
    "AuditLogs",
    SecureS3Props(
        project=PROJECT,
        environment=ENVIRONMENT,
        purpose="audit-logs",
        access_log_bucket=access_logs,
        classification=DataClassification.INTERNAL,
        object_lock_retention_days=2190,  # HIPAA: six years
        noncurrent_version_expiration_days=2190,
        protect_from_destroy=False,
    ),
)
trail = AuditTrail(
    stack,
    "AuditTrail",
    AuditTrailProps(name_prefix=f"{PROJECT}-{ENVIRONMENT}", log_bucket=audit_logs, alert_emails=("oncall@example-health.org",), protect_from_destroy=False),
)
identity = ServiceIdentity(stack, "PatientIdentity", ServiceIdentityProps(project=PROJECT, environment=ENVIRONMENT, service="patient"))
documents.grant_read_write(identity)

# Service: secrets go in only as references to sensitive values. PHI fields are encrypted with the
# service's own KMS key (envelope encryption, context service=patient): no key material in state.
field_key = FieldEncryptionKey(stack, "PatientFieldKey", FieldEncryptionKeyProps(project=PROJECT, environment=ENVIRONMENT, service="patient"))
field_key.grant_use(identity)
# Telemetry: the service writes its own encrypted log group (nothing else); its metrics ride in the log events
# (CloudWatch embedded metric format, examples/telemetry_service.py).
telemetry = ServiceTelemetry(
    stack, "PatientTelemetry", ServiceTelemetryProps(project=PROJECT, environment=ENVIRONMENT, service="patient", identity=identity, protect_from_destroy=False)
)
# A key the application must hold itself (HMAC signing of its webhooks) is generated into state by version;
# raising version rotates it and keeps the older versions (.older) readable.
webhook_key = AppSecret(stack, "PatientWebhookKey", AppSecretProps(name="patient-webhook-signing-key"))
railway = RailwayProject(stack, "Railway", RailwayProjectProps(name=f"{PROJECT}-{ENVIRONMENT}", environment_name=ENVIRONMENT))
patient = RailwayService(
    railway,
    "patient",
    RailwayServiceProps(
        name="patient",
        project=railway,
        source=RepoSource(repo="acme/platform", branch="main", root_directory="/services/patient", config_path="/services/patient/railway.toml"),
        regions=[RegionReplicas(region="us-east4-eqdc4a", replicas=1)],
        variables={
            "S3_BUCKET": documents.bucket_name,
            "AWS_REGION": "us-east-1",
            "FIELD_ENCRYPTION_KEY_ARN": field_key.key_arn,
            "FIELD_ENCRYPTION_CONTEXT": field_key.encryption_context_text,
            **telemetry.variables,
        },
        non_secret_names=frozenset({"FIELD_ENCRYPTION_KEY_ARN"}),
        secrets={
            "DATABASE_URL": database.connection_uri("patient"),
            "WEBHOOK_SIGNING_KEY": webhook_key.current,
            "AWS_ACCESS_KEY_ID": identity.credentials.access_key_id,
            "AWS_SECRET_ACCESS_KEY": identity.credentials.secret_access_key,
        },
        custom_domain="api.example-health.org",
    ),
)

# Edge and network: strict TLS, HSTS, security headers, rate limits; a VPC with flow logs.
# "api" is the default API host label: api.* hosts are never cached at the edge and are rate limited,
# and add_public_hostname accepts only labels in platform_hostname_labels (default: "api").
network = NetworkBaseline(
    stack,
    "Network",
    NetworkBaselineProps(
        edge=CloudflareEdgeProps(domain="example-health.org"),
        vpc=BaselineVpcProps(
            name_prefix=f"{PROJECT}-{ENVIRONMENT}",
            cidr="10.20.0.0/16",
            region="us-east-1",
            availability_zones=("us-east-1a", "us-east-1b"),
            nat_gateways=NatGateways.SINGLE,
        ),
    ),
)
records = patient.custom_domain_records
assert records is not None  # set because custom_domain is
hostname = network.add_public_hostname("api", records.dns_record_value)

# Operations: who is told, is it up, what does it cost. The stack is in us-east-1, where Route 53
# publishes health-check metrics; elsewhere, give UptimeMonitor a us-east-1 provider and an AlertTopic there.
alerts = AlertTopic(
    stack,
    "Alerts",
    AlertTopicProps(
        name=f"{PROJECT}-{ENVIRONMENT}-alerts",
        emails=("oncall@example-health.org",),
        https_endpoints=("https://events.pagerduty.com/integration/YOUR-INTEGRATION-KEY/enqueue",),
        budgets_may_publish=True,
        protect_from_destroy=False,
    ),
)
uptime = UptimeMonitor(stack, "Uptime", UptimeMonitorProps(name_prefix=f"{PROJECT}-{ENVIRONMENT}", alert_topic=alerts, latency_threshold_ms=1500))
uptime.add_check("api", "api.example-health.org", "/health", depends_on=[hostname])
budget = CostBudget(stack, "Budget", CostBudgetProps(name=f"{PROJECT}-{ENVIRONMENT}-monthly", monthly_limit_usd=500, alert_topic=alerts))
AccountBaseline(stack, "Account", AccountBaselineProps(name_prefix=f"{PROJECT}-{ENVIRONMENT}", admin_group_name=f"{PROJECT}-admins"))
errors = BucketErrorAlarm(
    stack,
    "DocumentErrors",
    BucketErrorAlarmProps(
        bucket=documents, alert_topic=alerts, alarm_name=f"{PROJECT}-{ENVIRONMENT}-documents-client-errors", description="document reads or writes are failing"
    ),
)
service_alarms = telemetry.add_alarms(ServiceAlarmSettings(alert_topic=alerts, latency_p95_ms=1500))  # error rate, p95, no traffic
# Who reads application logs: your audit and on-call roles, through one reader role.
ApplicationLogReader(
    stack,
    "AppLogReader",
    ApplicationLogReaderProps(name=f"{PROJECT}-{ENVIRONMENT}", reader_arns=("arn:aws:iam::123456789012:role/your-audit-reader",), telemetry=(telemetry,)),
)
OperationsDashboard(
    stack,
    "Dashboard",
    OperationsDashboardProps(
        name=f"{PROJECT}-{ENVIRONMENT}",
        uptime_monitor=uptime,
        alarms=(*trail.alarms.alarms.values(), errors.resource, *service_alarms.values()),
        budget=budget,
        services=(telemetry,),
    ),
)

apply_guardrails(stack)
app.synth()

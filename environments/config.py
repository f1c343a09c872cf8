"""The typed, frozen model of one environment file (``environments/<env>.toml``).

Validated once, at load, before cdktf or any provider package is imported. Unknown
keys are rejected everywhere, so a typo is an error instead of a silently ignored
setting. Nothing here imports cdktf: constructs receive plain values from this model.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from typing import Annotated, Literal, Self

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from constructs_lib.audit.checks import (
    DEFAULT_ALARM_EVALUATION_PERIODS,
    DEFAULT_ALARM_PERIOD_SECONDS,
    DEFAULT_CHANGE_ALARM_THRESHOLD,
    DEFAULT_CONSOLE_SIGNIN_FAILURES_THRESHOLD,
    DEFAULT_UNAUTHORIZED_API_CALLS_THRESHOLD,
    audit_problems,
)
from constructs_lib.checks import (
    MIN_AUDIT_LOG_RETENTION_DAYS,
    MIN_PRODUCTION_HISTORY_RETENTION_DAYS,
    check_allowed_ip,
    check_aws_region,
    check_cidr,
    check_cron,
    check_domain,
    check_email,
    check_https_url,
    check_log_retention,
    check_neon_compute_range,
    check_neon_compute_units,
    check_neon_region,
    check_neon_suspend_timeout,
    cron_max_gap_seconds,
    freshness_window,
)
from constructs_lib.data.checks import (
    MAX_KEY_DELETION_WINDOW_DAYS,
    MAX_KEY_VERSION,
    MIN_KEY_DELETION_WINDOW_DAYS,
    key_version_problems,
    neon_lock_problems,
)
from constructs_lib.network.checks import cloudflare_edge_problems
from constructs_lib.network.cloudflare_edge_props import CloudflareEdgeProps
from constructs_lib.network.edge_policy import (
    DEFAULT_API_REQUESTS_PER_PERIOD,
    DEFAULT_CONTENT_SECURITY_POLICY,
    DEFAULT_RATE_LIMIT_MITIGATION_SECONDS,
    DEFAULT_RATE_LIMIT_PERIOD_SECONDS,
    CloudflarePlan,
    MinTlsVersion,
)

from .detection import DetectionSettings
from .operations import AccountSettings, AlertSettings, BudgetSettings, UptimeSettings

ENVIRONMENT_NAME_PATTERN = r"^[a-z][a-z0-9-]{0,19}$"
"""An environment's name is its file's name: a lowercase letter, then lowercase letters, digits or ``-``,
at most 20 characters. It names the stack, the Terraform Cloud workspace and every resource."""
RESERVED_NAMES = ("bootstrap",)
"""Stack names the app uses itself (the Terraform Cloud bootstrap stack)."""

PHASES = (1, 2, 3, 4)

IAM_PRINCIPAL_ARN_PATTERN = r"^arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$"

MIN_PRODUCTION_RETENTION_DAYS = MIN_PRODUCTION_HISTORY_RETENTION_DAYS
"""Shortest backup / history retention a production environment may declare (guardrail HC-NEON-001)."""


def _range(lo: int | float, hi: int | float) -> AfterValidator:
    def check(value: int | float) -> int | float:
        if not lo <= value <= hi:
            raise ValueError(f"{lo}..{hi}")
        return value

    return AfterValidator(check)


def _vpc_cidr(value: str) -> str:
    check_cidr(value, min_prefix=16, max_prefix=20)
    return value


class _Section(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", strict=True)

    def _problems(self) -> Iterator[str]:
        """Rules between this section's fields, one message per broken rule (all of them, not the first)."""
        return iter(())

    @model_validator(mode="after")
    def _check_rules(self) -> Self:
        problems = list(self._problems())
        if problems:
            # One ValueError whose lines the loader reports one by one.
            raise ValueError("\n".join(problems))
        return self


class NeonSettings(_Section):
    """``[neon]``: the environment's Neon project (history retention comes from ``retention_days``)."""

    region_id: Annotated[str, AfterValidator(check_neon_region)] = "aws-us-east-1"
    """Neon region of the project; changing it replaces the project."""
    pg_version: Annotated[int, _range(16, 18)] = 17
    """Postgres major version, 16..18 (the backup reader's BYPASSRLS can be given by a non-superuser from 16 on);
    changing it replaces the project."""
    compute_min_cu: Annotated[float, AfterValidator(check_neon_compute_units)] = 0.25
    """Autoscaling floor of every compute, 0.25..16 CU."""
    compute_max_cu: Annotated[float, AfterValidator(check_neon_compute_units)] = 2.0
    """Autoscaling ceiling, >= compute_min_cu and at most 8 CU above it (Free plan: <= 2)."""
    suspend_timeout_seconds: Annotated[int, AfterValidator(check_neon_suspend_timeout)] = 0
    """Scale-to-zero delay: -1 never, 0 Neon's default (300 s), or 60..604800."""
    hipaa: bool = True
    """Make the project HIPAA-compliant (Scale plan, HIPAA-enabled org); cannot be turned off again."""
    protect_from_destroy: bool = True
    """prevent_destroy on the project and its databases, protected default branch, locked region/version."""
    locked_region_id: str | None = None
    """Must equal region_id while protect_from_destroy is on (a deliberate second edit to move regions)."""
    locked_pg_version: int | None = None
    """Must equal pg_version while protect_from_destroy is on."""
    org_id: Annotated[str | None, Field(pattern=r"^[a-z0-9-]{1,60}$")] = None
    """Neon organisation that owns the project (HIPAA is enabled per organisation); required when ``hipaa`` is
    true. Absent: the API key's default organisation."""
    allowed_ips: list[Annotated[str, AfterValidator(check_allowed_ip)]] = []
    """IP allow-list of the project (Scale plan): addresses or CIDRs that may open database connections: the
    services' static egress IPs, the Terraform runner's, the AI service's NAT addresses. Required (at least one)
    when ``hipaa`` is true. Empty: any address may connect (credentials and TLS still required)."""
    block_public_connections: bool = False
    """Refuse every connection from the public internet (Neon Private Networking only). Railway and Terraform Cloud
    reach Neon over the internet, so this stays off unless every client uses AWS PrivateLink."""
    replica_readers: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")]] | None = None
    """Data-owning services that get ``DATABASE_READ_URL`` (their own role on the read replica) once the replica
    exists (phase 3). Absent: the phase plan's read-heavy services (``ServiceSpec.reads_replica``)."""

    @field_validator("compute_max_cu")
    @classmethod
    def _compute_range(cls, value: float, info: ValidationInfo) -> float:
        if "compute_min_cu" in info.data:
            check_neon_compute_range(info.data["compute_min_cu"], value)
        return value

    @field_validator("allowed_ips", "replica_readers")
    @classmethod
    def _distinct(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("distinct entries")
        return value

    def _problems(self) -> Iterator[str]:
        # A HIPAA project holds real PHI: it belongs to a named (HIPAA-enabled) organisation and
        # accepts connections only from known addresses.
        if self.hipaa and self.org_id is None:
            yield (
                "neon.org_id is required when neon.hipaa is true (the HIPAA-enabled Neon organisation that owns the project, e.g. 'org-quiet-lake-12345678')"
            )
        # NeonDatabase's lock rule (one source); a file must state both locks while protected.
        for problem in neon_lock_problems(
            protect_from_destroy=self.protect_from_destroy,
            region_id=self.region_id,
            pg_version=self.pg_version,
            locked_region_id=self.locked_region_id,
            locked_pg_version=self.locked_pg_version,
            require_lock=True,
        ):
            yield f"neon.{problem.field} must be {problem.allowed}, got {problem.value!r}"
        if self.hipaa and not self.allowed_ips:
            yield (
                "neon.allowed_ips must list at least one address or CIDR when neon.hipaa is true "
                "(the services' static egress IPs and the Terraform runner's), got []"
            )


class RailwaySettings(_Section):
    """``[railway]``: where the environment's services run and what they deploy.

    Each environment is its own Railway project (``<project>-<env>``); every service
    deploys ``repo`` at ``branch`` from ``<services_dir>/<service>``, configured by
    ``<services_dir>/<service>/railway.toml`` (health check, start command).
    """

    region: Annotated[str, Field(pattern=r"^[a-z0-9]+(-[a-z0-9]+)+$")] = "us-east4-eqdc4a"
    """Railway region id for every service of the environment."""
    repo: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")]
    """GitHub repository (``owner/name``) holding the services, one folder each."""
    branch: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")]
    """Branch the environment deploys; Railway redeploys on every push to it."""
    services_dir: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)*$")] = "services"
    """Folder of the repository holding one subfolder per service."""
    workspace_id: Annotated[str, Field(pattern=r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")] | None = None
    """Railway workspace owning the project; needed when the token sees several. Absent: the token's only workspace."""
    protect_from_destroy: bool = True
    """prevent_destroy on the Railway project and its services (deleting them drops domains, variables, volumes)."""
    static_egress_ips: list[Annotated[str, AfterValidator(check_allowed_ip)]] = []
    """The services' Static Outbound IPs (Railway, Pro plan, enabled per service; copied here by hand: the provider
    cannot read them). Each service's AWS identity (access keys: Railway has no workload identity) is then denied
    every request from any other address (``aws:SourceIp``), except requests AWS services make on its behalf.
    Each must be inside ``neon.allowed_ips`` when that is set; required in production when it is. Empty: the
    identities' keys work from any address."""

    @field_validator("static_egress_ips")
    @classmethod
    def _distinct_addresses(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("distinct entries")
        return value


class CloudflareSettings(_Section):
    """``[cloudflare]``: the platform's zone at the edge.

    Zone-wide settings and rulesets exist once per zone, so exactly one environment per
    ``domain`` has ``manage_zone = true``; the others only add their DNS records and must
    repeat the owner's zone-wide values (checked across files, so nothing is silently ignored).
    """

    manage_zone: bool = True
    """This environment's stack owns the zone's settings and rulesets (one owner per zone)."""
    plan: Literal["free", "pro", "business", "enterprise"] = "free"
    """The zone's Cloudflare plan; decides which rate limiting options are allowed."""
    min_tls_version: Annotated[MinTlsVersion, Field(strict=False)] = MinTlsVersion.TLS_1_2
    """Lowest TLS version the edge accepts."""
    hsts_preload: bool = False
    """Add ``preload`` to HSTS (hard to undo: browsers hard-code the domain). Default: off."""
    content_security_policy: str = DEFAULT_CONTENT_SECURITY_POLICY
    """Content-Security-Policy header set on every response."""
    rate_limit_period_seconds: int = DEFAULT_RATE_LIMIT_PERIOD_SECONDS
    """Counting window of the rate limits (free plan: 10 only)."""
    rate_limit_mitigation_seconds: int = DEFAULT_RATE_LIMIT_MITIGATION_SECONDS
    """How long a client over the limit is blocked (free plan: 10 only)."""
    api_requests_per_period: int = DEFAULT_API_REQUESTS_PER_PERIOD
    """Requests per client IP per window: on the API hosts (``api.*``) on pro and higher; on the free plan, whose
    rate limiting rule can only match paths, on every host of the zone (100 per 10 s is about 10/s)."""
    auth_requests_per_period: int | None = None
    """Stricter limit on the authentication paths; absent: no separate rule (it needs plan pro or higher)."""
    advanced_certificate: bool = False
    """Order an Advanced Certificate Manager pack (paid add-on) for ``<public_domain>`` and ``*.<public_domain>``.

    Needed when ``dns_subdomain`` is set: Universal SSL (free) covers only the zone and one
    level below it, not ``api.<dns_subdomain>.<domain>``. Per environment, not zone-wide.
    """

    health_check_path: str | None = None
    """Cloudflare standalone health check (HTTPS GET, expects 200) of every public hostname at this path;
    needs plan pro or higher. Per environment. Absent: no health checks."""
    account_id: str | None = None
    """Cloudflare account for a notification policy emailing ``audit.alert_emails`` when a health check
    changes state (needs ``health_check_path``). Per environment. Absent: no notification policy."""
    protect_from_destroy: bool = True
    """prevent_destroy on this environment's DNS records (public hostnames and their verification records). Per environment."""
    zone_id: str | None = None
    """The zone's Cloudflare id: the stack reads that zone and fails at plan unless its name is ``domain``, so a
    token for another zone cannot be used by mistake. Required unless ``disposable`` (then the zone is looked up by name)."""

    def zone_wide(self) -> dict[str, object]:
        """The values that apply to the whole zone (all but the per-environment ones: ``manage_zone``,
        ``advanced_certificate``, the health checks and ``protect_from_destroy``)."""
        return self.model_dump(
            mode="json", exclude={"manage_zone", "advanced_certificate", "health_check_path", "account_id", "protect_from_destroy", "zone_id"}
        )


class NetworkSettings(_Section):
    """``[network]``: the AWS VPC baseline (it arrives with the phase that needs it, see stacks/phases.py)."""

    nat_gateways: Literal["single", "per_az"] = "per_az"
    """One NAT gateway per AZ (survives an AZ outage) or one shared by all AZs (cheaper)."""
    flow_log_retention_days: int = MIN_AUDIT_LOG_RETENTION_DAYS
    """Retention of the VPC flow log group; at least 365 unless ``allow_short_flow_log_retention``."""
    allow_short_flow_log_retention: bool = False
    """Permit a flow log retention under 365 days (fails checkov CKV_AWS_338). Default: not permitted."""
    availability_zones: list[Annotated[str, Field(pattern=r"^[a-z]{2}(-gov)?-[a-z]+-[1-9][a-z]$")]] | None = None
    """Explicit AZ names; absent: ``<aws_region>a``, ``b``, ... (``az_count`` of them)."""

    def _problems(self) -> Iterator[str]:
        days = self.flow_log_retention_days
        try:
            check_log_retention(days, allow_short=self.allow_short_flow_log_retention)
        except ValueError as exc:
            yield f"network.flow_log_retention_days must be {exc}, got {days!r}"


class AuditSettings(_Section):
    """``[audit]``: the CloudTrail trail's log group, the alert topic's subscribers and the alarm thresholds."""

    alert_emails: Annotated[list[str], Field(min_length=1, max_length=20)]
    """Required: at least one on-call address subscribed to the security alert topic."""
    log_retention_days: int = MIN_AUDIT_LOG_RETENTION_DAYS
    """Retention of the trail's CloudWatch log group; at least 365 unless ``allow_short_log_retention``."""
    allow_short_log_retention: bool = False
    """Permit a log group retention under 365 days (fails checkov CKV_AWS_338). Default: not permitted."""
    alarm_period_seconds: int = DEFAULT_ALARM_PERIOD_SECONDS
    """Period over which each security alarm sums its events, a multiple of 60."""
    alarm_evaluation_periods: int = DEFAULT_ALARM_EVALUATION_PERIODS
    """Periods each alarm evaluates (period x periods <= one day)."""
    unauthorized_api_calls_threshold: int = DEFAULT_UNAUTHORIZED_API_CALLS_THRESHOLD
    """Unauthorized API calls per period that raise the alarm (CIS: any)."""
    console_signin_failures_threshold: int = DEFAULT_CONSOLE_SIGNIN_FAILURES_THRESHOLD
    """Failed console sign-ins per period that raise the alarm."""
    change_alarm_threshold: int = DEFAULT_CHANGE_ALARM_THRESHOLD
    """Events per period for the root-use and configuration-change alarms (CIS: any)."""
    protect_from_destroy: bool = True
    """prevent_destroy on the audit KMS key and the trail's log group."""
    log_reader_arn: Annotated[str, Field(pattern=IAM_PRINCIPAL_ARN_PATTERN)] | None = None
    """IAM role ARN that reads the audit logs in S3 (bucket policy + ``kms:Decrypt`` through S3, replica
    included). Required when ``guardrails.production`` is true: logs no one can decrypt are no evidence."""
    https_endpoints: Annotated[list[Annotated[str, AfterValidator(check_https_url)]], Field(max_length=10)] = []
    """``https://`` URLs subscribed to the security alert topic (CIS alarms and the routed ``[detection]`` findings):
    the paging route, such as a PagerDuty integration URL. Each must confirm its SNS subscription, or apply fails.
    Stored in Terraform state."""
    no_paging_reason: Annotated[str, Field(min_length=20, max_length=500)] | None = None
    """Why a production environment's security alerts page nobody (no ``https_endpoints``); refused alongside them."""

    def _problems(self) -> Iterator[str]:
        # AuditTrail's own rules (one source): the file is refused for what the construct would refuse.
        thresholds = ("unauthorized_api_calls_threshold", "console_signin_failures_threshold", "change_alarm_threshold")
        for problem in audit_problems(
            log_retention_days=self.log_retention_days,
            allow_short_log_retention=self.allow_short_log_retention,
            alert_emails=self.alert_emails,
            alarm_period_seconds=self.alarm_period_seconds,
            alarm_evaluation_periods=self.alarm_evaluation_periods,
            thresholds={field: getattr(self, field) for field in thresholds},
        ):
            yield f"audit.{problem.field} must be {problem.allowed}, got {problem.value!r}"


class S3Settings(_Section):
    """``[s3]``: the environment's buckets (SecureS3) and their protection."""

    replica_region: Annotated[str, AfterValidator(check_aws_region)] | None = None
    """Region every SecureS3 bucket replicates to for disaster recovery; absent: no replication."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on buckets and their KMS keys."""
    noncurrent_version_expiration_days: Annotated[int, _range(1, 3650)] = 90
    """Delete overwritten or deleted object versions this many days after they stop being current."""
    audit_log_retention_days: Annotated[int, _range(1, 36500)] = 2190
    """Object Lock retention of the audit-log bucket (HIPAA: six years = 2190 days)."""
    audit_log_lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] = "COMPLIANCE"
    """Object Lock mode of the audit-log bucket; GOVERNANCE lets privileged principals delete (non-production)."""
    access_log_expiration_days: Annotated[int, _range(91, 36500)] = 2190
    """Delete server access logs this many days after delivery (after their Glacier Instant Retrieval transition at 90 days)."""
    force_destroy: bool = False
    """Let ``cdktf destroy`` empty and delete every bucket (GOVERNANCE-locked audit logs included; the deployer
    needs ``s3:BypassGovernanceRetention``). Only for disposable environments with synthetic data."""


class BackupSettings(_Section):
    """``[backups]``: the daily logical backup of every service database outside Neon (``db-backup`` job)."""

    schedule: Annotated[str, AfterValidator(check_cron)] = "17 3 * * *"
    """Five-field cron (UTC) of the backup job; the off-site recovery point is at most this interval old."""
    retention_days: Annotated[int, _range(1, 3650)] = 30
    """Days a dump stays in the ``backups`` bucket before S3 expires it."""
    noncurrent_version_expiration_days: Annotated[int, _range(1, 3650)] = 5
    """Days an expired (or overwritten) dump stays recoverable as a noncurrent version before S3 deletes it."""
    lock_mode: Literal["COMPLIANCE", "GOVERNANCE"] | None = None
    """Object Lock mode of the ``backups`` bucket and its replica; every dump is locked for ``retention_days``.
    COMPLIANCE: nobody (root included) deletes a dump or shortens its lock early; GOVERNANCE: only a principal with
    ``s3:BypassGovernanceRetention`` that sends the bypass header (none in this stack). Absent: COMPLIANCE when
    ``guardrails.production`` is true, else GOVERNANCE. Production must be COMPLIANCE; ``[s3] force_destroy`` needs
    GOVERNANCE."""
    freshness_slack_minutes: Annotated[int, _range(1, 1440)] = 120
    """How late a dump may be before the freshness alarm fires: it alarms when no dump was written for the longest
    gap between two runs of ``schedule`` plus this many minutes."""
    job_repo: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9-]{0,38}/[A-Za-z0-9._-]{1,100}$")] | None = None
    """GitHub repository (``owner/name``) of this infrastructure code: Railway builds the backup job from its
    ``services/db-backup`` folder (Dockerfile, ``backup.sh``, ``railway.toml``). Absent: ``[railway] repo``, whose
    ``<services_dir>/db-backup`` must then hold a copy of that folder."""
    job_branch: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]{0,99}$")] | None = None
    """Branch of ``job_repo`` the job is built from; Railway rebuilds it on every push. Absent: ``[railway] branch``."""
    restore_reader_arn: Annotated[str, Field(pattern=IAM_PRINCIPAL_ARN_PATTERN)] | None = None
    """IAM role ARN that lists, reads and decrypts the dumps (bucket policy + ``kms:Decrypt`` through S3, replica
    included) to restore them: no service and no account administrator can. Required when
    ``guardrails.production`` is true (backups no one can decrypt restore nothing)."""


class AppSecretSettings(_Section):
    """``[app_secrets]``: versions of the raw keys generated into state (``AppSecret``): auth's JWT signing key and
    the field keys of ``[field_encryption] raw_key_services``.

    Every version from ``*_oldest_version`` to ``*_version`` is kept; raise ``*_version`` to rotate (a new value,
    the older ones stay readable), raise ``*_oldest_version`` to retire. A ``*_version`` below its
    ``*_oldest_version`` is refused (it would destroy the newer keys); a lowered version that stays at or above
    it cannot be told from the file alone: the plan shows the destroyed ``random_bytes``.
    """

    jwt_signing_key_version: Annotated[int, _range(1, MAX_KEY_VERSION)] = 1
    """Current version of auth's JWT signing key (``JWT_SIGNING_KEY``; ``JWT_SIGNING_VERSION`` names it)."""
    jwt_signing_key_oldest_version: Annotated[int, _range(1, MAX_KEY_VERSION)] = 1
    """Oldest version of the JWT signing key still kept (``JWT_SIGNING_KEY_V<n>``): raise it once every token signed
    with the older ones has expired."""
    field_encryption_key_version: Annotated[int, _range(1, MAX_KEY_VERSION)] = 1
    """Current version of the raw field keys (``FIELD_ENCRYPTION_KEY``) of ``[field_encryption] raw_key_services``."""
    field_encryption_key_oldest_version: Annotated[int, _range(1, MAX_KEY_VERSION)] = 1
    """Oldest raw field-key version still kept: raise it only after every field encrypted with the older ones is
    re-encrypted (the older versions are destroyed)."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on every kept version (a change that would replace one fails the plan)."""

    def _problems(self) -> Iterator[str]:
        for key in ("jwt_signing_key", "field_encryption_key"):
            version, oldest = getattr(self, f"{key}_version"), getattr(self, f"{key}_oldest_version")
            for problem in key_version_problems(version=version, oldest_version=oldest):
                yield f"app_secrets.{key}_{problem.field} must be {problem.allowed}, got {problem.value!r}"


class FieldEncryptionSettings(_Section):
    """``[field_encryption]``: each PHI service's own KMS key (``FieldEncryptionKey``) for envelope encryption."""

    key_deletion_window_days: Annotated[int, _range(MIN_KEY_DELETION_WINDOW_DAYS, MAX_KEY_DELETION_WINDOW_DAYS)] = MAX_KEY_DELETION_WINDOW_DAYS
    """Days a scheduled deletion of a field key stays cancellable, 7..30; 30 when ``guardrails.production`` is true."""
    protect_from_destroy: bool = True
    """Terraform ``prevent_destroy`` on the field keys; required when ``guardrails.production`` is true."""
    raw_key_services: list[Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{0,39}$")]] = []
    """PHI services (``encrypts_fields``) that also receive a raw ``FIELD_ENCRYPTION_KEY`` generated into state
    (``AppSecret``, versions in ``[app_secrets]``): an application not yet on KMS, or one re-encrypting fields
    written with its raw key. Default: none (KMS only)."""

    def _problems(self) -> Iterator[str]:
        if len(set(self.raw_key_services)) != len(self.raw_key_services):
            yield f"field_encryption.raw_key_services must be distinct, got {self.raw_key_services!r}"


class GuardrailSettings(_Section):
    """``[guardrails]``: how the compliance rule pack treats the environment."""

    production: bool = False
    """Holds production PHI: production-only rules apply (Neon history >= 7 days, prevent_destroy). Default: off."""


TERRAFORM_VERSION = "1.14.2"
"""Terraform version the workspaces run unless ``[terraform_cloud] terraform_version`` says otherwise."""

TFC_TEAM_PATTERN = r"^[A-Za-z0-9_-]{1,60}$"

TFC_AGENT_IMAGE = "hashicorp/tfc-agent:1.28.11"
"""The HCP Terraform agent image the bootstrap stack deploys unless ``[terraform_cloud] agent_image`` says otherwise."""
AGENT_IMAGE_PATTERN = r"^[a-z0-9]+(?:[._/-][a-z0-9]+)*(?::\d+\.\d+\.\d+(?:@sha256:[0-9a-f]{64})?|@sha256:[0-9a-f]{64})$"
"""An image reference pinned to a release tag ``X.Y.Z`` and/or a digest (never ``latest`` or a moving ``1.28``)."""


class TerraformCloudSettings(_Section):
    """``[terraform_cloud]``: the environment's Terraform Cloud workspace (state, runs, who may apply).

    The workspace itself, its variable set and team access are created by the ``bootstrap``
    stack from these same values (docs/deploying.md).
    """

    organization: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,40}$")]
    """Terraform Cloud organization that owns the workspaces (configuration: your organization's name)."""
    workspace_prefix: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,60}$")] = "healthcare"
    """Workspaces are named ``<workspace_prefix>-<env>``."""
    terraform_version: Annotated[str, Field(pattern=r"^\d+\.\d+\.\d+$")] = TERRAFORM_VERSION
    """Exact Terraform version the workspace runs (pinned: an upgrade is a reviewed change)."""
    auto_apply: bool = False
    """Apply a successful plan without confirmation. Refused in production."""
    read_team: Annotated[str | None, Field(pattern=TFC_TEAM_PATTERN)] = None
    """Team (by name) that may follow the workspace's runs: runs and their plan and apply logs (sensitive values
    redacted), but not state, state outputs or variables (custom permissions, stacks/bootstrap.py). Must differ
    from ``apply_team``. Absent: owners only."""
    apply_team: Annotated[str | None, Field(pattern=TFC_TEAM_PATTERN)] = None
    """Team (by name) that may plan and apply. Required in production."""
    notify_member_emails: Annotated[list[Annotated[str, AfterValidator(check_email)]], Field(max_length=20)] = []
    """Organization members (by their Terraform Cloud email) who get an email when a run fails.
    Terraform Cloud emails members only (arbitrary addresses are Terraform Enterprise only). Required in production."""
    health_assessments: bool = True
    """Health assessments (drift detection and continuous validation): HCP Terraform plans the workspace about once a
    day and reports drift and failed checks, which are emailed to ``notify_member_emails`` (and sent to
    ``health_webhook_url``). Needs the HCP Terraform Standard or Premium edition: on the Free edition the bootstrap
    apply fails until this is false (docs/operations/pipeline.md, "Drift detection"). Default: on."""
    health_webhook_url: Annotated[str, AfterValidator(check_https_url)] | None = None
    """HTTPS endpoint of a generic HCP Terraform webhook (JSON payload) that receives failed runs, drift and failed
    checks, e.g. the inbound webhook of the router that pages on-call. HCP Terraform cannot publish to the alert
    topic (SNS), and PagerDuty's CloudWatch integration URLs of ``[alerts]`` expect SNS messages, not this payload.
    Absent: email only."""
    execution_mode: Literal["remote", "agent"] = "remote"
    """Where the workspace's runs execute: ``remote`` on HCP Terraform's shared workers, whose addresses HCP does
    not publish, or ``agent`` on the environment's own HCP Terraform agent, which the bootstrap stack deploys as a
    Railway service (docs/deploying.md, "Terraform Cloud agent"). ``agent`` is required when ``neon.allowed_ips``
    is set: the ``postgresql`` providers connect to Neon from the run's worker."""
    agent_egress_ips: list[Annotated[str, AfterValidator(check_allowed_ip)]] = []
    """The agent's static outbound address(es) (Railway's Static Outbound IPs of the agent service, copied here by
    hand: the provider cannot read them). Each must be inside ``neon.allowed_ips``. Only with
    ``execution_mode = "agent"``, and required then when ``neon.allowed_ips`` is set."""
    agent_image: Annotated[str, Field(pattern=AGENT_IMAGE_PATTERN)] = TFC_AGENT_IMAGE
    """Container image of the agent: ``hashicorp/tfc-agent`` (or an image built on it) pinned to a release tag
    ``X.Y.Z`` or a digest ``@sha256:<64 hex>``; the agent's self-update is turned off, so this is what runs."""

    @field_validator("agent_egress_ips")
    @classmethod
    def _distinct_addresses(cls, value: list[str]) -> list[str]:
        if len(set(value)) != len(value):
            raise ValueError("distinct entries")
        return value

    def workspace_name(self, environment: str) -> str:
        """``<workspace_prefix>-<environment>``: the one place workspace names are made (app stacks and bootstrap)."""
        return f"{self.workspace_prefix}-{environment}"


class EnvironmentConfig(_Section):
    """One environment: its rollout phase and the values its stack is built from."""

    name: Annotated[str, Field(pattern=ENVIRONMENT_NAME_PATTERN)]
    """Environment and stack name: the file name (``environments/<name>.toml``), set by the loader."""
    phase: Annotated[int, _range(PHASES[0], PHASES[-1])]
    """Rollout phase 1..4; a higher phase adds components, never removes them."""
    project: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]{1,20}[a-z0-9]$")] = "healthcare"
    """Prefix of every resource name (``<project>-<env>-<purpose>``)."""
    aws_region: Annotated[str, AfterValidator(check_aws_region)]
    """AWS region of the environment's AWS resources."""
    aws_account_ids: list[Annotated[str, Field(pattern=r"^\d{12}$")]]
    """AWS accounts the environment may be applied in (``allowed_account_ids`` of every AWS provider): a credential
    for another account fails at plan. Required in every environment, disposable ones too: a shell profile
    for the wrong account would otherwise create dev's resources in prod's account."""
    disposable: bool
    """Holds only synthetic data and may be destroyed and rebuilt at will: local state, no zone pin and
    ``[s3] force_destroy`` are allowed only here. Never with ``guardrails.production``."""
    state_backend: Literal["local", "terraform_cloud"]
    """Where Terraform state lives. ``local`` (``terraform.<env>.tfstate``, secrets in plain text on disk)
    only for disposable environments; otherwise ``terraform_cloud`` with a ``[terraform_cloud]`` section."""
    domain: Annotated[str, AfterValidator(check_domain)]
    """The platform's Cloudflare zone, e.g. ``example-health.org``."""
    dns_subdomain: Annotated[str, Field(pattern=r"^([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)?$")]
    """Label under the zone for public hostnames (``api.<dns_subdomain>.<domain>``); empty for prod."""
    vpc_cidr: Annotated[str, AfterValidator(_vpc_cidr)]
    """VPC address range, /16../20, private, not overlapping any other environment."""
    az_count: Annotated[int, _range(1, 6)]
    """Availability zones the VPC spans."""
    retention_days: Annotated[int, _range(1, 30)]
    """Backup / point-in-time history retention in days."""
    replicas: Annotated[int, _range(1, 50)]
    """Replicas of each serving service in ``railway.region``: a fixed count, set when a service is created
    (Railway has no autoscaling of replica counts; after a change the plan fails until the count is set in
    Railway too: docs/constructs/RailwayService.md, "Replicas and regions")."""
    neon: NeonSettings
    """Required: the Neon project's protection and HIPAA choices are made explicitly per environment."""
    railway: RailwaySettings
    cloudflare: CloudflareSettings = CloudflareSettings()
    network: NetworkSettings = NetworkSettings()
    s3: S3Settings = S3Settings()
    audit: AuditSettings
    """Required: who receives the security alarms is an explicit choice per environment."""
    guardrails: GuardrailSettings = GuardrailSettings()
    backups: BackupSettings = BackupSettings()
    app_secrets: AppSecretSettings = AppSecretSettings()
    field_encryption: FieldEncryptionSettings = FieldEncryptionSettings()
    terraform_cloud: TerraformCloudSettings | None = None
    """Required with ``state_backend = "terraform_cloud"``, refused with ``local``."""
    alerts: AlertSettings = AlertSettings()
    """Routes of the operational alert topic; absent: ``audit.alert_emails`` by email."""
    uptime: UptimeSettings = UptimeSettings()
    budget: BudgetSettings | None = None
    """The monthly AWS budget; absent: no budget. Required when ``guardrails.production`` is true."""
    account: AccountSettings = AccountSettings()
    detection: DetectionSettings = DetectionSettings()
    """Applies where ``account.owns_account_baseline`` is true (phase 1, docs/operations/detection.md)."""

    def _detection(self) -> Iterator[str]:
        audit, account = self.audit, self.account
        if len(set(audit.https_endpoints)) != len(audit.https_endpoints):
            yield f"audit.https_endpoints must be distinct values, got {audit.https_endpoints!r}"
        if audit.https_endpoints and audit.no_paging_reason is not None:
            yield "audit.no_paging_reason must be unset when audit.https_endpoints are given (they page someone)"
        if account.manage_password_policy and not account.owns_account_baseline:
            yield (
                "account.manage_password_policy must be false when account.owns_account_baseline is false "
                "(the environment that owns the account baseline owns its password policy), got True"
            )
        if self.guardrails.production:
            if not audit.https_endpoints and audit.no_paging_reason is None:
                yield (
                    "audit.https_endpoints is required when guardrails.production is true (security alarms and findings page "
                    "someone, e.g. a PagerDuty integration URL), or say why not in audit.no_paging_reason"
                )
            if account.owns_account_baseline and not self.detection.macie:
                yield "detection.macie must be true when guardrails.production is true (PHI buckets are inspected for sensitive data), got False"

    def _operations(self) -> Iterator[str]:
        alerts = self.alerts
        if alerts.https_endpoints and alerts.no_paging_reason is not None:
            yield ("alerts.no_paging_reason must be unset when alerts.https_endpoints are given (they page someone)")
        if self.budget is not None and len(self.alert_emails) > 10:
            yield (
                f"alerts.emails must be at most 10 addresses when there is a [budget] (AWS Budgets emails at most 10; "
                f"absent, [audit] alert_emails are used), got {len(self.alert_emails)}"
            )
        if self.guardrails.production:
            if not alerts.https_endpoints and alerts.no_paging_reason is None:
                yield (
                    "alerts.https_endpoints is required when guardrails.production is true (a paging or chat route "
                    "besides email), or say why not in alerts.no_paging_reason"
                )
            if self.budget is None:
                yield ("budget is required when guardrails.production is true ([budget] monthly_limit_usd)")
            if self.account.admin_group is None:
                yield ("account.admin_group is required when guardrails.production is true (the human admins' group that requires MFA)")

    @property
    def alert_emails(self) -> tuple[str, ...]:
        """Addresses of the operational alert topic and budget: ``[alerts] emails``, else ``[audit] alert_emails``."""
        return tuple(self.alerts.emails if self.alerts.emails is not None else self.audit.alert_emails)

    def _state_and_accounts(self) -> Iterator[str]:
        if self.disposable and self.guardrails.production:
            yield ("disposable must be false when guardrails.production is true (production data is never disposable), got True")
        if self.state_backend == "local" and not self.disposable:
            yield (
                "state_backend must be 'terraform_cloud' unless disposable is true (local state keeps Neon passwords, "
                "IAM secret keys and Railway variables in plain text on one laptop), got 'local'"
            )
        if self.state_backend == "terraform_cloud" and self.terraform_cloud is None:
            yield ("terraform_cloud is required when state_backend is 'terraform_cloud' (organization, workspace_prefix, ...)")
        elif self.state_backend == "local" and self.disposable and self.terraform_cloud is not None:
            yield ("terraform_cloud must be absent when state_backend is 'local' (one source for where state lives)")
        if not self.aws_account_ids:
            yield (
                "aws_account_ids must name at least one account, disposable environments too (the AWS accounts this "
                "environment may be applied in; a credential for any other account then fails at plan), got []"
            )
        if len(set(self.aws_account_ids)) != len(self.aws_account_ids):
            yield (f"aws_account_ids must be distinct, got {self.aws_account_ids!r}")
        tfc = self.terraform_cloud
        if self.guardrails.production:
            if self.railway.workspace_id is None:
                yield ("railway.workspace_id is required when guardrails.production is true (a token that sees another workspace must not create prod there)")
            if tfc is not None and tfc.auto_apply:
                yield ("terraform_cloud.auto_apply must be false when guardrails.production is true (a person confirms every prod apply), got True")
            if tfc is not None and tfc.apply_team is None:
                yield ("terraform_cloud.apply_team is required when guardrails.production is true (the named team that may apply prod)")
            if tfc is not None and not tfc.notify_member_emails:
                yield ("terraform_cloud.notify_member_emails is required when guardrails.production is true (someone hears of a failed prod run)")
        if not self.disposable and self.cloudflare.zone_id is None:
            yield ("cloudflare.zone_id is required unless disposable is true (the zone is then pinned: a token for another zone fails at plan)")

    def _zones_match(self) -> Iterator[str]:
        zones = self.network.availability_zones
        if zones is not None and (len(zones) != self.az_count or len(set(zones)) != len(zones) or any(not z.startswith(self.aws_region) for z in zones)):
            yield (f"network.availability_zones must be {self.az_count} distinct zones of {self.aws_region} (az_count), got {zones!r}")

    def _problems(self) -> Iterator[str]:
        yield from self._state_and_accounts()
        yield from self._operations()
        yield from self._detection()
        yield from self._zones_match()
        yield from self._replica_in_another_region()
        yield from self._production_has_audit_reader()
        yield from self._teardown_is_consistent()
        yield from self._production_keeps_history()
        yield from self._edge_is_valid()
        yield from self._terraform_cloud_rules()
        yield from self._production_keeps_keys()
        yield from self._services_egress_is_allowed()
        yield from self._backups_are_locked_and_watched()

    def _services_egress_is_allowed(self) -> Iterator[str]:
        # The services connect to Neon from their static outbound addresses: an allow-listed project must admit them,
        # and in production the services' AWS keys are pinned to them.
        egress, allowed = self.railway.static_egress_ips, self.neon.allowed_ips
        if self.guardrails.production and allowed and not egress:
            yield (
                "railway.static_egress_ips is required when guardrails.production is true and neon.allowed_ips is set "
                "(the services' Static Outbound IPs: their AWS access keys then work from those addresses only)"
            )
        networks = [ipaddress.ip_network(entry) for entry in allowed]
        for address in egress if allowed else []:
            network = ipaddress.ip_network(address)
            if not any(network.version == n.version and network.subnet_of(n) for n in networks):  # type: ignore[arg-type]
                yield (
                    f"railway.static_egress_ips must be inside neon.allowed_ips {allowed!r} (the services connect to the database from them), got {address!r}"
                )

    _EDGE_KEYS = {
        "domain": "domain",
        "public_domain": "dns_subdomain",
        "health_alert_account_id": "cloudflare.account_id",
        "health_alert_emails": "audit.alert_emails",
        "monitor_paths": "uptime.health_paths",
    }
    """CloudflareEdgeProps field -> the key of the environment file that sets it (others: ``cloudflare.<field>``)."""

    def edge_props(self) -> CloudflareEdgeProps:
        """The ``CloudflareEdge`` props this file describes (validated at load by ``cloudflare_edge_problems``)."""
        cloudflare = self.cloudflare
        return CloudflareEdgeProps(
            domain=self.domain,
            public_domain=self.public_domain,
            manage_zone_settings=cloudflare.manage_zone,
            plan=CloudflarePlan(cloudflare.plan),
            min_tls_version=cloudflare.min_tls_version,
            hsts_preload=cloudflare.hsts_preload,
            content_security_policy=cloudflare.content_security_policy,
            rate_limit_period_seconds=cloudflare.rate_limit_period_seconds,
            rate_limit_mitigation_seconds=cloudflare.rate_limit_mitigation_seconds,
            api_requests_per_period=cloudflare.api_requests_per_period,
            auth_requests_per_period=cloudflare.auth_requests_per_period,
            advanced_certificate=cloudflare.advanced_certificate,
            monitor_paths=self.uptime.all_health_paths,
            health_check_path=cloudflare.health_check_path,
            health_alert_account_id=cloudflare.account_id,
            health_alert_emails=tuple(self.audit.alert_emails) if cloudflare.account_id else (),
            protect_from_destroy=cloudflare.protect_from_destroy,
            zone_id=cloudflare.zone_id,
        )

    def _edge_is_valid(self) -> Iterator[str]:
        # The construct's own rules (one source): a file is refused for what CloudflareEdge would refuse.
        for problem in cloudflare_edge_problems(self.edge_props()):
            key = self._EDGE_KEYS.get(problem.field, f"cloudflare.{problem.field}")
            allowed = problem.allowed
            for field in ("health_alert_account_id", "health_alert_emails"):  # the file's names, not the props'
                allowed = allowed.replace(field, self._EDGE_KEYS[field])
            yield f"{key} must be {allowed}, got {problem.value!r}"

    @property
    def availability_zones(self) -> tuple[str, ...]:
        """The VPC's AZ names: explicit ones, or ``<aws_region>a``, ``b``, ... deterministically."""
        if self.network.availability_zones is not None:
            return tuple(self.network.availability_zones)
        return tuple(f"{self.aws_region}{letter}" for letter in "abcdef"[: self.az_count])

    def _terraform_cloud_rules(self) -> Iterator[str]:
        # Here rather than in the section, so they are reported together with the rules across sections.
        tfc = self.terraform_cloud
        if tfc is None:
            return
        if tfc.read_team is not None and tfc.read_team == tfc.apply_team:
            yield (
                "terraform_cloud.read_team must differ from terraform_cloud.apply_team (a team has one access level per "
                f"workspace: read without state, or plan and apply), got {tfc.read_team!r} for both"
            )
        if tfc.execution_mode != "agent" and tfc.agent_egress_ips:
            yield (
                "terraform_cloud.agent_egress_ips must be empty unless terraform_cloud.execution_mode is 'agent' "
                f"(remote runs do not leave from them), got {tfc.agent_egress_ips!r}"
            )
        yield from self._runs_reach_the_database()

    def _runs_reach_the_database(self) -> Iterator[str]:
        # The postgresql providers connect to Neon from wherever the run executes. HCP Terraform publishes no
        # address range for its remote workers, so an allow-list can only admit an agent's known address.
        tfc, allowed = self.terraform_cloud, self.neon.allowed_ips
        if tfc is None or self.state_backend != "terraform_cloud" or not allowed:
            return
        if tfc.execution_mode != "agent":
            yield (
                "terraform_cloud.execution_mode must be 'agent' when neon.allowed_ips is set (HCP Terraform publishes no "
                "address range for remote runs, so the allow-list would refuse every run's database connection), "
                f"got {tfc.execution_mode!r}"
            )
            return
        if not tfc.agent_egress_ips:
            yield (
                "terraform_cloud.agent_egress_ips is required when terraform_cloud.execution_mode is 'agent' and "
                "neon.allowed_ips is set (the agent's static outbound address, docs/deploying.md: Terraform Cloud agent)"
            )
        networks = [ipaddress.ip_network(entry) for entry in allowed]
        for address in tfc.agent_egress_ips:
            egress = ipaddress.ip_network(address)
            if not any(egress.version == network.version and egress.subnet_of(network) for network in networks):  # type: ignore[arg-type]
                yield (
                    f"terraform_cloud.agent_egress_ips must be inside neon.allowed_ips {allowed!r} (the agent's runs connect "
                    f"to the database from it), got {address!r}"
                )

    def _replica_in_another_region(self) -> Iterator[str]:
        if self.s3.replica_region == self.aws_region:
            yield (f"s3.replica_region must differ from aws_region ({self.aws_region}), got {self.s3.replica_region!r}")

    def _production_has_audit_reader(self) -> Iterator[str]:
        if self.guardrails.production and self.audit.log_reader_arn is None:
            yield (
                "audit.log_reader_arn is required when guardrails.production is true "
                "(an IAM role ARN such as arn:aws:iam::123456789012:role/audit-reader in the security or audit account; "
                "without it nobody outside the account can read the audit logs)"
            )

    def _teardown_is_consistent(self) -> Iterator[str]:
        s3 = self.s3
        compliance = s3.audit_log_lock_mode == "COMPLIANCE" or self.backup_lock_mode == "COMPLIANCE"
        if s3.force_destroy and (not self.disposable or s3.protect_from_destroy or compliance):
            yield (
                "s3.force_destroy must be false unless disposable is true, s3.protect_from_destroy is false and "
                "audit_log_lock_mode and backups.lock_mode are GOVERNANCE (only environments with synthetic data; "
                f"compliance-locked objects cannot be deleted), got {s3.force_destroy!r}"
            )

    def _production_keeps_keys(self) -> Iterator[str]:
        if not self.guardrails.production:
            return
        field = self.field_encryption
        if field.key_deletion_window_days != MAX_KEY_DELETION_WINDOW_DAYS:
            yield (
                f"field_encryption.key_deletion_window_days must be {MAX_KEY_DELETION_WINDOW_DAYS} when guardrails.production is true "
                f"(the longest time to cancel a deletion that would make every encrypted field unreadable), got {field.key_deletion_window_days}"
            )
        for section, settings in (("field_encryption", field), ("app_secrets", self.app_secrets)):
            if not settings.protect_from_destroy:
                yield f"{section}.protect_from_destroy must be true when guardrails.production is true (keys of production PHI), got False"

    @property
    def backup_lock_mode(self) -> Literal["COMPLIANCE", "GOVERNANCE"]:
        """``[backups] lock_mode``, or its default: COMPLIANCE in production, GOVERNANCE elsewhere."""
        if self.backups.lock_mode is not None:
            return self.backups.lock_mode
        return "COMPLIANCE" if self.guardrails.production else "GOVERNANCE"

    @property
    def backup_freshness_window(self) -> tuple[int, int]:
        """``(period, evaluation_periods)`` of the backup freshness alarm (checked at load)."""
        gap = cron_max_gap_seconds(self.backups.schedule)
        assert gap is not None, "checked at load"
        return freshness_window(gap, self.backups.freshness_slack_minutes * 60)

    def _backups_are_locked_and_watched(self) -> Iterator[str]:
        backups, mode = self.backups, self.backup_lock_mode
        if self.guardrails.production and mode != "COMPLIANCE":
            yield (f"backups.lock_mode must be COMPLIANCE when guardrails.production is true (a governance lock can be bypassed), got {mode!r}")
        gap = cron_max_gap_seconds(backups.schedule)
        if gap is None:
            yield (f"backups.schedule must run at least twice a year for the freshness alarm to watch it, got {backups.schedule!r}")
            return
        try:
            freshness_window(gap, backups.freshness_slack_minutes * 60)
        except ValueError as error:
            yield (
                f"backups.schedule and backups.freshness_slack_minutes cannot be watched: {error}; "
                f"got {backups.schedule!r} (longest gap {gap} s) and {backups.freshness_slack_minutes} min"
            )

    def _production_keeps_history(self) -> Iterator[str]:
        # Fails at load what guardrail HC-NEON-001 would otherwise fail at synth.
        if self.guardrails.production and self.retention_days < MIN_PRODUCTION_RETENTION_DAYS:
            yield (f"retention_days must be >= {MIN_PRODUCTION_RETENTION_DAYS} when guardrails.production is true (HC-NEON-001), got {self.retention_days}")

    @property
    def name_prefix(self) -> str:
        """``<project>-<name>``: the prefix of the environment's resource names (buckets, Neon project, trail, ...)."""
        return f"{self.project}-{self.name}"

    @property
    def vpc_network(self) -> ipaddress.IPv4Network:
        """``vpc_cidr`` as an address object."""
        return ipaddress.IPv4Network(self.vpc_cidr)

    @property
    def public_domain(self) -> str:
        """Domain under which the environment's public hostnames live."""
        return f"{self.dns_subdomain}.{self.domain}" if self.dns_subdomain else self.domain

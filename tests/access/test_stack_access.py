"""What AWS will decide: concrete requests against the policies of every synthesized stack.

Each case resolves a stack's bucket, key and identity policies to plain JSON (``world``)
and asks ``iam_eval`` (AWS's documented evaluation logic) whether a principal may make one
request. The cases follow issue 13's request table; they are generated from the phase plan
and the environment files, so every bucket, grant and replica that exists in an
environment x phase gets its own cases.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from constructs_lib.storage.storage_types import BucketAccess
from environments import load_all
from platform_plan.phases import plan_for
from tests.access.iam_eval import Decision, Principal, Request, explain_kms, explain_same_account
from tests.access.world import ACCOUNT, Bucket, StackWorld
from tests.conftest import ALL_COMBOS, Combo
from tests.unit._s3_helpers import NO_REPLICA

CLOUDTRAIL = Principal.service("cloudtrail.amazonaws.com")
S3_LOGGING = Principal.service("logging.s3.amazonaws.com")
TLS_OK = {"aws:SecureTransport": True, "s3:TlsVersion": "1.3"}
AUDIT = "Bucket-audit-logs"


def s3(
    world: StackWorld, principal: Principal, action: str, bucket: Bucket, key: str | None, identity: list[dict[str, Any]] | None = None, **context: Any
) -> Decision:
    """AWS's decision on an S3 request in the bucket's own account."""
    resource = bucket.arn if key is None else f"{bucket.arn}/{key}"
    request = Request(principal, action, resource, {**TLS_OK, **_service_context(principal), **context})
    explanation = explain_same_account(request, resource_policy=bucket.policy, identity_policies=identity or [], resource_account=ACCOUNT)
    return _noted(explanation)


def kms(world: StackWorld, principal: Principal, action: str, key_arn: str, identity: list[dict[str, Any]] | None = None, **context: Any) -> Decision:
    """AWS's decision on a KMS request on ``key_arn``."""
    request = Request(principal, action, key_arn, {**_service_context(principal), **context})
    explanation = explain_kms(request, key_policy=world.key_policy(key_arn), identity_policies=identity or [], key_account=ACCOUNT)
    return _noted(explanation)


_LAST: list[str] = []


def _noted(explanation: Any) -> Decision:
    _LAST[:] = [str(explanation)]
    return explanation.decision


def why() -> str:
    """The last decision's explanation, for assertion messages."""
    return _LAST[0] if _LAST else ""


def _service_context(principal: Principal) -> dict[str, Any]:
    if principal.kind == "Service":
        return {"aws:PrincipalServiceName": principal.id}
    if principal.kind == "AWS":
        return {"aws:PrincipalAccount": principal.account}
    return {}


def via_s3(bucket: Bucket) -> dict[str, Any]:
    """KMS request context when S3 calls KMS for an object of ``bucket`` (bucket key: the bucket ARN is the context)."""
    return {"kms:ViaService": f"s3.{bucket.region}.amazonaws.com", "kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:aws:s3:arn": bucket.arn}


# Cases from the phase plan and the environment files --------------------------------------


@dataclass(frozen=True)
class Grant:
    env: str
    phase: int
    service: str
    purpose: str
    access: BucketAccess
    prefix: str = ""

    def __str__(self) -> str:
        return f"{self.env}-p{self.phase}-{self.service}-{self.purpose}"

    @property
    def key(self) -> str:
        """An object key the grant covers."""
        return f"{self.prefix}records/2026/scan-0001.pdf"


def _grants() -> Iterator[Grant]:
    for env, phase in ALL_COMBOS:
        for grant in plan_for(phase).bucket_grants:
            yield Grant(env, phase, grant.service, grant.bucket, grant.access, grant.prefix)


def _buckets() -> Iterator[tuple[str, int, str]]:
    """(env, phase, construct path) of every bucket of every stack: SecureS3s, their replicas, access-log buckets."""
    configs = load_all()
    for env, phase in ALL_COMBOS:
        replica = configs[env].s3.replica_region is not None
        for spec in plan_for(phase).buckets:
            yield env, phase, f"Bucket-{spec.purpose}"
            if replica:
                yield env, phase, f"Bucket-{spec.purpose}/Replica"
        yield env, phase, "AccessLogs"
        if replica:
            yield env, phase, "AccessLogsReplica"


def _audit_buckets() -> Iterator[tuple[str, int, str]]:
    """(env, phase, audit-log bucket path) for stacks with an audit log reader: the source and, where replicated, the replica."""
    configs = load_all()
    for env, phase in ALL_COMBOS:
        if configs[env].audit.log_reader_arn is None:
            continue
        yield env, phase, AUDIT
        if configs[env].s3.replica_region is not None:
            yield env, phase, f"{AUDIT}/Replica"


GRANTS = list(_grants())
WRITE_GRANTS = [g for g in GRANTS if g.access is not BucketAccess.READ]
BUCKETS = list(_buckets())
AUDIT_BUCKETS = list(_audit_buckets())
LOG_FILE = f"AWSLogs/{ACCOUNT}/CloudTrail/us-east-1/2026/12/01/{ACCOUNT}_CloudTrail_us-east-1_20261201T0000Z_a1b2.json.gz"
DIGEST_FILE = f"AWSLogs/{ACCOUNT}/CloudTrail-Digest/us-east-1/2026/12/01/{ACCOUNT}_CloudTrail-Digest_us-east-1_healthcare_us-east-1_20261201T000000Z.json.gz"


READER_IDENTITY = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3:GetObjectVersion", "s3:ListBucket", "kms:Decrypt"], "Resource": "*"}],
}
"""What the audit reader's own (security) account lets its role do: read and decrypt anywhere."""
WRITE_EVERYTHING = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["s3:PutObject", "s3:DeleteObject"], "Resource": "*"}]}


def _id(value: Any) -> str:
    return "-".join(str(v) for v in value) if isinstance(value, tuple) else str(value)


# CloudTrail ----------------------------------------------------------------------------------


def cloudtrail_context(world: StackWorld, **extra: Any) -> dict[str, Any]:
    return {"aws:SourceArn": world.trail_arn(), "aws:SourceAccount": ACCOUNT, **extra}


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=_id)
@pytest.mark.parametrize(
    ("file", "headers"),
    [
        pytest.param(LOG_FILE, {"s3:x-amz-server-side-encryption": "aws:kms", "kms_key": True}, id="log-file-sse-kms-headers"),
        pytest.param(LOG_FILE, {}, id="log-file-default-encryption"),
        pytest.param(DIGEST_FILE, {"s3:x-amz-server-side-encryption": "AES256"}, id="digest-file-sse-s3"),
        pytest.param(DIGEST_FILE, {}, id="digest-file-default-encryption"),
    ],
)
def test_cloudtrail_delivers_log_and_digest_files(worlds: dict[Combo, StackWorld], combo: Combo, file: str, headers: dict[str, Any]) -> None:
    """CloudTrail's documented deliveries (bucket-owner-full-control; digest files SSE-S3) are allowed."""
    world = worlds[combo]
    bucket = world.bucket(AUDIT)
    context = cloudtrail_context(world, **{"s3:x-amz-acl": "bucket-owner-full-control"})
    for header, value in headers.items():
        if header == "kms_key":
            context["s3:x-amz-server-side-encryption-aws-kms-key-id"] = bucket.key_arn
        else:
            context[header] = value
    assert s3(world, CLOUDTRAIL, "s3:PutObject", bucket, file, **context) is Decision.ALLOW, why()
    assert s3(world, CLOUDTRAIL, "s3:GetBucketAcl", bucket, None, **cloudtrail_context(world)) is Decision.ALLOW, why()


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=_id)
def test_other_trails_cannot_write_the_audit_bucket(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    bucket = world.bucket(AUDIT)
    other = {
        "aws:SourceArn": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/someone-else",
        "aws:SourceAccount": ACCOUNT,
        "s3:x-amz-acl": "bucket-owner-full-control",
    }
    assert s3(world, CLOUDTRAIL, "s3:PutObject", bucket, LOG_FILE, **other) is Decision.IMPLICIT_DENY, why()


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=_id)
@pytest.mark.parametrize("action", ["kms:GenerateDataKey", "kms:Decrypt", "kms:DescribeKey"])
def test_cloudtrail_may_use_the_audit_key(worlds: dict[Combo, StackWorld], combo: Combo, action: str) -> None:
    """GenerateDataKey* for log files, Decrypt (required with an S3 Bucket Key), DescribeKey: for this trail."""
    world = worlds[combo]
    key = world.bucket(AUDIT).key_arn
    assert key is not None
    context = cloudtrail_context(world, **{"kms:EncryptionContext:aws:cloudtrail:arn": world.trail_arn()})
    assert kms(world, CLOUDTRAIL, action, key, **context) is Decision.ALLOW, why()
    other = {**context, "aws:SourceArn": f"arn:aws:cloudtrail:us-east-1:{ACCOUNT}:trail/someone-else"}
    assert kms(world, CLOUDTRAIL, action, key, **other) is Decision.IMPLICIT_DENY, why()


# The trail's key: the account's principals decrypt log files through IAM (issue 24 item 4) ---------

OTHER_ACCOUNT = "999988887777"
ANALYST = Principal.role(ACCOUNT, "security-analyst")
DEPLOYER = Principal.role(ACCOUNT, "terraform-deployer")
"""The principal that creates and updates the trail (Terraform's role in the account)."""
DECRYPT_EVERYWHERE = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["kms:Decrypt", "kms:ReEncryptFrom"], "Resource": "*"}]}
"""An identity policy of the account that lets its holder decrypt with any key whose key policy delegates to IAM."""


def trail_log_context(world: StackWorld, *, caller: str = ACCOUNT, trail_arn: str | None = None) -> dict[str, Any]:
    """KMS request context when ``caller``'s principal reads a CloudTrail log file (S3 asks KMS on its behalf)."""
    bucket = world.bucket(AUDIT)
    return {
        "kms:CallerAccount": caller,
        "kms:ViaService": f"s3.{bucket.region}.amazonaws.com",
        "kms:EncryptionContext:aws:cloudtrail:arn": trail_arn or world.trail_arn(),
        "kms:EncryptionContext:aws:s3:arn": bucket.arn,
    }


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=_id)
@pytest.mark.parametrize("action", ["kms:Decrypt", "kms:ReEncryptFrom"])
def test_account_principals_with_iam_permission_decrypt_trail_log_files(worlds: dict[Combo, StackWorld], combo: Combo, action: str) -> None:
    """AWS's documented trail key policy, in every environment: the key delegates log-file decryption to the account's IAM."""
    world = worlds[combo]
    key = world.bucket(AUDIT).key_arn
    assert key is not None
    assert kms(world, ANALYST, action, key, [DECRYPT_EVERYWHERE], **trail_log_context(world)) is Decision.ALLOW, why()
    # IAM decides: without an identity policy the key policy alone lets nobody of the account decrypt.
    assert kms(world, ANALYST, action, key, [], **trail_log_context(world)) is Decision.IMPLICIT_DENY, why()
    # Only CloudTrail log files of this account's trails: no encryption context, or another account's trail, is refused.
    no_context = {k: v for k, v in trail_log_context(world).items() if k != "kms:EncryptionContext:aws:cloudtrail:arn"}
    assert kms(world, ANALYST, action, key, [DECRYPT_EVERYWHERE], **no_context) is Decision.IMPLICIT_DENY, why()
    foreign_trail = trail_log_context(world, trail_arn=f"arn:aws:cloudtrail:us-east-1:{OTHER_ACCOUNT}:trail/theirs")
    assert kms(world, ANALYST, action, key, [DECRYPT_EVERYWHERE], **foreign_trail) is Decision.IMPLICIT_DENY, why()


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=_id)
def test_other_accounts_cannot_decrypt_trail_log_files(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    world = worlds[combo]
    key = world.bucket(AUDIT).key_arn
    assert key is not None
    outsider = Principal.role(OTHER_ACCOUNT, "security-analyst")
    context = trail_log_context(world, caller=OTHER_ACCOUNT)
    assert kms(world, outsider, "kms:Decrypt", key, [DECRYPT_EVERYWHERE], **context) is Decision.IMPLICIT_DENY, why()


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=_id)
def test_the_trail_creator_can_decrypt_with_the_trail_key(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    """With an S3 Bucket Key, creating or updating an SSE-KMS trail needs kms:Decrypt on the key ("Configure AWS KMS
    key policies for CloudTrail"): the deployer of every environment, dev included, gets it through its IAM policy."""
    world = worlds[combo]
    key = world.bucket(AUDIT).key_arn
    assert key is not None
    deployer_identity = {"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Action": ["kms:*", "cloudtrail:*"], "Resource": "*"}]}
    context = {"kms:CallerAccount": ACCOUNT, "kms:EncryptionContext:aws:cloudtrail:arn": world.trail_arn()}
    assert kms(world, DEPLOYER, "kms:Decrypt", key, [deployer_identity], **context) is Decision.ALLOW, why()


@pytest.mark.parametrize("combo", ALL_COMBOS, ids=_id)
def test_the_trail_statement_opens_no_other_key(worlds: dict[Combo, StackWorld], combo: Combo) -> None:
    """The account-wide decrypt is on the trail's key only: the PHI buckets' keys (and the replica's) still name each user."""
    world = worlds[combo]
    for bucket in world.buckets():
        if bucket.key_arn is None or bucket.path.split("/", 1)[1] == f"{AUDIT}/Resource":
            continue
        context = {**via_s3(bucket), "kms:EncryptionContext:aws:cloudtrail:arn": world.trail_arn()}
        assert kms(world, ANALYST, "kms:Decrypt", bucket.key_arn, [DECRYPT_EVERYWHERE], **context) is Decision.IMPLICIT_DENY, (bucket.path, why())


# Services with grants ------------------------------------------------------------------------


@pytest.mark.parametrize("grant", WRITE_GRANTS, ids=str)
def test_service_writes_with_default_encryption_and_reads_back(worlds: dict[Combo, StackWorld], grant: Grant) -> None:
    """A write grant works for an ordinary PutObject without encryption headers, and with the bucket's own key;
    a read/write grant reads back, a write-only grant (the backup job) cannot."""
    world = worlds[grant.env, grant.phase]
    bucket = world.bucket(f"Bucket-{grant.purpose}")
    user, identity = world.user(f"Identity-{grant.service}")
    key = grant.key
    assert s3(world, user, "s3:PutObject", bucket, key, identity) is Decision.ALLOW, why()
    explicit = {"s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": bucket.key_arn}
    assert s3(world, user, "s3:PutObject", bucket, key, identity, **explicit) is Decision.ALLOW, why()
    reads = Decision.ALLOW if grant.access is BucketAccess.READ_WRITE else Decision.IMPLICIT_DENY
    assert s3(world, user, "s3:GetObject", bucket, key, identity) is reads, why()
    assert bucket.key_arn is not None
    for action in ("kms:GenerateDataKey", "kms:Decrypt"):
        assert kms(world, user, action, bucket.key_arn, identity, **via_s3(bucket)) is Decision.ALLOW, why()


@pytest.mark.parametrize("grant", WRITE_GRANTS, ids=str)
def test_uploads_naming_another_encryption_are_denied(worlds: dict[Combo, StackWorld], grant: Grant) -> None:
    world = worlds[grant.env, grant.phase]
    bucket = world.bucket(f"Bucket-{grant.purpose}")
    user, identity = world.user(f"Identity-{grant.service}")
    key = grant.key
    for headers in (
        {"s3:x-amz-server-side-encryption": "AES256"},
        {"s3:x-amz-server-side-encryption": "aws:kms", "s3:x-amz-server-side-encryption-aws-kms-key-id": f"arn:aws:kms:us-east-1:{ACCOUNT}:key/other"},
        {"s3:x-amz-server-side-encryption-customer-algorithm": "AES256"},
    ):
        assert s3(world, user, "s3:PutObject", bucket, key, identity, **headers) is Decision.EXPLICIT_DENY, (headers, why())


@pytest.mark.parametrize("grant", GRANTS, ids=str)
def test_service_is_denied_outside_its_grants(worlds: dict[Combo, StackWorld], grant: Grant) -> None:
    """No other bucket, no other bucket's key, no delete anywhere (grants never include DeleteObject)."""
    world = worlds[grant.env, grant.phase]
    user, identity = world.user(f"Identity-{grant.service}")
    granted = {g.purpose for g in GRANTS if (g.env, g.phase, g.service) == (grant.env, grant.phase, grant.service)}
    own = world.bucket(f"Bucket-{grant.purpose}")
    assert s3(world, user, "s3:DeleteObject", own, grant.key, identity) is Decision.IMPLICIT_DENY, why()
    if grant.access is BucketAccess.READ:
        assert s3(world, user, "s3:PutObject", own, grant.key, identity) is Decision.IMPLICIT_DENY, why()
    if grant.prefix:  # nothing beside its prefix: the backup job cannot overwrite anything else in its bucket
        for action in ("s3:PutObject", "s3:GetObject"):
            assert s3(world, user, action, own, "elsewhere/a.pdf", identity) is Decision.IMPLICIT_DENY, (action, why())
    for spec in plan_for(grant.phase).buckets:
        if spec.purpose in granted:
            continue
        other = world.bucket(f"Bucket-{spec.purpose}")
        for action in ("s3:GetObject", "s3:PutObject"):
            assert s3(world, user, action, other, "records/a.pdf", identity) is not Decision.ALLOW, (spec.purpose, action, why())
        assert other.key_arn is not None
        assert kms(world, user, "kms:Decrypt", other.key_arn, identity, **via_s3(other)) is not Decision.ALLOW, (spec.purpose, why())


def test_prefix_grants_stop_at_their_prefix(fresh_stack: Any) -> None:
    """A grant under ``reports/`` reaches ``reports/...`` and nothing beside it (another service's prefix)."""
    import json

    from constructs_lib import AccessLogBucket, AccessLogBucketProps, SecureS3, SecureS3Props, ServiceIdentity, ServiceIdentityProps
    from constructs_lib.engine.aws import AwsProvider
    from tests.conftest import synth_json

    AwsProvider(fresh_stack, "aws", region="us-east-1")
    logs = AccessLogBucket(fresh_stack, "Logs", AccessLogBucketProps(project="acme", environment="dev"))
    bucket = SecureS3(
        fresh_stack, "Docs", SecureS3Props(project="acme", environment="dev", purpose="docs", access_log_bucket=logs, replication_opt_out_reason=NO_REPLICA)
    )
    reports = ServiceIdentity(fresh_stack, "Reports", ServiceIdentityProps(project="acme", environment="dev", service="reports"))
    billing = ServiceIdentity(fresh_stack, "Billing", ServiceIdentityProps(project="acme", environment="dev", service="billing"))
    bucket.grant_read_write(reports, prefix="reports/")
    bucket.grant_read_write(billing, prefix="billing/")
    world = StackWorld(json.loads(json.dumps(synth_json(fresh_stack))))
    docs = world.bucket("Docs")
    user, identity = world.user("Reports")
    assert s3(world, user, "s3:PutObject", docs, "reports/2026/q4.pdf", identity) is Decision.ALLOW, why()
    assert s3(world, user, "s3:GetObject", docs, "billing/2026/invoice.pdf", identity) is Decision.IMPLICIT_DENY, why()
    assert s3(world, user, "s3:PutObject", docs, "billing/2026/invoice.pdf", identity) is Decision.IMPLICIT_DENY, why()
    assert s3(world, user, "s3:ListBucket", docs, None, identity, **{"s3:prefix": "billing/"}) is Decision.IMPLICIT_DENY, why()
    assert s3(world, user, "s3:ListBucket", docs, None, identity, **{"s3:prefix": "reports/2026/"}) is Decision.ALLOW, why()


# Transport, anonymous ------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "phase", "path"), BUCKETS, ids=lambda v: str(v).replace("/", "."))
def test_insecure_transport_and_old_tls_are_denied_to_everyone(worlds: dict[Combo, StackWorld], env: str, phase: int, path: str) -> None:
    world = worlds[env, phase]
    bucket = world.bucket(path)
    principals = [Principal.role(ACCOUNT, "admin"), CLOUDTRAIL, S3_LOGGING, Principal.anonymous()]
    for principal in principals:
        for action, key in (("s3:GetObject", "a/b.txt"), ("s3:PutObject", "a/b.txt"), ("s3:ListBucket", None)):
            plain = s3(world, principal, action, bucket, key, **{"aws:SecureTransport": False})
            assert plain is Decision.EXPLICIT_DENY, (principal.id, action, why())
            old = s3(world, principal, action, bucket, key, **{"s3:TlsVersion": "1.1"})
            assert old is Decision.EXPLICIT_DENY, (principal.id, action, why())


@pytest.mark.parametrize(("env", "phase", "path"), BUCKETS, ids=lambda v: str(v).replace("/", "."))
def test_anonymous_requests_are_denied(worlds: dict[Combo, StackWorld], env: str, phase: int, path: str) -> None:
    world = worlds[env, phase]
    bucket = world.bucket(path)
    for action, key in (("s3:GetObject", "a/b.txt"), ("s3:PutObject", "a/b.txt"), ("s3:ListBucket", None), ("s3:DeleteObject", "a/b.txt")):
        assert s3(world, Principal.anonymous(), action, bucket, key) is not Decision.ALLOW, (action, why())
    if bucket.key_arn:
        assert kms(world, Principal.anonymous(), "kms:Decrypt", bucket.key_arn) is not Decision.ALLOW, why()


# Audit logs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("env", "phase", "path"), AUDIT_BUCKETS, ids=lambda v: str(v).replace("/", "."))
def test_audit_reader_reads_and_decrypts_audit_logs(worlds: dict[Combo, StackWorld], env: str, phase: int, path: str) -> None:
    """The configured reader may list, read and decrypt (through S3) the logs, in the replica region too."""
    world = worlds[env, phase]
    bucket = world.bucket(path)
    arn = load_all()[env].audit.log_reader_arn
    assert arn is not None
    reader = Principal("AWS", arn, arn.split(":")[4])
    # The reader's role may live in a security account: its own account grants it read and
    # decrypt everywhere, so what is decided here is whether our bucket and key policies admit it.
    identity = [READER_IDENTITY]
    assert s3(world, reader, "s3:GetObject", bucket, LOG_FILE, identity) is Decision.ALLOW, why()
    assert s3(world, reader, "s3:ListBucket", bucket, None, identity) is Decision.ALLOW, why()
    assert bucket.key_arn is not None
    assert kms(world, reader, "kms:Decrypt", bucket.key_arn, identity, **via_s3(bucket)) is Decision.ALLOW, why()
    # Through S3 only: a direct Decrypt call (no kms:ViaService) is not allowed.
    direct = {"kms:CallerAccount": reader.account}
    assert kms(world, reader, "kms:Decrypt", bucket.key_arn, identity, **direct) is Decision.IMPLICIT_DENY, why()
    assert s3(world, reader, "s3:PutObject", bucket, LOG_FILE, [*identity, WRITE_EVERYTHING]) is Decision.IMPLICIT_DENY, why()
    assert s3(world, reader, "s3:DeleteObject", bucket, LOG_FILE, [*identity, WRITE_EVERYTHING]) is Decision.IMPLICIT_DENY, why()


def test_production_has_an_audit_reader() -> None:
    """Every production environment file names its audit log reader (the loader requires it)."""
    configs = load_all()
    assert [name for name, config in configs.items() if config.guardrails.production and config.audit.log_reader_arn is None] == []
    assert any(env == "prod" for env, _, _ in AUDIT_BUCKETS)


@pytest.mark.parametrize(("env", "phase"), sorted({(g.env, g.phase) for g in GRANTS}), ids=_id)
def test_service_identities_cannot_read_or_delete_audit_logs(worlds: dict[Combo, StackWorld], env: str, phase: int) -> None:
    world = worlds[env, phase]
    bucket = world.bucket(AUDIT)
    assert bucket.key_arn is not None
    services = sorted({g.service for g in GRANTS if (g.env, g.phase) == (env, phase)})
    for service in services:
        user, identity = world.user(f"Identity-{service}")
        assert s3(world, user, "s3:GetObject", bucket, LOG_FILE, identity) is not Decision.ALLOW, (service, why())
        assert s3(world, user, "s3:DeleteObject", bucket, LOG_FILE, identity) is not Decision.ALLOW, (service, why())
        assert kms(world, user, "kms:Decrypt", bucket.key_arn, identity, **via_s3(bucket)) is not Decision.ALLOW, (service, why())


# Server access logging -----------------------------------------------------------------------


@pytest.mark.parametrize(("env", "phase", "path"), [b for b in BUCKETS if not b[2].startswith("AccessLogs")], ids=lambda v: str(v).replace("/", "."))
def test_s3_logging_delivers_only_for_listed_source_buckets(worlds: dict[Combo, StackWorld], env: str, phase: int, path: str) -> None:
    world = worlds[env, phase]
    source = world.bucket(path)
    target = world.bucket("AccessLogsReplica" if path.endswith("/Replica") else "AccessLogs")
    listed = {"aws:SourceArn": source.arn, "aws:SourceAccount": ACCOUNT}
    key = f"{source.name}/2026-12-01-00-00-00-ABCDEF"
    assert s3(world, S3_LOGGING, "s3:PutObject", target, key, **listed) is Decision.ALLOW, why()
    unlisted = {"aws:SourceArn": "arn:aws:s3:::someone-elses-bucket", "aws:SourceAccount": ACCOUNT}
    assert s3(world, S3_LOGGING, "s3:PutObject", target, key, **unlisted) is Decision.IMPLICIT_DENY, why()
    other_account = {"aws:SourceArn": source.arn, "aws:SourceAccount": "444455556666"}
    assert s3(world, S3_LOGGING, "s3:PutObject", target, key, **other_account) is Decision.IMPLICIT_DENY, why()

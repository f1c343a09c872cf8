"""Hand-built stacks for the guardrail tests, synthesized through ``app.synth()`` (the path users run).

``Annotations.add_error`` stops ``app.synth()`` but not ``Testing.synth``, so every
guardrail test goes through a real ``App`` writing to a temporary folder.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from constructs import Construct, IConstruct

from constructs_lib.engine.aws import (
    AwsProvider,
    AwsProviderDefaultTags,
    DataAwsIamPolicyDocument,
    DataAwsIamPolicyDocumentStatement,
    DataAwsIamPolicyDocumentStatementCondition,
    DataAwsIamPolicyDocumentStatementPrincipals,
    KmsKey,
    S3Bucket,
    S3BucketLoggingA,
    S3BucketPolicy,
    S3BucketPublicAccessBlock,
    S3BucketServerSideEncryptionConfigurationA,
    S3BucketServerSideEncryptionConfigurationRuleA,
    S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA,
    S3BucketVersioningA,
    S3BucketVersioningVersioningConfiguration,
)
from constructs_lib.engine.core import App, TerraformResource, TerraformStack
from constructs_lib.guardrails import WARNING_METADATA_TYPE, apply_guardrails, error_findings, synthesized_findings, warning_findings
from constructs_lib.guardrails._suppress import METADATA_TYPE, Suppression, suppressions_under

FULL_TAGS = {"Environment": "test", "DataClassification": "phi"}
_FINDING = re.compile(r"^(?P<path>[^:]+): (?P<rule>HC-[A-Z0-9-]+) \((?:error|warning)\): ")


@dataclass
class Outcome:
    """What one guardrail run produced: error and warning lines, and the stack JSON when synthesis passed."""

    errors: list[str]
    warnings: list[str] = field(default_factory=list)
    stack: dict[str, Any] | None = None

    def rules_at(self, *, warnings: bool = False) -> set[tuple[str, str]]:
        """``{(construct path, rule id)}`` of the errors (or warnings)."""
        found = set()
        for line in self.warnings if warnings else self.errors:
            match = _FINDING.match(line)
            assert match, line
            found.add((match["path"], match["rule"]))
        return found

    def rule_ids(self) -> set[str]:
        """Rule ids of the errors."""
        return {rule for _, rule in self.rules_at()}


def _suppressions_in_metadata(nodes: Iterable[IConstruct]) -> set[Suppression]:
    """Every suppression in the node metadata of ``nodes``, read construct by construct (what ``suppressions_under`` must equal)."""
    return {Suppression(e.data["rule"], e.data["reason"], node.node.path) for node in nodes for e in node.node.metadata if e.type == METADATA_TYPE}


def _warnings(app: App) -> list[str]:
    return [
        f"{node.node.path}: {entry.data}"
        for node in app.node.find_all()
        for entry in node.node.metadata
        if entry.type == WARNING_METADATA_TYPE and str(entry.data).startswith("HC-")
    ]


def run_pack(
    tmp_path: Path,
    build: Callable[[TerraformStack], object],
    *,
    production: bool = False,
    tags: dict[str, str] | None = None,
    on_app: bool = False,
) -> Outcome:
    """Build a stack ``test`` (AWS provider with ``tags`` as default tags), apply the pack, ``app.synth()``."""
    outdir = tmp_path / f"out{len(list(tmp_path.glob('out*')))}"
    app = App(outdir=str(outdir))
    stack = TerraformStack(app, "test")
    AwsProvider(stack, "aws", region="us-east-1", default_tags=[AwsProviderDefaultTags(tags=FULL_TAGS if tags is None else tags)])
    build(stack)
    apply_guardrails(app if on_app else stack, production=production)
    try:
        app.synth()
    except RuntimeError as exc:
        assert 'Encountered Annotations with level "ERROR"' in str(exc)
        return Outcome(error_findings(app), _warnings(app))
    # The pack's fast paths read what the slow walks read: suppressions recorded by suppress(), warnings from the manifest.
    assert set(suppressions_under(stack)) == _suppressions_in_metadata(stack.node.find_all())
    assert synthesized_findings(outdir) == warning_findings(app)
    return Outcome([], _warnings(app), json.loads((outdir / "stacks" / "test" / "cdk.tf.json").read_text()))


class RawResource(TerraformResource):
    """A tiny hand-written binding (like the Neon and Railway ones): attributes passed through as given."""

    def __init__(self, scope: Construct, id_: str, resource_type: str, attributes: dict[str, Any], **meta: Any) -> None:
        super().__init__(scope, id_, terraform_resource_type=resource_type, **meta)
        self._attributes = attributes

    def _synthesize_attributes(self) -> dict[str, Any]:
        return dict(self._attributes)


def tls_only_policy(scope: Construct, id_: str, bucket: S3Bucket, *, secure_transport: str = "false") -> DataAwsIamPolicyDocument:
    """The policy document SecureS3 is expected to write: deny every request without TLS."""
    return DataAwsIamPolicyDocument(
        scope,
        id_,
        statement=[
            DataAwsIamPolicyDocumentStatement(
                sid="DenyInsecureTransport",
                effect="Deny",
                actions=["s3:*"],
                resources=[bucket.arn, f"{bucket.arn}/*"],
                principals=[DataAwsIamPolicyDocumentStatementPrincipals(type="*", identifiers=["*"])],
                condition=[DataAwsIamPolicyDocumentStatementCondition(test="Bool", variable="aws:SecureTransport", values=[secure_transport])],
            )
        ],
    )


@dataclass(frozen=True, kw_only=True)
class BucketParts:
    """Which companions ``compliant_bucket`` creates (all by default) and how."""

    encryption: str | None = "aws:kms"
    versioning: str | None = "Enabled"
    public_access_block: bool = True
    restrict_public_buckets: bool = True
    tls_policy: bool = True
    access_logs_to: S3Bucket | None = None


def compliant_bucket(scope: Construct, id_: str, parts: BucketParts = BucketParts()) -> S3Bucket:
    """A bucket with every companion the S3 rules ask for, minus what ``parts`` leaves out."""
    bucket = S3Bucket(scope, id_, bucket=f"test-{id_.lower()}")
    if parts.encryption is not None:
        key_id = KmsKey(scope, f"{id_}Key", enable_key_rotation=True).arn if parts.encryption.startswith("aws:kms") else None
        S3BucketServerSideEncryptionConfigurationA(
            scope,
            f"{id_}Encryption",
            bucket=bucket.id,
            rule=[
                S3BucketServerSideEncryptionConfigurationRuleA(
                    apply_server_side_encryption_by_default=S3BucketServerSideEncryptionConfigurationRuleApplyServerSideEncryptionByDefaultA(
                        sse_algorithm=parts.encryption, kms_master_key_id=key_id
                    ),
                    bucket_key_enabled=True,
                )
            ],
        )
    if parts.versioning is not None:
        S3BucketVersioningA(
            scope, f"{id_}Versioning", bucket=bucket.id, versioning_configuration=S3BucketVersioningVersioningConfiguration(status=parts.versioning)
        )
    if parts.public_access_block:
        S3BucketPublicAccessBlock(
            scope,
            f"{id_}PublicAccess",
            bucket=bucket.id,
            block_public_acls=True,
            block_public_policy=True,
            ignore_public_acls=True,
            restrict_public_buckets=parts.restrict_public_buckets,
        )
    if parts.tls_policy:
        S3BucketPolicy(scope, f"{id_}Policy", bucket=bucket.id, policy=tls_only_policy(scope, f"{id_}PolicyDocument", bucket).json)
    if parts.access_logs_to is not None:
        S3BucketLoggingA(scope, f"{id_}Logging", bucket=bucket.id, target_bucket=parts.access_logs_to.id, target_prefix=f"{id_}/")
    return bucket


def logged_bucket_pair(scope: Construct, data: BucketParts = BucketParts(), logs: BucketParts = BucketParts(encryption="AES256")) -> tuple[S3Bucket, S3Bucket]:
    """A data bucket logging into a log bucket (SSE-S3, as AWS requires for access-log targets)."""
    log_bucket = compliant_bucket(scope, "Logs", logs)
    data_bucket = compliant_bucket(scope, "Data", BucketParts(**{**data.__dict__, "access_logs_to": log_bucket}))
    return data_bucket, log_bucket

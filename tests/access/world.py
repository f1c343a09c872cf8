"""A synthesized stack as AWS would see it after apply: concrete ARNs and policy documents.

The access-evaluation tests ask ``iam_eval`` what AWS decides for concrete requests. For
that, every policy of a ``cdk.tf.json`` must become a plain JSON policy: references such as
``${aws_s3_bucket.X.arn}`` or ``${data.aws_caller_identity.Y.account_id}`` are replaced by the
values the resources will have (a fixed test account, the bucket names the stack gives,
key ARNs built from the resource names). A reference this module does not know raises
``UnresolvedReference``, so a new kind of policy input fails the tests instead of passing.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from tests.access.iam_eval import Principal

ACCOUNT = "111122223333"
"""The account the stack is applied in (what ``data.aws_caller_identity`` returns)."""
RUNNER_ROLE = "terraform-runner"
"""The IAM role Terraform's runs assume in that account (``data.aws_iam_session_context``'s ``issuer_arn``)."""
PARTITION = "aws"

_EXPRESSION = re.compile(r"\$\{([^{}]*)\}")
_REFERENCE = re.compile(r"^(data\.)?([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.([a-z_]+)$")


class UnresolvedReference(Exception):
    """A policy refers to something this model of the stack cannot resolve."""


def _path(block: Mapping[str, Any]) -> str:
    return str(((block.get("//") or {}).get("metadata") or {}).get("path", ""))


def _is_at(name: str, block: Mapping[str, Any], construct_path: str) -> bool:
    """Whether the resource ``name`` is the ``Resource`` child at ``construct_path`` (below the stack).

    Uses the construct path metadata when the synthesis wrote it, else cdktf's logical id
    (the path joined by ``_``, without ``Resource``, plus an 8-digit hash).
    """
    path = _path(block)
    if path:
        return path.split("/", 1)[1] == f"{construct_path}/Resource"
    return re.sub(r"_[0-9A-F]{8}$", "", name) == construct_path.replace("/", "_")


@dataclass(frozen=True, slots=True)
class Topic:
    """One SNS topic of the stack, resolved."""

    resource: str
    """Terraform resource name (``aws_sns_topic.<resource>``)."""
    path: str
    """Construct path of the topic resource (``prod/Alerts/Resource``)."""
    name: str
    arn: str
    region: str
    policy: dict[str, Any] | None
    """The topic policy (``aws_sns_topic_policy``), resolved; None when the topic has none."""
    key_arn: str | None
    """The KMS key that encrypts the topic; None when it is not encrypted with a key of the stack."""


def _policy_variables(value: Any) -> Any:
    """``aws_iam_policy_document`` spells IAM policy variables ``&{...}`` (``${...}`` is Terraform's); the
    rendered policy has ``${...}``, which ``iam_eval`` refuses unless a test substitutes it on purpose."""
    if isinstance(value, str):
        return value.replace("&{", "${")
    if isinstance(value, list):
        return [_policy_variables(v) for v in value]
    if isinstance(value, dict):
        return {k: _policy_variables(v) for k, v in value.items()}
    return value


@dataclass(frozen=True, slots=True)
class EventRule:
    """One EventBridge rule of the stack (default bus), resolved."""

    resource: str
    path: str
    """Construct path of the rule (``prod/FindingRoutes/Rule-guardduty``)."""
    arn: str
    pattern: dict[str, Any]
    targets: tuple[str, ...]
    """ARNs of the rule's targets."""


@dataclass(frozen=True, slots=True)
class Bucket:
    """One S3 bucket of the stack, resolved."""

    resource: str
    """Terraform resource name (``aws_s3_bucket.<resource>``)."""
    path: str
    """Construct path of the bucket resource (``prod/Bucket-audit-logs/Resource``)."""
    name: str
    arn: str
    policy: dict[str, Any] | None
    """The bucket policy (``aws_s3_bucket_policy``), resolved; None when the bucket has none."""
    key_arn: str | None
    """Default-encryption KMS key; None for SSE-S3 buckets."""
    region: str


@dataclass(frozen=True, slots=True)
class Secret:
    """One Secrets Manager secret of the stack, resolved."""

    resource: str
    arn: str
    region: str
    policy: dict[str, Any] | None
    """The resource policy (``aws_secretsmanager_secret_policy``), resolved; None when it has none."""
    key_arn: str | None
    """The KMS key that encrypts it; None for the AWS managed key."""


class StackWorld:
    """The resolved view of one synthesized stack.

    Every AWS provider is in ``ACCOUNT`` unless ``accounts_from_providers``: then a provider pinned to
    exactly one account (``allowed_account_ids``) is in that account (the bootstrap stack, whose
    providers ``aws.<env>`` reach each environment's own account).
    """

    def __init__(self, stack: Mapping[str, Any], *, accounts_from_providers: bool = False) -> None:
        self.stack = stack
        self.resources: Mapping[str, Mapping[str, Any]] = stack.get("resource") or {}
        self.data: Mapping[str, Mapping[str, Any]] = stack.get("data") or {}
        providers = stack.get("provider", {}).get("aws") or []
        keys = [("aws." + p["alias"]) if p.get("alias") else "aws" for p in providers]
        self._regions = {key: p["region"] for key, p in zip(keys, providers, strict=True)}
        self._accounts = {
            key: p["allowed_account_ids"][0]
            for key, p in zip(keys, providers, strict=True)
            if accounts_from_providers and len(p.get("allowed_account_ids") or []) == 1
        }
        self.region = self._regions.get("aws")

    # Reference resolution ----------------------------------------------------------------

    def region_of(self, block: Mapping[str, Any]) -> str:
        """Region of a resource: its provider's (``aws.replica``) or the default provider's."""
        return self._regions[block.get("provider") or "aws"]

    def account_of(self, block: Mapping[str, Any]) -> str:
        """Account of a resource: ``ACCOUNT``, or its provider's pinned account (``accounts_from_providers``)."""
        return self._accounts.get(block.get("provider") or "aws", ACCOUNT)

    def _block(self, rtype: str, name: str, *, data: bool = False) -> Mapping[str, Any]:
        try:
            return (self.data if data else self.resources)[rtype][name]
        except KeyError:
            raise UnresolvedReference(f"{'data.' if data else ''}{rtype}.{name} is not in the stack") from None

    def reference(self, expression: str) -> str:
        """The value of one ``type.name.attribute`` reference after apply."""
        match = _REFERENCE.match(expression.strip())
        if not match:
            raise UnresolvedReference(f"not a plain reference: ${{{expression}}}")
        data, rtype, name, attribute = bool(match[1]), match[2], match[3], match[4]
        block = self._block(rtype, name, data=data)
        value = self._attribute(rtype, name, block, attribute, data)
        if value is None:
            raise UnresolvedReference(f"${{{expression}}}: attribute {attribute!r} is not modelled")
        return value

    def _attribute(self, rtype: str, name: str, block: Mapping[str, Any], attribute: str, data: bool) -> str | None:
        region = self.region_of(block)
        account = self.account_of(block)
        if data:
            return {
                ("aws_caller_identity", "account_id"): account,
                ("aws_caller_identity", "arn"): f"arn:{PARTITION}:sts::{account}:assumed-role/{RUNNER_ROLE}/terraform-run",
                ("aws_iam_session_context", "issuer_arn"): f"arn:{PARTITION}:iam::{account}:role/{RUNNER_ROLE}",
                ("aws_partition", "partition"): PARTITION,
                ("aws_region", "region"): region,
                ("aws_region", "name"): region,
                ("aws_iam_policy_document", "json"): json.dumps(self.document(name)) if attribute == "json" else None,
            }.get((rtype, attribute))
        if rtype == "aws_s3_bucket":
            bucket = self.resolve(block["bucket"])
            return {"arn": f"arn:{PARTITION}:s3:::{bucket}", "id": bucket, "bucket": bucket}.get(attribute)
        if rtype == "aws_kms_key":
            return {"arn": f"arn:{PARTITION}:kms:{region}:{account}:key/{name}", "key_id": name, "id": name}.get(attribute)
        if rtype in ("aws_iam_role", "aws_iam_user", "aws_iam_policy", "aws_iam_group"):
            kind = rtype.removeprefix("aws_iam_")
            resolved_name = self.resolve(block["name"])
            path = block.get("path") or "/"
            return {"arn": f"arn:{PARTITION}:iam::{account}:{kind}{path}{resolved_name}", "name": resolved_name, "id": resolved_name}.get(attribute)
        if rtype == "aws_iam_openid_connect_provider":
            issuer = self.resolve(block["url"]).removeprefix("https://")
            return {"arn": f"arn:{PARTITION}:iam::{account}:oidc-provider/{issuer}"}.get(attribute)
        if rtype == "aws_sns_topic":
            topic = self.resolve(block["name"])
            return {"arn": f"arn:{PARTITION}:sns:{region}:{account}:{topic}", "name": topic, "id": topic}.get(attribute)
        if rtype == "aws_cloudwatch_log_group":
            group = self.resolve(block["name"])
            return {"arn": f"arn:{PARTITION}:logs:{region}:{account}:log-group:{group}", "name": group}.get(attribute)
        if rtype == "aws_secretsmanager_secret":
            secret = self.resolve(block["name"])
            arn = f"arn:{PARTITION}:secretsmanager:{region}:{account}:secret:{secret}-AbCdEf"  # AWS appends 6 random characters
            return {"arn": arn, "id": arn, "name": secret}.get(attribute)
        if rtype == "aws_cloudwatch_event_rule":
            rule = self.resolve(block["name"])
            bus = block.get("event_bus_name")
            if bus not in (None, "default"):
                raise UnresolvedReference(f"aws_cloudwatch_event_rule.{name}: rules on bus {bus!r} are not modelled")
            return {"arn": f"arn:{PARTITION}:events:{region}:{account}:rule/{rule}", "name": rule, "id": rule}.get(attribute)
        if rtype == "aws_cloudtrail":
            trail = self.resolve(block["name"])
            return {"arn": f"arn:{PARTITION}:cloudtrail:{region}:{account}:trail/{trail}", "name": trail}.get(attribute)
        return None

    def resolve(self, value: Any) -> Any:
        """``value`` with every ``${reference}`` replaced, recursively through lists and dicts."""
        if isinstance(value, str):
            return _EXPRESSION.sub(lambda m: self.reference(m[1]), value)
        if isinstance(value, list):
            return [self.resolve(v) for v in value]
        if isinstance(value, dict):
            return {k: self.resolve(v) for k, v in value.items()}
        return value

    # Policy documents --------------------------------------------------------------------

    def document(self, name: str) -> dict[str, Any]:
        """``data.aws_iam_policy_document.<name>`` as the policy JSON Terraform renders."""
        block = self._block("aws_iam_policy_document", name, data=True)
        unsupported = set(block) - {"//", "statement", "version", "provider"}  # a data source's provider changes no rendering
        if unsupported:
            raise UnresolvedReference(f"data.aws_iam_policy_document.{name}: {sorted(unsupported)} not modelled")
        statements = []
        for raw in block.get("statement") or []:
            statement: dict[str, Any] = {"Effect": raw.get("effect", "Allow")}
            if raw.get("sid"):
                statement["Sid"] = raw["sid"]
            for source, target in (("actions", "Action"), ("not_actions", "NotAction"), ("resources", "Resource"), ("not_resources", "NotResource")):
                if raw.get(source):
                    statement[target] = self.resolve(raw[source])
            if raw.get("not_principals"):
                statement["NotPrincipal"] = raw["not_principals"]
            principals = raw.get("principals") or []
            if principals:
                if any(p["type"] == "*" for p in principals):
                    statement["Principal"] = "*"
                else:
                    merged: dict[str, list[str]] = {}
                    for p in principals:
                        merged.setdefault(p["type"], []).extend(self.resolve(p["identifiers"]))
                    statement["Principal"] = merged
            conditions: dict[str, dict[str, list[str]]] = {}
            for c in raw.get("condition") or []:
                values = conditions.setdefault(c["test"], {}).setdefault(c["variable"], [])
                values.extend(self.resolve(c["values"]))
            if conditions:
                statement["Condition"] = conditions
            statements.append(statement)
        return {"Version": "2012-10-17", "Statement": _policy_variables(statements)}

    def policy(self, value: Any) -> dict[str, Any]:
        """A resource's ``policy`` argument (a document reference, or JSON text with references) as policy JSON."""
        if isinstance(value, dict):
            return self.resolve(value)
        resolved = self.resolve(value)
        return json.loads(resolved)

    # Resources of interest ---------------------------------------------------------------

    def _references(self, value: Any, rtype: str) -> set[str]:
        text = value if isinstance(value, str) else json.dumps(value)
        return set(re.findall(rf"\$\{{{re.escape(rtype)}\.([A-Za-z0-9_-]+)\.", text))

    def buckets(self) -> Iterator[Bucket]:
        """Every S3 bucket with its bucket policy and default-encryption key."""
        policies = self.resources.get("aws_s3_bucket_policy", {})
        encryption = self.resources.get("aws_s3_bucket_server_side_encryption_configuration", {})
        for name, block in self.resources.get("aws_s3_bucket", {}).items():
            policy = [p for p in policies.values() if name in self._references(p["bucket"], "aws_s3_bucket")]
            keys = [
                key
                for e in encryption.values()
                if name in self._references(e["bucket"], "aws_s3_bucket")
                for rule in e["rule"]
                for default in [rule["apply_server_side_encryption_by_default"]]
                for key in self._references(default.get("kms_master_key_id", ""), "aws_kms_key")
            ]
            yield Bucket(
                resource=name,
                path=_path(block),
                name=self.reference(f"aws_s3_bucket.{name}.bucket"),
                arn=self.reference(f"aws_s3_bucket.{name}.arn"),
                policy=self.policy(policy[0]["policy"]) if policy else None,
                key_arn=self.reference(f"aws_kms_key.{keys[0]}.arn") if keys else None,
                region=self.region_of(block),
            )

    def bucket(self, construct_path: str) -> Bucket:
        """The bucket whose resource sits at ``<stack>/<construct_path>/Resource``."""
        for bucket in self.buckets():
            if _is_at(bucket.resource, self.resources["aws_s3_bucket"][bucket.resource], construct_path):
                return bucket
        raise KeyError(construct_path)

    def lifecycle_rules(self, bucket: Bucket) -> list[dict[str, Any]]:
        """The rules of every ``aws_s3_bucket_lifecycle_configuration`` of ``bucket``, resolved."""
        if self.resources["aws_s3_bucket"][bucket.resource].get("lifecycle_rule"):
            raise UnresolvedReference(f"aws_s3_bucket.{bucket.resource}.lifecycle_rule (the deprecated inline form) is not modelled")
        configs = self.resources.get("aws_s3_bucket_lifecycle_configuration", {}).values()
        return [self.resolve(rule) for c in configs if bucket.resource in self._references(c["bucket"], "aws_s3_bucket") for rule in c["rule"]]

    def tiering_configurations(self, bucket: Bucket) -> list[dict[str, Any]]:
        """Every ``aws_s3_bucket_intelligent_tiering_configuration`` of ``bucket``, resolved."""
        configs = self.resources.get("aws_s3_bucket_intelligent_tiering_configuration", {}).values()
        return [self.resolve(dict(c)) for c in configs if bucket.resource in self._references(c["bucket"], "aws_s3_bucket")]

    def identities(self) -> list[str]:
        """Construct paths (below the stack) of every IAM user, such as ``Identity-provider``, for ``user``."""
        users = self.resources.get("aws_iam_user", {}).values()
        return sorted(_path(block).split("/", 1)[1].removesuffix("/Resource") for block in users)

    def key_policy(self, key_arn: str) -> dict[str, Any]:
        """The key policy of the KMS key with ``key_arn``."""
        name = key_arn.rsplit("/", 1)[1]
        return self.policy(self._block("aws_kms_key", name)["policy"])

    def key(self, construct_path: str) -> str:
        """The ARN of the KMS key whose resource sits at ``<stack>/<construct_path>/Resource`` (``FieldKey-patient``)."""
        for name, block in self.resources.get("aws_kms_key", {}).items():
            if _is_at(name, block, construct_path):
                return self.reference(f"aws_kms_key.{name}.arn")
        raise KeyError(construct_path)

    def user_paths(self) -> list[str]:
        """The construct path (below the stack, without ``/Resource``) of every IAM user of the stack."""
        paths = []
        for name, block in self.resources.get("aws_iam_user", {}).items():
            path = _path(block)
            if not path:
                raise UnresolvedReference(f"aws_iam_user.{name} has no construct path metadata")
            paths.append(path.split("/", 1)[1].removesuffix("/Resource"))
        return sorted(paths)

    def trail_arn(self) -> str:
        (name,) = self.resources["aws_cloudtrail"]
        return self.reference(f"aws_cloudtrail.{name}.arn")

    def user(self, construct_path: str) -> tuple[Principal, list[dict[str, Any]]]:
        """The IAM user at ``<stack>/<construct_path>/Resource`` and every identity policy it gets through its groups."""
        for name, block in self.resources.get("aws_iam_user", {}).items():
            if _is_at(name, block, construct_path):
                user_name = self.resolve(block["name"])
                break
        else:
            raise KeyError(construct_path)
        groups = {
            group
            for membership in self.resources.get("aws_iam_user_group_membership", {}).values()
            if name in self._references(membership["user"], "aws_iam_user")
            for group in self._references(membership["groups"], "aws_iam_group")
        }
        if self.resources.get("aws_iam_user_policy_attachment") or self.resources.get("aws_iam_user_policy"):
            raise UnresolvedReference("policies attached to users directly are not modelled")
        policies = [
            self.policy(self._block("aws_iam_policy", policy)["policy"])
            for attachment in self.resources.get("aws_iam_group_policy_attachment", {}).values()
            if self._references(attachment["group"], "aws_iam_group") & groups
            for policy in self._references(attachment["policy_arn"], "aws_iam_policy")
        ]
        principal = Principal(kind="AWS", id=self.reference(f"aws_iam_user.{name}.arn"), account=ACCOUNT)
        assert principal.id.endswith(f"/{user_name}")
        return principal, policies

    def topics(self) -> Iterator[Topic]:
        """Every SNS topic with its topic policy and its KMS key."""
        policies = self.resources.get("aws_sns_topic_policy", {})
        for name, block in self.resources.get("aws_sns_topic", {}).items():
            policy = [p for p in policies.values() if name in self._references(p["arn"], "aws_sns_topic")]
            keys = self._references(block.get("kms_master_key_id", ""), "aws_kms_key")
            yield Topic(
                resource=name,
                path=_path(block),
                name=self.reference(f"aws_sns_topic.{name}.name"),
                arn=self.reference(f"aws_sns_topic.{name}.arn"),
                region=self.region_of(block),
                policy=self.policy(policy[0]["policy"]) if policy else None,
                key_arn=self.reference(f"aws_kms_key.{next(iter(keys))}.arn") if keys else None,
            )

    def event_rules(self) -> Iterator[EventRule]:
        """Every EventBridge rule with its pattern and the ARNs its targets deliver to."""
        targets = self.resources.get("aws_cloudwatch_event_target", {}).values()
        for name, block in self.resources.get("aws_cloudwatch_event_rule", {}).items():
            yield EventRule(
                resource=name,
                path=_path(block),
                arn=self.reference(f"aws_cloudwatch_event_rule.{name}.arn"),
                pattern=json.loads(self.resolve(block["event_pattern"])),
                targets=tuple(self.resolve(t["arn"]) for t in targets if name in self._references(t["rule"], "aws_cloudwatch_event_rule")),
            )

    def topic(self, construct_path: str) -> Topic:
        """The topic whose resource sits at ``<stack>/<construct_path>`` (``Alerts/Resource``, ``AuditTrail/Topics/Alerts``)."""
        for topic in self.topics():
            if topic.path.split("/", 1)[1] == construct_path:
                return topic
        raise KeyError(construct_path)

    def secret(self, construct_path: str) -> Secret:
        """The Secrets Manager secret at ``<stack>/<construct_path>/Resource``, its resource policy and key."""
        for name, block in self.resources.get("aws_secretsmanager_secret", {}).items():
            if _is_at(name, block, construct_path):
                break
        else:
            raise KeyError(construct_path)
        policies = [
            p
            for p in self.resources.get("aws_secretsmanager_secret_policy", {}).values()
            if name in self._references(p["secret_arn"], "aws_secretsmanager_secret")
        ]
        keys = self._references(block.get("kms_key_id", ""), "aws_kms_key")
        return Secret(
            resource=name,
            arn=self.reference(f"aws_secretsmanager_secret.{name}.arn"),
            region=self.region_of(block),
            policy=self.policy(policies[0]["policy"]) if policies else None,
            key_arn=self.reference(f"aws_kms_key.{next(iter(keys))}.arn") if keys else None,
        )

    def managed_policy(self, construct_path: str) -> dict[str, Any]:
        """The document of the ``aws_iam_policy`` at ``<stack>/<construct_path>``, resolved."""
        for block in self.resources.get("aws_iam_policy", {}).values():
            if _path(block).split("/", 1)[1] == construct_path:
                return self.policy(block["policy"])
        raise KeyError(construct_path)

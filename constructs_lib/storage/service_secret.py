"""``ServiceSecret``: values a service outside Railway fetches at start, in AWS Secrets Manager, for it alone."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from constructs import Construct

from .._aws.iam import AwsAccount, Condition, PolicyDocument, statement
from .._aws.perms import KMS_SECRET_READ_ACTIONS, KMS_SECRET_WRITE_ACTIONS, SECRET_READ_ACTIONS
from .._provider_requirements import AWS, require_provider
from ..checkov_gate import accept
from ..engine.aws import IamPolicy, SecretsmanagerSecret, SecretsmanagerSecretPolicy, SecretsmanagerSecretVersion
from ..engine.core import Fn, TerraformResource, TerraformResourceLifecycle, Token
from ..errors import Problems
from ._bucket_key import BucketKey
from .service_identity import ServiceIdentity

_NAME_RE = re.compile(r"^[A-Za-z0-9_-]+(/[A-Za-z0-9_-]+)*$")
_KEY_RE = re.compile(r"^[A-Z][A-Z0-9_]{0,127}$")
NAME_MAX = 200
"""Secrets Manager allows 512 characters; the key alias ``alias/secret/<name>`` allows 256."""

ROTATION_REASON = (
    "the value is a set of connection strings Terraform builds from generated passwords; it changes when "
    "those are rotated (terraform apply -replace on the random_password), so a rotation Lambda has nothing to do"
)
"""Published as the secret's accepted checkov CKV2_AWS_57 finding (see ``constructs_lib.checkov_gate``)."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ServiceSecretProps:
    """Settings for ServiceSecret."""

    name: str
    """Secret name: segments of letters, digits, ``_`` and ``-`` joined by ``/``, at most 200 characters
    (``healthcare-prod/ai/analytics-database``)."""
    reader: ServiceIdentity
    """The one identity that may read the value (Terraform's runs, which write it, are the only others)."""
    values: Mapping[str, str]
    """The JSON object stored, by key (``UPPER_SNAKE_CASE``, like the environment variables they become); each
    value a reference to a sensitive Terraform value (a connection string, a generated password), never text."""
    description: str = ""
    """Shown in the Secrets Manager console. Default: none."""
    recovery_window_days: int = 30
    """Days a deleted secret can still be restored, 7..30. Default: 30 (the longest)."""
    protect_from_destroy: bool = True
    """``prevent_destroy`` on the secret and its key. Default: on."""


class ServiceSecret(Construct):
    """A Secrets Manager secret, encrypted with its own KMS key, that only its reader may read.

    Creates ``Key`` (a customer-managed key, rotation on, alias ``alias/secret/<name>``), ``Resource``
    (``aws_secretsmanager_secret``), ``Value`` (its version: ``jsonencode(values)``, a reference, so
    never in ``cdk.tf.json``), ``Policy`` (the resource policy: ``secretsmanager:GetSecretValue`` is
    denied to every principal but the reader and the principal Terraform runs as, administrators
    included) and ``ReaderPolicy`` (a customer-managed IAM policy on the reader's group: read this
    secret, decrypt with this key through Secrets Manager). The key policy lets the account administer
    the key, the reader decrypt through Secrets Manager, and Terraform's principal encrypt and decrypt
    through Secrets Manager (it writes the value, and reads it back at every refresh).

    The value is also in Terraform state, like the passwords it is built from. It follows them: a
    rotated password changes the value at the next apply (``secret_string``, not the write-only
    ``secret_string_wo``, whose value Terraform never compares and so would leave stale).
    """

    def __init__(self, scope: Construct, id_: str, props: ServiceSecretProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        problems = Problems(self.node.path)
        if len(props.name) > NAME_MAX or not _NAME_RE.match(props.name):
            problems.add("name", props.name, f"segments of letters, digits, '_' and '-' joined by '/', at most {NAME_MAX} characters")
        if not 7 <= props.recovery_window_days <= 30:
            problems.add("recovery_window_days", props.recovery_window_days, "7..30")
        if not props.values:
            problems.add("values", dict(props.values), "at least one key")
        for key, value in props.values.items():
            if not _KEY_RE.match(key):
                problems.add("values", key, "keys in UPPER_SNAKE_CASE (A-Z, 0-9, '_'), at most 128 characters")
            if not Token.is_unresolved(value):
                problems.add(f"values[{key!r}]", "<literal>", "a reference to a sensitive value (a literal would be written into cdk.tf.json)")
        problems.raise_if_any()

        account = AwsAccount.of(self)
        runner = account.runner_arn
        reader = props.reader.grant_principal_arn
        lifecycle = TerraformResourceLifecycle(prevent_destroy=True) if props.protect_from_destroy else None
        via_secrets_manager = Condition("StringEquals", "kms:ViaService", (f"secretsmanager.{account.region}.amazonaws.com",))
        caller_account = Condition("StringEquals", "kms:CallerAccount", (account.account_id,))
        self.key = BucketKey(
            self, "Key", alias_name=f"secret/{props.name}", description=f"Secrets Manager secret {props.name}", protect_from_destroy=props.protect_from_destroy
        )
        self.key.add_to_policy(
            statement(
                sid="ReaderDecryptsThroughSecretsManager",
                actions=KMS_SECRET_READ_ACTIONS,
                resources=["*"],
                principal_type="AWS",
                principals=[reader],
                conditions=[via_secrets_manager, caller_account],
            ),
            statement(
                sid="TerraformWritesThroughSecretsManager",
                actions=KMS_SECRET_WRITE_ACTIONS,
                resources=["*"],
                principal_type="AWS",
                principals=[runner],
                conditions=[via_secrets_manager, caller_account],
            ),
        )
        self.resource = SecretsmanagerSecret(
            self,
            "Resource",
            name=props.name,
            description=props.description or None,
            kms_key_id=self.key.key_arn,
            recovery_window_in_days=props.recovery_window_days,
            lifecycle=lifecycle,
        )
        accept(self.resource, "CKV2_AWS_57", ROTATION_REASON)
        self.value = SecretsmanagerSecretVersion(self, "Value", secret_id=self.resource.id, secret_string=Fn.jsonencode(dict(props.values)))
        self.policy_document = PolicyDocument(
            self,
            "PolicyDocument",
            [
                statement(
                    sid="OnlyTheReaderAndTerraformReadTheValue",
                    effect="Deny",
                    actions=SECRET_READ_ACTIONS,
                    resources=["*"],
                    principal_type="AWS",
                    principals=["*"],
                    conditions=[Condition("StringNotEquals", "aws:PrincipalArn", (reader, runner))],
                )
            ],
        )
        self.policy = SecretsmanagerSecretPolicy(self, "Policy", secret_arn=self.resource.arn, policy=self.policy_document.json, block_public_policy=True)
        reader_document = PolicyDocument(
            self,
            "ReaderPolicyDocument",
            [
                statement(sid="ReadTheSecret", actions=SECRET_READ_ACTIONS, resources=[self.resource.arn]),
                statement(sid="DecryptThroughSecretsManager", actions=KMS_SECRET_READ_ACTIONS, resources=[self.key.key_arn], conditions=[via_secrets_manager]),
            ],
        )
        self.reader_policy = IamPolicy(
            self,
            "ReaderPolicy",
            name=f"{props.reader.grantee_name}-secret-{props.name.replace('/', '-')}"[:128],
            path=props.reader.policy_path,
            description=f"Read the Secrets Manager secret {props.name}",
            policy=reader_document.json,
        )
        self.reader_attachment: TerraformResource = props.reader.attach_policy(self, "ReaderPolicyAttachment", policy_arn=self.reader_policy.arn)

    @property
    def secret_arn(self) -> str:
        """The secret's ARN (a token): what the reader passes to ``GetSecretValue``."""
        return self.resource.arn

    @property
    def secret_name(self) -> str:
        """The secret's name (a token)."""
        return self.resource.name

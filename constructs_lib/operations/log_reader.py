"""``ApplicationLogReader``: the one role that may read the services' application logs, and who may assume it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field

from constructs import Construct

from .._aws.iam import PolicyDocument, statement
from .._aws.perms import LOGS_QUERY_RESULT_ACTIONS, LOGS_READ_ACTIONS
from .._provider_requirements import AWS, require_provider
from ..engine.aws import IamPolicy, IamRole, IamRolePolicyAttachment
from ..errors import Problems
from .telemetry import ServiceTelemetry

_ROLE_ARN_RE = re.compile(r"^arn:aws[a-z-]*:iam::\d{12}:role/[A-Za-z0-9+=,.@_/-]{1,512}$")
_NAME_RE = re.compile(r"^[A-Za-z0-9+=,.@_-]{1,56}$")
MAX_SESSION_SECONDS = 3600
"""A reading session lasts at most an hour."""


@dataclass(frozen=True, kw_only=True, slots=True)
class ApplicationLogReaderProps:
    """Settings for ApplicationLogReader."""

    name: str
    """Role name prefix (``<project>-<env>``): the role is ``<name>-app-log-reader``, its policy ``<name>-app-logs-read``."""
    reader_arns: Sequence[str]
    """IAM roles that may assume the reader role (the audit reader, on-call roles); at least one, at most 10."""
    telemetry: Sequence[ServiceTelemetry] = field(default_factory=tuple)
    """The log groups the role reads. Default: none (add more with ``add``)."""


class ApplicationLogReader(Construct):
    """``Resource`` (``aws_iam_role`` ``<name>-app-log-reader``, one-hour sessions) assumable only by ``reader_arns``,
    with ``ReadPolicy`` (``<name>-app-logs-read``): describe, get, filter, query and live-tail the application log
    groups, nothing else. No service identity is among the readers; the services' own grants are write-only.

    CloudWatch Logs decrypts encrypted groups for readers itself (its service principal uses the group's key), so the
    role needs no KMS permission. A principal of another account also needs ``sts:AssumeRole`` on the role in its own
    account's policies.
    """

    def __init__(self, scope: Construct, id_: str, props: ApplicationLogReaderProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        problems = Problems(self.node.path)
        if not isinstance(props.name, str) or not _NAME_RE.match(props.name):
            problems.add("name", props.name, "1..56 letters, digits and +=,.@_-")
        arns = tuple(props.reader_arns)
        if not 1 <= len(arns) <= 10 or len(set(arns)) != len(arns):
            problems.add("reader_arns", arns, "1..10 distinct IAM role ARNs")
        for arn in arns:
            if not isinstance(arn, str) or not _ROLE_ARN_RE.match(arn):
                problems.add("reader_arns", arn, "an IAM role ARN (arn:aws:iam::<account>:role/<name>)")
        problems.raise_if_any()
        self._groups: list[ServiceTelemetry] = []
        trust = PolicyDocument(
            self,
            "TrustPolicy",
            [statement(sid="NamedReadersOnly", actions=["sts:AssumeRole"], resources=(), principal_type="AWS", principals=list(arns))],
        )
        self.resource = IamRole(
            self,
            "Resource",
            name=f"{props.name}-app-log-reader",
            description="Reads the application log groups (audit reader and on-call)",
            assume_role_policy=trust.json,
            max_session_duration=MAX_SESSION_SECONDS,
        )
        self._document = PolicyDocument(self, "ReadDocument")
        self.read_policy = IamPolicy(
            self,
            "ReadPolicy",
            name=f"{props.name}-app-logs-read",
            path="/platform/",
            description="Read the application log groups of the environment's services",
            policy=self._document.json,
        )
        IamRolePolicyAttachment(self, "ReadAttachment", role=self.resource.name, policy_arn=self.read_policy.arn)
        self._document.add(statement(sid="ListGroupsAndStopQueries", actions=LOGS_QUERY_RESULT_ACTIONS, resources=["*"]))
        for telemetry in props.telemetry:
            self.add(telemetry)

    def add(self, telemetry: ServiceTelemetry) -> None:
        """Let the role read ``telemetry``'s log group (the group and its streams)."""
        self._groups.append(telemetry)
        self._document.put(
            "ReadApplicationLogGroups",
            statement(
                sid="ReadApplicationLogGroups",
                actions=LOGS_READ_ACTIONS,
                resources=[arn for t in self._groups for arn in (t.log_group_arn, f"{t.log_group_arn}:*")],
            ),
        )

    @property
    def role_arn(self) -> str:
        return self.resource.arn

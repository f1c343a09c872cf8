"""``CostBudget``: a monthly AWS cost budget that warns on forecast and on actual spend."""

from __future__ import annotations

import re
from dataclasses import dataclass

from constructs import Construct

from .._provider_requirements import AWS, require_provider
from ..engine.aws import BudgetsBudget, BudgetsBudgetNotification
from ..engine.core import Token
from ..errors import ValidationError
from ..value_rules import check_email
from .alert_topic import AlertTopic
from .settings import BudgetSettings, budget_settings_problems, settings_values

MAX_EMAIL_SUBSCRIBERS = 10
"""AWS Budgets: a notification has at most one SNS subscriber and ten email subscribers."""
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 _.-]{0,99}$")


@dataclass(frozen=True, kw_only=True, slots=True)
class CostBudgetProps(BudgetSettings):
    """Settings for CostBudget: the budget's values (``BudgetSettings``, every keyword of it) and whom it notifies."""

    name: str
    """Budget name, unique in the account (``<project>-<env>-monthly``)."""
    alert_topic: AlertTopic | None
    """SNS subscriber of both notifications (its ``budgets_may_publish`` must be on), or None for emails only.
    Required: a budget nobody hears about is no control, so the route is an explicit choice."""
    emails: tuple[str, ...] = ()
    """Email subscribers of both notifications (at most 10). Default: none (then ``alert_topic`` is required)."""

    @classmethod
    def from_settings(cls, settings: BudgetSettings, *, name: str, alert_topic: AlertTopic | None, emails: tuple[str, ...] = ()) -> CostBudgetProps:
        """Props from ``settings`` (an environment file's ``[budget]`` section is one) and the budget's name and subscribers."""
        return cls(**settings_values(settings, BudgetSettings), name=name, alert_topic=alert_topic, emails=emails)


class CostBudget(Construct):
    """``Resource``: an ``aws_budgets_budget`` (COST, MONTHLY, USD) over everything the account is charged,
    with a FORECASTED notification at ``forecast_threshold_percent`` and an ACTUAL one at
    ``actual_threshold_percent``, each to the alert topic and the emails.

    A budget sees only this AWS account's bill: other vendors (Neon, Railway, Cloudflare) are not in it.
    """

    def __init__(self, scope: Construct, id_: str, props: CostBudgetProps) -> None:
        super().__init__(scope, id_)
        require_provider(self, AWS)
        _validate(self.node.path, props)
        self._props = props
        topics = [props.alert_topic.topic_arn] if props.alert_topic is not None else None
        emails = list(props.emails) or None

        def notify(kind: str, percent: int) -> BudgetsBudgetNotification:
            return BudgetsBudgetNotification(
                comparison_operator="GREATER_THAN",
                notification_type=kind,
                threshold=percent,
                threshold_type="PERCENTAGE",
                subscriber_sns_topic_arns=topics,
                subscriber_email_addresses=emails,
            )

        self.resource = BudgetsBudget(
            self,
            "Resource",
            name=props.name,
            budget_type="COST",
            time_unit="MONTHLY",
            limit_amount=str(props.monthly_limit_usd),
            limit_unit="USD",
            notification=[
                notify("FORECASTED", props.forecast_threshold_percent),
                notify("ACTUAL", props.actual_threshold_percent),
            ],
            # Budgets checks that it may publish to the topic when the notification is created.
            depends_on=[props.alert_topic.policy, props.alert_topic.key] if props.alert_topic is not None else None,
        )

    @property
    def budget_name(self) -> str:
        return self._props.name

    @property
    def summary_markdown(self) -> str:
        """What the budget watches and when it notifies, as Markdown (the operations dashboard shows it)."""
        props = self._props
        return (
            f"## AWS budget: {props.monthly_limit_usd} USD a month\n"
            f"Budget `{props.name}` notifies at {props.forecast_threshold_percent} % forecast and "
            f"{props.actual_threshold_percent} % actual spend. It sees this AWS account only: Neon, Railway and "
            f"Cloudflare bill separately (their spend limits are set in each vendor's console)."
        )


def _validate(path: str, props: CostBudgetProps) -> None:
    def fail(field: str, value: object, allowed: str) -> None:
        raise ValidationError(path, field, value, allowed)

    if not isinstance(props.name, str) or not _NAME_RE.match(props.name):
        fail("name", props.name, "1..100 letters, digits, spaces, '_', '.' or '-'")
    for problem in budget_settings_problems(props, is_unresolved=Token.is_unresolved):
        fail(*problem)
    if props.alert_topic is not None:
        if not isinstance(props.alert_topic, AlertTopic):
            fail("alert_topic", props.alert_topic, "an AlertTopic")
        if not props.alert_topic.budgets_may_publish:
            fail("alert_topic", props.alert_topic.node.path, "an AlertTopic with budgets_may_publish=True (else Budgets cannot publish to it)")
    if not isinstance(props.emails, tuple) or len(props.emails) > MAX_EMAIL_SUBSCRIBERS:
        fail("emails", props.emails, f"a tuple of at most {MAX_EMAIL_SUBSCRIBERS} addresses (an AWS Budgets limit)")
    for address in props.emails:
        try:
            check_email(address)
        except ValueError as exc:
            fail("emails", address, str(exc))
    if props.alert_topic is None and not props.emails:
        fail("emails", props.emails, "at least one address when there is no alert_topic (a notification needs a subscriber)")

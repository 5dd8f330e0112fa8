# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A schema-valid event's ``data`` in the types the handlers post with.

Dates become ``date`` objects, money becomes ``Decimal`` (never float: a
change order of "1250.10" must post as 1250.10), and an absent ``status``
means approved: a platform without an approval step only sends final data.
"""

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

# Overrides a finance user can set when reposting (the job keeps them as a
# diff beside the untouched payload): Odoo record ids by mapping kind, and:
OVERRIDABLE_VALUES = ("date", "quantity")
QUANTITY_FIELDS = ("hours", "quantity")


@dataclass(frozen=True)
class Activity:
    event_type: str
    status: str  # "submitted", "approved" or "rejected"
    on_date: date  # the date the cost belongs to
    data: dict
    records: dict = field(default_factory=dict)  # mapping kind -> Odoo record id chosen by finance

    @property
    def approved(self):
        return self.status == "approved"

    def amount(self, name="amount"):
        value = self.data.get(name)
        return None if value is None else Decimal(str(value))

    @property
    def quantity(self):
        """Hours or quantity, whichever the event type has."""
        return next((self.data[name] for name in QUANTITY_FIELDS if name in self.data), None)


def _status(event_type, data):
    if event_type.startswith("timesheet."):
        return event_type.split(".", 1)[1]
    return data.get("status", "approved")


def _datetime(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _activity_date(event):
    """The data's own date; a change order has none: when it happened."""
    data = event["data"]
    for name in ("date", "period_end"):
        if name in data:
            return date.fromisoformat(data[name])
    return _datetime(data.get("completed_at") or event["occurred_at"]).date()


def normalise(event, overrides=None):
    """The event's activity, with a finance user's overrides applied."""
    overrides = overrides or {}
    data = dict(event["data"])
    on_date = _activity_date(event)
    if overrides.get("date"):
        on_date = date.fromisoformat(overrides["date"])
        for name in ("date", "period_end"):
            if name in data:
                data[name] = overrides["date"]
    if overrides.get("quantity"):
        for name in QUANTITY_FIELDS:
            if name in data:
                data[name] = overrides["quantity"]
    return Activity(
        event_type=event["type"],
        status=_status(event["type"], data),
        on_date=on_date,
        data=data,
        records={kind: value for kind, value in overrides.items() if kind not in OVERRIDABLE_VALUES and value},
    )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A schema-valid event's ``data`` in the types the handlers post with.

Dates become ``date`` objects, money becomes ``Decimal`` (never float: a
change order of "1250.10" must post as 1250.10), and an absent ``status``
means approved: a platform without an approval step only sends final data.
"""

from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal


@dataclass(frozen=True)
class Activity:
    event_type: str
    status: str  # "submitted", "approved" or "rejected"
    on_date: date  # the date the cost belongs to
    data: dict

    @property
    def approved(self):
        return self.status == "approved"

    def amount(self, field="amount"):
        value = self.data.get(field)
        return None if value is None else Decimal(str(value))


def _status(event_type, data):
    if event_type.startswith("timesheet."):
        return event_type.split(".", 1)[1]
    return data.get("status", "approved")


def _datetime(text):
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def _activity_date(event):
    """The data's own date; a change order has none: when it happened."""
    data = event["data"]
    for field in ("date", "period_end"):
        if field in data:
            return date.fromisoformat(data[field])
    return _datetime(data.get("completed_at") or event["occurred_at"]).date()


def normalise(event):
    data = event["data"]
    return Activity(
        event_type=event["type"],
        status=_status(event["type"], data),
        on_date=_activity_date(event),
        data=data,
    )

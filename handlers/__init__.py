# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Posting handlers, one small module per event family, registered here.

A handler is ``handler(env, job, event) -> records``: it turns a validated
event into Odoo records, in ``env`` (the connector's integration user and
company), and returns what it created, for lineage. It raises a failure of
``lib.failures`` when it cannot post.
"""

HANDLERS = {}


def register(*event_types):
    """Class-less registration: ``@register("timesheet.approved")``."""

    def decorator(handler):
        for event_type in event_types:
            HANDLERS[event_type] = handler
        return handler

    return decorator


# Each handler module registers itself with the registry above.
from . import labour  # noqa: E402

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Posting handlers, one small module per event family, registered here.

A handler is ``handler(env, job, activity)``: it turns a validated,
normalised event (``lib.normalise.Activity``) into Odoo records, in ``env``
(the connector's integration user and company), linking each to the job for
lineage. It raises a failure of ``lib.failures`` when it cannot post. A
class (``common.Activity``) can also post many jobs at once.
"""

from .common import post_one_by_one

HANDLERS = {}


def register(*event_types):
    """``@register("timesheet.approved")`` on a function or a class."""

    def decorator(handler):
        for event_type in event_types:
            HANDLERS[event_type] = handler
        return handler

    return decorator


def post_many(handler, env, items):
    """Post [(job, activity)]; returns {job id: failure} of those that could
    not post. A failing job's writes are undone, the others' are kept; an
    unexpected error escapes (the queue then runs each job alone)."""
    if hasattr(handler, "handle_many"):
        return handler.handle_many(env, items)
    return post_one_by_one(handler, env, items)


# Each handler module registers itself with the registry above.
from . import change_order  # noqa: E402
from . import equipment  # noqa: E402
from . import labour  # noqa: E402
from . import material  # noqa: E402
from . import subcontract  # noqa: E402
from . import work_order  # noqa: E402

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""How long one batch of jobs may keep starting jobs.

Odoo kills a cron run that goes over its real-time limit (120 s by
default), and the batch in flight is rolled back: a batch of slow postings
(vendor bills, say) too big for the limit would be claimed again and killed
again, forever. The limit is for the whole run, in which Odoo calls the
queue up to 10 times (and runs the other crons that are due). So a batch
starts no job after a twentieth of the limit: it commits what it did, the
jobs it did not start stay ready, and a batch that ran out of time ends
the run (the queue starts a fresh one), so the run stays well inside it.
"""

import time

# Context key on a batch's jobs: the time.monotonic() after which the batch
# starts no new job.
DEADLINE_KEY = "construction_batch_deadline"
BATCH_SECONDS = 30.0  # with no limit set
LIMIT_SHARE = 20


def batch_seconds(limit_time_real_cron, limit_time_real):
    """Seconds a batch may start jobs for, given Odoo's limits. A cron
    limit of -1 means "as limit_time_real", and so does 0 for Odoo's
    threaded server (no limit for its workers): take the stricter reading."""
    limit = limit_time_real_cron if limit_time_real_cron > 0 else limit_time_real
    return min(BATCH_SECONDS, limit / LIMIT_SHARE) if limit > 0 else BATCH_SECONDS


def out_of_time(context):
    """Whether the batch whose jobs carry ``context`` should start no new job."""
    deadline = context.get(DEADLINE_KEY)
    return deadline is not None and time.monotonic() > deadline

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What can go wrong with a job, and what the queue does about it.

Each failure names the state the job moves to and its error class (the
fixed vocabulary of DESIGN.md), so the queue needs no table of its own.
"""


class JobFailure(Exception):
    """Unexpected: the job is dead until someone requeues it."""

    state = "dead"
    error_class = "internal"


class InvalidEvent(JobFailure):
    """The payload cannot be read or does not match its schema: never retried."""

    state = "quarantined"
    error_class = "validation"


class NoHandler(JobFailure):
    """No posting handler exists for this event type."""


class MissingMapping(JobFailure):
    """An external code has no Odoo record yet: wait for the mapping."""

    state = "waiting_mapping"
    error_class = "mapping"

    def __init__(self, kind, code, message=None):
        super().__init__(message or f"no {kind} mapping for {code!r}")
        self.kind = kind
        self.code = code


class TransientFailure(JobFailure):
    """Worth retrying later with backoff: a remote platform down, something
    not there yet. (A database conflict retries the whole batch instead.)"""

    state = "retrying"
    error_class = "transient"


class AwaitingApproval(JobFailure):
    """The connector's policy wants a Finance user to approve this job first."""

    state = "waiting_approval"
    error_class = "approval"


class LockedPeriod(JobFailure):
    """The posting date is inside a locked accounting period: held for
    finance (change the date, or reopen the period and requeue), not forced."""

    error_class = "locked_period"


class MissingCommitment(TransientFailure):
    """Progress was claimed against a commitment that is not in Odoo yet (the
    change order may still be on its way): retry with backoff."""

    error_class = "conflict"


class Deferred(JobFailure):
    """The batch ran out of time before this job: it stays as it is, ready
    for the next batch. Not a failure of the job; nothing is recorded."""

    state = None
    error_class = None

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

    def __init__(self, kind, code):
        super().__init__(f"no {kind} mapping for {code!r}")
        self.kind = kind
        self.code = code


class TransientFailure(JobFailure):
    """Worth retrying later: lock or serialization conflict, a remote down."""

    state = "retrying"
    error_class = "transient"

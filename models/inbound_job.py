# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import json
import logging
import os
import time
from datetime import timedelta
from pathlib import Path

from psycopg2 import OperationalError
from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.exceptions import AccessError
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL

from ..handlers import HANDLERS
from ..lib.backoff import retry_delay
from ..lib.failures import AwaitingApproval, InvalidEvent, JobFailure, MissingMapping, NoHandler, TransientFailure
from ..lib.json_safety import BodyError, parse_body
from ..lib.normalise import normalise
from ..lib.schemas import SchemaError, classify
from ..lib.sources import source_of
from .mapping import MAPPING_KINDS

_logger = logging.getLogger(__name__)

# What the platform sent stays as it arrived: reposting stores overrides
# beside it, never over it.
PROTECTED_FIELDS = frozenset(
    {
        "connector_id",
        "company_id",
        "event_id",
        "event_type",
        "event_version",
        "payload",
        "payload_raw",
        "headers",
        "received_at",
    }
)
FINISHED_STATES = ("done", "ignored")
READY_STATES = ("received", "retrying")
GC_CHUNK = 1000
PARAM = "construction_connector."
# Test-only fault injection (tests/test_crash_recovery.py): after this many
# jobs of a batch, note the pid in the marker file and hang, to be killed.
CRASH_TEST_PAUSE_AFTER = "CONSTRUCTION_CONNECTOR_CRASH_TEST_PAUSE_AFTER"
CRASH_TEST_MARKER = "CONSTRUCTION_CONNECTOR_CRASH_TEST_MARKER"

JOB_STATES = [
    ("received", "Received"),
    ("waiting_mapping", "Waiting for Mapping"),
    ("waiting_approval", "Waiting for Approval"),
    ("retrying", "Retrying"),
    ("done", "Done"),
    ("dead", "Dead"),
    ("quarantined", "Quarantined"),
    ("ignored", "Ignored"),
    ("cancelled", "Cancelled"),
]

ERROR_CLASSES = [
    ("validation", "Validation"),
    ("mapping", "Mapping"),
    ("approval", "Approval"),
    ("locked_period", "Locked Period"),
    ("transient", "Transient"),
    ("conflict", "Conflict"),
    ("internal", "Internal"),
]


class ConstructionInboundJob(models.Model):
    _name = "construction.inbound.job"
    _description = "Construction Inbound Job"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "event_id"

    connector_id = fields.Many2one(
        "construction.connector", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="connector_id.company_id", store=True, index=True)
    event_id = fields.Char(required=True, readonly=True, help="The platform's idempotency key.")
    event_type = fields.Char(readonly=True, index=True)
    event_version = fields.Char(readonly=True)
    state = fields.Selection(JOB_STATES, required=True, default="received", index=True, tracking=True)
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    error_class = fields.Selection(ERROR_CLASSES, readonly=True, tracking=True)
    last_error = fields.Text(readonly=True)
    received_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    missing_kind = fields.Selection(MAPPING_KINDS, readonly=True, help="Waiting for a mapping of this kind...")
    missing_code = fields.Char(readonly=True, index=True, help="... for this external code.")
    record_type = fields.Char(readonly=True, help="Kind of source record the event is about.")
    source_id = fields.Char(readonly=True, index=True, help="The platform's id of that record.")
    revision = fields.Integer(readonly=True)
    approved_by_id = fields.Many2one("res.users", string="Approved in Odoo by", readonly=True, tracking=True)
    approved_at = fields.Datetime(string="Approved in Odoo on", readonly=True)
    # Lineage: what this job posted.
    analytic_line_ids = fields.One2many(
        "account.analytic.line", "construction_job_id", string="Posted Lines", readonly=True
    )
    purchase_line_ids = fields.One2many(
        "purchase.order.line", "construction_job_id", string="Commitment Lines", readonly=True
    )
    bill_ids = fields.One2many("account.move", "construction_job_id", string="Vendor Bills", readonly=True)
    task_ids = fields.One2many("project.task", "construction_job_id", string="Updated Phases", readonly=True)
    payload = fields.Text(readonly=True, help="The request body exactly as received.")
    payload_raw = fields.Binary(
        attachment=False,
        readonly=True,
        help="The body's exact bytes when they are not text (not UTF-8, NUL bytes): kept for finance and support.",
    )
    headers = fields.Text(readonly=True, help="The request headers that matter, as JSON.")

    _sql_constraints = [
        (
            "event_unique_per_connector",
            "UNIQUE(connector_id, event_id)",
            "This event was already received by this connector.",
        ),
    ]

    def init(self):
        # The claim query only ever looks at ready jobs: keep that scan small.
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS construction_inbound_job_ready_idx"
            " ON construction_inbound_job (id) WHERE state IN ('received', 'retrying')"
        )

    def write(self, vals):
        if PROTECTED_FIELDS.intersection(vals):
            raise AccessError(
                self.env._(
                    "The received event cannot be changed: %s. Repost with overrides instead.",
                    ", ".join(sorted(PROTECTED_FIELDS.intersection(vals))),
                )
            )
        return super().write(vals)

    def action_requeue(self):
        """Back to the queue, now (the back-office buttons call this)."""
        self._requeue()
        return True

    def action_approve(self):
        """Finance approves jobs the connector's policy holds: they post now."""
        jobs = self.filtered(lambda job: job.state == "waiting_approval")
        jobs.write({"approved_by_id": self.env.uid, "approved_at": fields.Datetime.now()})
        jobs._requeue()
        return True

    def action_reject(self):
        """Finance rejects held jobs: they never post."""
        for job in self.filtered(lambda job: job.state == "waiting_approval"):
            job.write({"state": "cancelled", "next_attempt_at": False})
            job.message_post(body=self.env._("Rejected in Odoo: nothing was posted."))
        return True

    def _requeue(self):
        self.write({"state": "received", "next_attempt_at": False, "missing_kind": False, "missing_code": False})
        self.env.ref("construction_connector.ir_cron_process_inbound_jobs")._trigger()

    # Processing: the cron claims a batch, each job runs in its own savepoint.

    @api.model
    def _cron_process_jobs(self, batch_size=None):
        """Process one batch of ready jobs and report progress to the cron.

        Odoo's cron commits after each call and calls again while jobs
        remain, so this is one batch per transaction: a crash loses at most
        the batch in flight, which is claimed again, nothing posted twice.
        Nothing may escape: Odoo deactivates a cron that keeps failing.
        """
        try:
            params = self.env["ir.config_parameter"].sudo()
            batch_size = batch_size or int(params.get_param(PARAM + "batch_size", 200))
            jobs = self._claim(batch_size)
            for processed, job in enumerate(jobs, 1):
                job._run_one()
                _pause_for_crash_test(processed)
            remaining = self._count_ready()
            self.env["ir.cron"]._notify_progress(done=len(jobs), remaining=remaining)
            if remaining:
                # Odoo calls again up to 10 batches, then only reschedules for
                # "as soon as possible", which a cron worker notices at its
                # next poll (up to a minute): a trigger wakes it at commit.
                self.env.ref("construction_connector.ir_cron_process_inbound_jobs")._trigger()
        except Exception:
            _logger.exception("construction job processing failed; the batch will be claimed again")
            self.env.cr.rollback()

    @api.model
    def _claim(self, limit, tries=3):
        """Lock up to ``limit`` ready jobs; jobs locked by another worker are skipped.

        Called first in its transaction. Under REPEATABLE READ, a job another
        worker finished after our snapshot cannot be locked (serialization
        failure): nothing is done yet, so roll back and claim again afresh.
        """
        self.flush_model(["state", "next_attempt_at"])
        query = SQL(
            """SELECT id FROM construction_inbound_job
                WHERE state IN %s AND (next_attempt_at IS NULL OR next_attempt_at <= %s)
                ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED""",
            READY_STATES,
            fields.Datetime.now(),
            limit,
        )
        for attempt in range(1, tries + 1):
            try:
                self.env.cr.execute(query)
                return self.browse(row[0] for row in self.env.cr.fetchall())
            except SerializationFailure:
                if attempt == tries:
                    raise
                self.env.cr.rollback()

    @api.model
    def _count_ready(self):
        return self.search_count(
            [
                ("state", "in", READY_STATES),
                "|",
                ("next_attempt_at", "=", False),
                ("next_attempt_at", "<=", fields.Datetime.now()),
            ]
        )

    def _run_one(self):
        self.ensure_one()
        try:
            with self.env.cr.savepoint():
                note = self._process()
        except JobFailure as failure:
            self._fail(failure)
        except OperationalError as error:
            if not isinstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY):
                raise
            self._fail(TransientFailure(str(error)))
        except Exception as error:  # a poison job must not stop the others
            _logger.exception("construction job %s failed", self.id)
            self._fail(JobFailure(f"{type(error).__name__}: {error}"))
        else:
            self._succeed(note)

    def _process(self):
        """parse -> validate -> normalise -> revision gate -> handler -> lineage.

        Returns a note for the chatter, or raises a lib.failures failure.
        """
        event = self._read_event()
        if classify(event) == "unknown_type":
            raise InvalidEvent(f"unknown event type {event['type']!r}")
        record_type, source_id, revision = source_of(event)
        self.write({"record_type": record_type, "source_id": source_id, "revision": revision})
        Revision = self.env["construction.source.revision"].sudo()
        newest = Revision._newest_applied(self.connector_id.id, record_type, source_id)
        if newest is not None and revision <= newest:
            return self.env._(
                "Revision %(revision)s of %(record)s is not newer than the applied revision %(newest)s: no effect.",
                revision=revision,
                record=source_id,
                newest=newest,
            )
        handler = HANDLERS.get(self.event_type)
        if handler is None:
            raise NoHandler(f"no posting handler for event type {self.event_type!r}")
        connector = self.connector_id
        activity = normalise(event)
        if not self.approved_by_id and (reason := connector._approval_reason(activity)):
            raise AwaitingApproval(reason)
        handler(self.with_user(connector.user_id).with_company(connector.company_id).env, self, activity)
        Revision.create(
            {
                "connector_id": connector.id,
                "record_type": record_type,
                "source_id": source_id,
                "revision": revision,
                "job_id": self.id,
            }
        )
        return None

    def _read_event(self):
        body = self.payload.encode() if self.payload else base64.b64decode(self.payload_raw or b"")
        try:
            event = parse_body(body)
            classify(event)
        except (BodyError, SchemaError) as error:
            raise InvalidEvent(str(error)) from None
        return event

    def _succeed(self, note):
        self.write(
            {
                "state": "done",
                "attempts": self.attempts + 1,
                "error_class": False,
                "last_error": False,
                "next_attempt_at": False,
                "missing_kind": False,
                "missing_code": False,
            }
        )
        if note:
            self.message_post(body=note)

    def _fail(self, failure):
        attempts = self.attempts + 1
        values = {
            "state": failure.state,
            "attempts": attempts,
            "error_class": failure.error_class,
            "last_error": str(failure)[:4000],
            "next_attempt_at": False,
        }
        if isinstance(failure, MissingMapping):
            values.update(missing_kind=failure.kind, missing_code=failure.code)
        if failure.state == "retrying":
            max_attempts = int(self.env["ir.config_parameter"].sudo().get_param(PARAM + "max_attempts", 5))
            if attempts >= max_attempts:
                values["state"] = "dead"
            else:
                base = int(self.env["ir.config_parameter"].sudo().get_param(PARAM + "retry_base_seconds", 60))
                delay = retry_delay(attempts, base=base)
                values["next_attempt_at"] = fields.Datetime.now() + timedelta(seconds=delay)
        self.write(values)

    @api.model
    def _release_waiting(self, kind, codes, connector=None):
        """Requeue the jobs waiting for a mapping of ``kind`` for one of ``codes``."""
        domain = [("state", "=", "waiting_mapping"), ("missing_kind", "=", kind), ("missing_code", "in", list(codes))]
        if connector:
            domain.append(("connector_id", "=", connector.id))
        jobs = self.sudo().search(domain)
        if jobs:
            jobs._requeue()
        return jobs

    @api.autovacuum
    def _gc_finished_jobs(self):
        """Delete done and ignored jobs untouched for the retention period, in
        chunks. Dead, quarantined and waiting jobs are never deleted here:
        someone still has to look at them."""
        days = int(self.env["ir.config_parameter"].sudo().get_param("construction_connector.retention_days", 90))
        if days <= 0:
            return
        cutoff = fields.Datetime.now() - timedelta(days=days)
        domain = [("state", "in", FINISHED_STATES), ("write_date", "<", cutoff)]
        while jobs := self.sudo().with_context(active_test=False).search(domain, limit=GC_CHUNK):
            jobs.unlink()
            if len(jobs) < GC_CHUNK:
                break
            # Commit each chunk (autovacuum runs in a cron): a long backlog must
            # not become one huge transaction holding locks on the queue.
            if not self.env.registry.in_test_mode():
                self.env.cr.commit()

    def _insert_incoming(self, settings, incoming, headers):
        """Count the request against the rate limit and store its events, in
        one statement: returns (within_limit, [(job_id, created)] in the
        order of ``incoming``). Over the limit, nothing is stored.

        INSERT ... ON CONFLICT DO NOTHING: two deliveries of one event may
        race, and Odoo replays a request after a serialization error; the
        unique (connector_id, event_id) key decides, not Python. The same
        statement leaves a trigger for the processing cron.
        """
        now = fields.Datetime.now()
        headers_json = json.dumps(headers, sort_keys=True)
        first = {}
        for event in incoming:
            first.setdefault(event.event_id, event)
        rows = [
            {
                "connector_id": settings.connector_id,
                "company_id": settings.company_id,
                "event_id": event.event_id,
                "event_type": event.event_type,
                "event_version": event.event_version,
                "state": event.state,
                **_payload_columns(event.payload),
                "headers": headers_json,
                "error_class": "validation" if event.state == "quarantined" else None,
                "last_error": event.error,
                "received_at": str(now),
                "attempts": 0,
                "create_date": str(now),
                "write_date": str(now),
                "create_uid": self.env.uid,
                "write_uid": self.env.uid,
            }
            for event in first.values()
        ]
        columns = SQL(", ").join(SQL.identifier(column) for column in rows[0])
        cron_id = self.env["ir.model.data"]._xmlid_to_res_id("construction_connector.ir_cron_process_inbound_jobs")
        count_hit = self.env["construction.rate.limiter"]._count_hit_sql(
            settings.connector_id, settings.rate_limit_per_minute, time.time()
        )
        self.env.cr.execute(
            SQL(
                """WITH %(count_hit)s,
                   inserted AS (
                       INSERT INTO construction_inbound_job (%(columns)s)
                       SELECT %(columns)s FROM jsonb_populate_recordset(NULL::construction_inbound_job, %(rows)s)
                        WHERE (SELECT ok FROM allowed)
                       ON CONFLICT (connector_id, event_id) DO NOTHING
                       RETURNING event_id, id, state),
                   wake_up AS (
                       INSERT INTO ir_cron_trigger (cron_id, call_at, create_uid, write_uid, create_date, write_date)
                       SELECT %(cron)s, %(now)s, %(uid)s, %(uid)s, %(now)s, %(now)s
                        WHERE EXISTS (SELECT 1 FROM inserted WHERE state = 'received'))
                   SELECT allowed.ok, inserted.event_id, inserted.id, inserted.state = 'received'
                     FROM allowed LEFT JOIN inserted ON TRUE""",
                count_hit=count_hit,
                columns=columns,
                rows=json.dumps(rows),
                cron=cron_id,
                now=now,
                uid=self.env.uid,
            )
        )
        rows = self.env.cr.fetchall()  # at least one: the "allowed" row, joined to what was inserted
        if not rows[0][0]:
            return False, []
        created, wake_cron = {}, False
        for _allowed, event_id, job_id, needs_wake in rows:
            if event_id:
                created[event_id] = job_id
                wake_cron |= needs_wake
        if wake_cron:
            # Each request commits its own trigger row, with its jobs: a run
            # of the cron in progress deletes only the triggers its snapshot
            # saw, so this wake-up cannot be swept away with an older one.
            # The notification is what wakes an idle cron worker at once.
            self.env.cr.postcommit.add(self.env["ir.cron"].browse(cron_id)._notifydb)
        missing = [event_id for event_id in first if event_id not in created]
        existing = {}
        if missing:
            self.env.cr.execute(
                SQL(
                    "SELECT event_id, id FROM construction_inbound_job WHERE connector_id = %s AND event_id IN %s",
                    settings.connector_id,
                    tuple(missing),
                )
            )
            existing = dict(self.env.cr.fetchall())
        results, seen = [], set()
        for event in incoming:
            is_new = event.event_id in created and event.event_id not in seen
            seen.add(event.event_id)
            results.append((created.get(event.event_id) or existing.get(event.event_id), is_new))
        return True, results


def _pause_for_crash_test(processed):
    if os.environ.get(CRASH_TEST_PAUSE_AFTER) == str(processed):
        Path(os.environ[CRASH_TEST_MARKER]).write_text(str(os.getpid()))
        time.sleep(3600)


def _payload_columns(body):
    """Text when the bytes are text, else base64 in payload_raw as the ORM stores binaries."""
    if b"\x00" not in body:
        try:
            return {"payload": body.decode("utf-8"), "payload_raw": None}
        except UnicodeDecodeError:
            pass
    return {"payload": None, "payload_raw": base64.b64encode(body).decode()}

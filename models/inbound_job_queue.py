# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import base64
import logging
import os
import time
from collections import defaultdict
from datetime import timedelta
from pathlib import Path

from psycopg2.errors import SerializationFailure

from odoo import api, fields, models
from odoo.service.model import PG_CONCURRENCY_EXCEPTIONS_TO_RETRY
from odoo.tools import SQL, config

from ..handlers import HANDLERS, post_many
from ..lib.backoff import retry_delay
from ..lib.batch_time import DEADLINE_KEY, batch_seconds, out_of_time
from ..lib.failures import AwaitingApproval, Deferred, InvalidEvent, JobFailure, MissingMapping, NoHandler
from ..lib.json_safety import BodyError, parse_body
from ..lib.normalise import normalise
from ..lib.schemas import SchemaError, classify
from ..lib.sources import source_of
from .inbound_job import READY_STATES
from .inbound_job_intake import WAKE_RECHECK_SECONDS

_logger = logging.getLogger(__name__)

PARAM = "construction_connector."
CONFLICT_RETRY_SECONDS = 5
# Jobs per batch (system parameter construction_connector.batch_size). A
# batch costs some 40 ms of CPU whatever its size (a fresh transaction looks
# up again the mappings, plans and lock dates its jobs share): 5% of posting
# 1,000 timesheets, for a few MiB more in the cron worker than at 500.
DEFAULT_BATCH_SIZE = 1000
# Test-only fault injection (tests/test_crash_recovery.py): once a batch has
# posted this many jobs, note the pid in the marker file and hang, to be killed.
CRASH_TEST_PAUSE_AFTER = "CONSTRUCTION_CONNECTOR_CRASH_TEST_PAUSE_AFTER"
CRASH_TEST_MARKER = "CONSTRUCTION_CONNECTOR_CRASH_TEST_MARKER"


class ConstructionInboundJob(models.Model):
    """The queue: the cron claims a batch and posts it, together where it
    can, each job alone where something breaks."""

    _inherit = "construction.inbound.job"

    @api.model
    def _cron_process_jobs(self, batch_size=None):
        """Process one batch of ready jobs and report progress to the cron.

        Odoo's cron commits after each call and calls again while jobs
        remain, so this is one batch per transaction: a crash loses at most
        the batch in flight, which is claimed again, nothing posted twice.
        A batch starts no job after its share of Odoo's time limit
        (lib.batch_time), so that no batch is too slow ever to finish.
        Nothing may escape: Odoo deactivates a cron that keeps failing.
        """
        started = time.monotonic()
        try:
            params = self.env["ir.config_parameter"].sudo()
            batch_size = batch_size or int(params.get_param(PARAM + "batch_size", DEFAULT_BATCH_SIZE))
            deadline = started + batch_seconds(config["limit_time_real_cron"], config["limit_time_real"])
            if self._previous_run_was_killed():
                jobs, done = self._claim_suspect()
            else:
                jobs, done = self._claim(batch_size), 0
            done += jobs.with_context(**{DEADLINE_KEY: deadline})._run_batch()
            _pause_for_crash_test(len(jobs))
            remaining = self._count_ready()
            if not remaining and self.env.context.get("cron_id") and not self.env.registry.in_test_mode():
                remaining = self._look_again_before_idling(started)
            # Out of time, end Odoo's run: its time limit covers all its calls.
            ran_out = time.monotonic() > deadline
            self.env["ir.cron"]._notify_progress(done=done, remaining=0 if ran_out else remaining)
            if remaining:
                # Odoo calls again up to 10 batches, then only reschedules for
                # "as soon as possible", which a cron worker notices at its
                # next poll (up to a minute): a trigger wakes it at commit.
                self._trigger_processing()
        except Exception as error:
            self.env.cr.rollback()
            if _is_concurrency_error(error):
                # Another transaction changed what the batch posts to (a
                # task's hours, say): the whole batch again, afresh, soon.
                _logger.info("construction job batch conflicted with another transaction; retrying it")
                self._trigger_processing(fields.Datetime.now() + timedelta(seconds=CONFLICT_RETRY_SECONDS))
            else:
                _logger.exception("construction job processing failed; the batch will be claimed again")

    @api.model
    def _trigger_processing(self, at=None):
        self.env.ref("construction_connector.ir_cron_process_inbound_jobs")._trigger(at)

    @api.model
    def _look_again_before_idling(self, started):
        """How many jobs are ready, looked at with a fresh snapshot at least
        WAKE_RECHECK_SECONDS after this run ``started``.

        The intake skips waking the cron when its process did so less than
        WAKE_INTERVAL_SECONDS ago: the jobs of such a skipped wake-up may
        have been committed after this run's snapshot, and only this look
        finds them.
        """
        # Commit the batch first: it must not wait on the sleep below.
        self.env.cr.commit()
        time.sleep(max(0.0, started + WAKE_RECHECK_SECONDS - time.monotonic()))
        return self._count_ready()

    @api.model
    def _claim(self, limit, tries=3, only=None):
        """Lock up to ``limit`` ready jobs (``only`` that one, if given); jobs
        locked by another worker are skipped.

        Called first in its transaction. Under REPEATABLE READ, a job another
        worker finished after our snapshot cannot be locked (serialization
        failure): nothing is done yet, so roll back and claim again afresh.
        """
        self.flush_model(["state", "next_attempt_at"])
        query = SQL(
            "SELECT id FROM construction_inbound_job WHERE %s %s ORDER BY id LIMIT %s FOR UPDATE SKIP LOCKED",
            _ready_now(),
            SQL("AND id = %s", only) if only else SQL(),
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
    def _previous_run_was_killed(self):
        """Whether Odoo counts the cron run before this one as timed out: it
        died in the middle (over its time limit, out of memory, killed)."""
        progress_id = self.env.context.get("ir_cron_progress_id")
        # Odoo gives a run's first call 1 + the number of runs before it that
        # died one after the other.
        return bool(progress_id) and self.env["ir.cron.progress"].sudo().browse(progress_id).timed_out_counter > 1

    @api.model
    def _claim_suspect(self):
        """After a run that died: (the first ready job, locked, alone; 0), or
        (no job; 1) when a run died posting that job alone already, and it
        is now dead. A job that kills every batch it is in would otherwise
        stop the queue for good (and have Odoo deactivate the cron).

        Which job is suspect, and that it is, is committed before posting
        it: the run may die again.
        """
        self.flush_model(["state", "next_attempt_at", "killed_runs"])
        with self.env.registry.cursor() as cr:
            cr.execute(
                SQL(
                    "SELECT id, killed_runs FROM construction_inbound_job WHERE %s"
                    " ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED",
                    _ready_now(),
                )
            )
            row = cr.fetchone()
            if not row:
                return self.browse(), 0
            job_id, killed_runs = row
            suspect = self.with_env(self.env(cr=cr)).browse(job_id)
            if killed_runs:
                _logger.error("construction job %s: the cron run died twice posting it; it is dead", job_id)
                suspect._fail(
                    JobFailure(
                        self.env._(
                            "The cron run died twice while posting this job, the second time with this job alone "
                            "(over Odoo's time limit, or out of memory): find out why in the server log, then requeue."
                        )
                    )
                )
                return self.browse(), 1
            _logger.warning("construction job queue: the previous cron run died; job %s runs alone first", job_id)
            suspect.write({"killed_runs": 1})
        return self._claim(1, only=job_id), 0

    @api.model
    def _count_ready(self):
        self.flush_model(["state", "next_attempt_at"])
        self.env.cr.execute(SQL("SELECT count(*) FROM construction_inbound_job WHERE %s", _ready_now()))
        return self.env.cr.fetchone()[0]

    def _run_batch(self):
        """Post these jobs together, in one savepoint. If anything unexpected
        breaks it, run each job again alone: a poison job fails by itself.

        Returns how many jobs got an outcome: once the batch is out of time
        (lib.batch_time), the jobs it has not started stay ready.
        """
        if not self:
            return 0
        try:
            with self.env.cr.savepoint():
                outcomes, later = self._post_batch()
        except Exception as error:
            if _is_concurrency_error(error):
                # Under REPEATABLE READ each job alone would meet the same
                # conflict: the cron retries the batch in a new transaction.
                raise
            if len(self) > 1:
                done = 0
                for index, job in enumerate(self):
                    if index and out_of_time(self.env.context):
                        break
                    # The first runs whatever the time the batch took: a
                    # poison job must not keep every batch from progressing.
                    done += (job if index else job.with_context(**{DEADLINE_KEY: None}))._run_batch()
                return done
            outcomes, later = {self: _unexpected(self, error)}, self.browse()
        self._record_outcomes(outcomes)
        done = len(outcomes)
        # A second event of a source record in the same batch: after the first.
        if later and not out_of_time(self.env.context):
            done += later._run_batch()
        return done

    def _post_batch(self):
        """parse -> validate -> normalise -> revision gate -> approval gate ->
        handlers -> lineage, for the whole batch.

        Returns ({job: None, a note, or a failure}, jobs to run after these).
        """
        outcomes, ready, later, seen, descriptions, lookups = {}, [], self.browse(), set(), {}, {}
        for job in self:
            try:
                event = job._read_event()
            except JobFailure as failure:
                outcomes[job] = failure
                continue
            record_type, source_id, revision = source_of(event)
            activity = normalise(event, job.overrides)
            descriptions[job.id] = {
                "record_type": record_type,
                "source_id": source_id,
                "revision": revision,
                **job._describe_activity(activity, lookups),
            }
            key = (job.connector_id.id, record_type, source_id)
            if key in seen:
                later |= job
                continue
            seen.add(key)
            ready.append((job, activity))
        self._write_descriptions(descriptions)
        newest = self.env["construction.source.revision"].sudo()._newest_applied_many(seen)
        groups = defaultdict(list)  # (handler, connector) -> [(job, activity)]
        for job, activity in ready:
            applied = newest.get((job.connector_id.id, job.record_type, job.source_id))
            if applied is not None and job.revision <= applied:
                outcomes[job] = self.env._(
                    "Revision %(revision)s of %(record)s is not newer than the applied revision %(newest)s: no effect.",
                    revision=job.revision,
                    record=job.source_id,
                    newest=applied,
                )
            elif (handler := HANDLERS.get(job.event_type)) is None:
                outcomes[job] = NoHandler(f"no posting handler for event type {job.event_type!r}")
            elif not job.approved_by_id and (reason := job.connector_id._approval_reason(activity)):
                outcomes[job] = AwaitingApproval(reason)
            else:
                groups[handler, job.connector_id].append((job, activity))
        posted = self.browse()
        for (handler, connector), items in groups.items():
            env = self.with_user(connector.user_id).with_company(connector.company_id).env
            failures = post_many(handler, env, items)
            for job, _activity in items:
                outcome = failures.get(job.id)
                if isinstance(outcome, Deferred):
                    continue  # not started, out of time: no outcome, the job stays ready
                outcomes[job] = outcome
                if outcome is None:
                    posted |= job
        self.env["construction.source.revision"].sudo()._record_applied(posted)
        return outcomes, later

    def _describe_activity(self, activity, lookups=None):
        """Where the activity belongs and how much it is, for finance's
        searches and the reconciliation; an unmapped code is left empty.
        ``lookups`` remembers the codes this batch looked up: Mapping._lookup
        is cached, but a call to the cache still costs some 27 µs, twice a job."""
        Mapping = self.env["construction.mapping"].sudo()
        lookups = {} if lookups is None else lookups

        def record_id(kind):
            if kind in activity.records:
                return activity.records[kind]
            code = activity.data.get(kind)
            if not code:
                return None
            key = (self.connector_id.id, kind, code, activity.on_date)
            if key not in lookups:
                lookups[key] = Mapping._lookup(self.connector_id, kind, code, activity.on_date)[0]
            return lookups[key]

        amount = activity.amount() if "amount" in activity.data else None
        return {
            "project_id": record_id("project") or False,
            "cost_code_id": record_id("cost_code") or False,
            "activity_date": activity.on_date,
            "activity_status": activity.status,
            "source_quantity": activity.quantity or 0.0,
            "source_amount": float(amount) if amount is not None else 0.0,
        }

    def _write_descriptions(self, descriptions):
        """Write each job's description ({job id: values}) in one UPDATE:
        the ORM's write costs more per job than the posting of a timesheet.
        None of these fields is tracked, protected or a dependency."""
        if not descriptions:
            return
        columns = {
            "record_type": "varchar",
            "source_id": "varchar",
            "revision": "int4",
            "project_id": "int4",
            "cost_code_id": "int4",
            "activity_date": "date",
            "activity_status": "varchar",
            "source_quantity": "float8",
            "source_amount": "float8",
        }
        rows = list(descriptions.values())
        self.env.cr.execute(
            SQL(
                "UPDATE construction_inbound_job AS job SET %s, write_date = %s, write_uid = %s"
                " FROM unnest(%s::int4[], %s) AS described(id, %s) WHERE job.id = described.id",
                SQL(", ").join(
                    SQL("%s = described.%s", SQL.identifier(name), SQL.identifier(name)) for name in columns
                ),
                fields.Datetime.now(),
                self.env.uid,
                list(descriptions),
                SQL(", ").join(
                    SQL("%s::%s[]", [None if row[name] is False else row[name] for row in rows], SQL(sql_type))
                    for name, sql_type in columns.items()
                ),
                SQL(", ").join(map(SQL.identifier, columns)),
            )
        )
        self.browse(list(descriptions)).invalidate_recordset([*columns, "write_date", "write_uid"])

    def _read_event(self):
        """The job's event, valid against its schema, or InvalidEvent."""
        body = self.payload.encode() if self.payload else base64.b64decode(self.payload_raw or b"")
        try:
            event = parse_body(body)
            known = classify(event) == "known"
        except (BodyError, SchemaError) as error:
            raise InvalidEvent(str(error)) from None
        if not known:
            raise InvalidEvent(f"unknown event type {event['type']!r}")
        return event

    def _record_outcomes(self, outcomes):
        done = {job: note for job, note in outcomes.items() if not isinstance(note, JobFailure)}
        self.browse(job.id for job in done)._succeed(done)
        for job, outcome in outcomes.items():
            if isinstance(outcome, JobFailure):
                job._fail(outcome)

    def _succeed(self, notes):
        """Done, and the state change logged in each job's chatter."""
        if not self:
            return
        before = {job: job.state for job in self}
        for attempts in set(self.mapped("attempts")):
            self.filtered(lambda job, attempts=attempts: job.attempts == attempts).with_context(
                tracking_disable=True
            ).write(
                {
                    "state": "done",
                    "attempts": attempts + 1,
                    "error_class": False,
                    "last_error": False,
                    "next_attempt_at": False,
                    "missing_kind": False,
                    "missing_code": False,
                    "killed_runs": 0,
                }
            )
        self._log_state_change(before, "done", notes)

    def _fail(self, failure):
        attempts = self.attempts + 1
        values = {
            "state": failure.state,
            "attempts": attempts,
            "error_class": failure.error_class,
            "last_error": str(failure)[:4000],
            "next_attempt_at": False,
            "killed_runs": 0,
        }
        if isinstance(failure, MissingMapping):
            values.update(missing_kind=failure.kind, missing_code=failure.code)
        if failure.state == "retrying":
            params = self.env["ir.config_parameter"].sudo()
            if attempts >= int(params.get_param(PARAM + "max_attempts", 5)):
                values["state"] = "dead"
            else:
                delay = retry_delay(attempts, base=int(params.get_param(PARAM + "retry_base_seconds", 60)))
                values["next_attempt_at"] = fields.Datetime.now() + timedelta(seconds=delay)
        self.write(values)


def _ready_now():
    """The jobs to post now: in a ready state, and not waiting for a retry."""
    return SQL(
        "state IN %s AND (next_attempt_at IS NULL OR next_attempt_at <= %s)", READY_STATES, fields.Datetime.now()
    )


def _is_concurrency_error(error):
    return isinstance(error, PG_CONCURRENCY_EXCEPTIONS_TO_RETRY)  # all OperationalError subclasses


def _unexpected(job, error):
    """The failure of a job that broke alone: a bug to look at."""
    _logger.error("construction job %s failed", job.id, exc_info=error)
    return JobFailure(f"{type(error).__name__}: {error}")


def _pause_for_crash_test(processed):
    pause_after = os.environ.get(CRASH_TEST_PAUSE_AFTER)
    if pause_after and processed >= int(pause_after):
        Path(os.environ[CRASH_TEST_MARKER]).write_text(str(os.getpid()))
        time.sleep(3600)

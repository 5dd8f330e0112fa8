# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The queue: every job reaches an end state, posts at most once, and one
bad job never blocks the others."""

import time
from contextlib import contextmanager
from datetime import datetime, timedelta
from unittest.mock import patch

from freezegun import freeze_time
from psycopg2.errors import SerializationFailure

from odoo.tests import tagged

from odoo.addons.construction_connector.handlers import HANDLERS
from odoo.addons.construction_connector.lib import batch_time
from odoo.addons.construction_connector.lib.failures import MissingMapping, TransientFailure

from .common import WebhookCase, make_event


@contextmanager
def posting_handler(handler, event_type="timesheet.approved"):
    """Put a stand-in handler (or None: no handler) in the registry for the test's duration."""
    previous = HANDLERS.get(event_type)
    HANDLERS[event_type] = handler
    try:
        yield
    finally:
        if previous is None:
            HANDLERS.pop(event_type, None)
        else:
            HANDLERS[event_type] = previous


def post_partner(env, job, activity):
    """A stand-in posting a finance user could see: one partner per applied revision."""
    data = activity.data
    return env["res.partner"].create({"name": f"posted {data['timesheet_id']} rev {data['revision']}"})


@tagged("post_install", "-at_install")
class TestJobProcessing(WebhookCase):
    def process(self):
        self.env["construction.inbound.job"]._cron_process_jobs()
        self.env.invalidate_all()

    def job_for(self, event):
        response = self.deliver(event)
        return self.env["construction.inbound.job"].browse(response.json()["job_id"])

    def posted(self, source_id):
        return self.env["res.partner"].search([("name", "=like", f"posted {source_id} rev %")])

    def test_received_job_is_posted_once_and_done(self):
        job = self.job_for(make_event(timesheet_id="TS-A"))
        with posting_handler(post_partner):
            self.process()
            self.process()
        self.assertRecordValues(
            job, [{"state": "done", "attempts": 1, "error_class": False, "record_type": "timesheet", "revision": 1}]
        )
        self.assertEqual(len(self.posted("TS-A")), 1)

    def test_event_type_without_handler_is_dead_and_says_why(self):
        job = self.job_for(make_event("equipment.usage"))
        with posting_handler(None, "equipment.usage"):
            self.process()
        self.assertRecordValues(job, [{"state": "dead", "error_class": "internal"}])
        self.assertIn("no posting handler for event type 'equipment.usage'", job.last_error)

    def test_payload_invalid_in_queue_is_quarantined_and_never_retried(self):
        job = self.job_for(make_event(timesheet_id="TS-Q"))
        # A job requeued after the schema changed, say: the queue validates again.
        self.env.cr.execute(
            "UPDATE construction_inbound_job SET payload = replace(payload, %s, %s) WHERE id = %s",
            ['"hours": 8', '"hours": 99', job.id],
        )
        with posting_handler(post_partner):
            self.process()
            self.process()
        self.assertRecordValues(job, [{"state": "quarantined", "error_class": "validation", "attempts": 1}])
        self.assertFalse(self.posted("TS-Q"))

    def test_transient_failures_back_off_then_die(self):
        def unavailable(env, job, activity):
            raise TransientFailure("cost platform unavailable")

        self.env["ir.config_parameter"].sudo().set_param("construction_connector.retry_base_seconds", 60)
        job = self.job_for(make_event(timesheet_id="TS-T"))
        start = datetime(2026, 12, 3, 8, 0, 0)
        with posting_handler(unavailable), freeze_time(start) as clock:
            for attempt in range(1, 5):
                self.process()
                self.assertRecordValues(job, [{"state": "retrying", "attempts": attempt, "error_class": "transient"}])
                ceiling = 60 * 2 ** (attempt - 1)
                wait = (job.next_attempt_at - datetime.now()).total_seconds()
                self.assertTrue(ceiling / 2 - 1 <= wait <= ceiling, (attempt, wait))
                self.process()  # too early: nothing happens
                self.assertEqual(job.attempts, attempt)
                clock.tick(timedelta(seconds=ceiling + 1))
            self.process()
        self.assertRecordValues(job, [{"state": "dead", "attempts": 5, "error_class": "transient"}])

    def test_a_conflict_with_another_transaction_leaves_the_batch_for_a_fresh_retry(self):
        def conflicting(env, job, activity):
            raise SerializationFailure("could not serialize access due to concurrent update")

        jobs = self.job_for(make_event(timesheet_id="TS-S1")) | self.job_for(make_event(timesheet_id="TS-S2"))
        with posting_handler(conflicting), self.assertRaises(SerializationFailure):
            jobs._run_batch()  # the cron rolls back and triggers itself again
        self.env.invalidate_all()
        self.assertRecordValues(jobs, [{"state": "received", "attempts": 0}] * 2)

    def test_a_poison_job_does_not_stop_the_others(self):
        def fragile(env, job, activity):
            if activity.data["timesheet_id"] == "TS-POISON":
                raise ZeroDivisionError("boom")
            return post_partner(env, job, activity)

        poison = self.job_for(make_event(timesheet_id="TS-POISON"))
        healthy = [self.job_for(make_event(timesheet_id=f"TS-OK{n}")) for n in range(3)]
        with posting_handler(fragile):
            self.process()
        self.assertRecordValues(poison, [{"state": "dead", "error_class": "internal"}])
        self.assertIn("ZeroDivisionError", poison.last_error)
        self.assertEqual(
            set(self.env["construction.inbound.job"].browse([j.id for j in healthy]).mapped("state")), {"done"}
        )

    def test_a_batch_out_of_time_leaves_the_jobs_it_did_not_start_for_the_next(self):
        def slow(env, job, activity):
            time.sleep(0.3)  # a vendor bill on a busy database, say
            return post_partner(env, job, activity)

        jobs = [self.job_for(make_event(timesheet_id=f"TS-SLOW{n}")) for n in range(4)]
        Job = self.env["construction.inbound.job"]
        with posting_handler(slow), patch.object(batch_time, "BATCH_SECONDS", 0.5):
            self.process()
            states = Job.browse(j.id for j in jobs).mapped("state")
            # The first job always runs; none starts after 0.5 s, so 2 at most.
            self.assertIn(states.count("done"), (1, 2))
            left = Job.browse(j.id for j in jobs).filtered(lambda j: j.state != "done")
            self.assertRecordValues(left, [{"state": "received", "attempts": 0, "last_error": False}] * len(left))
            for _batch in range(3):
                self.process()
        self.assertRecordValues(Job.browse(j.id for j in jobs), [{"state": "done", "attempts": 1}] * 4)
        for n in range(4):
            self.assertEqual(len(self.posted(f"TS-SLOW{n}")), 1)

    def test_a_slow_poison_job_does_not_keep_batches_from_progressing(self):
        def slow_poison(env, job, activity):
            if activity.data["timesheet_id"] == "TS-SLOWPOISON":
                time.sleep(0.6)  # the batch is out of time when it breaks
                raise ZeroDivisionError("boom")
            return post_partner(env, job, activity)

        first = self.job_for(make_event(timesheet_id="TS-BEFORE"))
        poison = self.job_for(make_event(timesheet_id="TS-SLOWPOISON"))
        after = self.job_for(make_event(timesheet_id="TS-AFTER"))
        with posting_handler(slow_poison), patch.object(batch_time, "BATCH_SECONDS", 0.5):
            self.process()
            self.assertEqual(first.state, "done")
            for _batch in range(3):
                self.process()
        self.assertRecordValues(first + poison + after, [{"state": "done"}, {"state": "dead"}, {"state": "done"}])
        self.assertEqual(len(self.posted("TS-BEFORE")), 1)
        self.assertEqual(len(self.posted("TS-AFTER")), 1)

    def test_after_a_run_that_died_the_first_job_runs_alone_and_dies_once_only(self):
        """Odoo counts the runs of a cron that died one after the other; the
        queue reads that count, and a job that kills every run it is in
        ends dead instead of stopping the queue."""
        cron = self.env.ref("construction_connector.ir_cron_process_inbound_jobs")
        Job = self.env["construction.inbound.job"]

        def process_after_a_run_died():
            # What Odoo's cron does: a progress record counting the dead runs, then the call.
            progress = self.env["ir.cron.progress"].create({"cron_id": cron.id, "timed_out_counter": 2})
            Job.with_context(cron_id=cron.id, ir_cron_progress_id=progress.id)._cron_process_jobs()
            self.env.invalidate_all()

        jobs = [self.job_for(make_event(timesheet_id=f"TS-DIED{n}")) for n in range(3)]
        first, second, third = (Job.browse(job.id) for job in jobs)
        with posting_handler(post_partner):
            process_after_a_run_died()
            self.assertRecordValues(
                first + second + third,
                [
                    {"state": "done", "killed_runs": 0},
                    {"state": "received", "killed_runs": 0},
                    {"state": "received", "killed_runs": 0},
                ],
            )
            # Suppose the run then died posting the second alone: it is not tried a third time.
            second.write({"killed_runs": 1})
            process_after_a_run_died()
            self.assertRecordValues(second, [{"state": "dead", "error_class": "internal", "killed_runs": 0}])
            self.assertIn("died twice while posting this job", second.last_error)
            self.assertEqual(third.state, "received")
            self.process()
        self.assertEqual(third.state, "done")
        self.assertFalse(self.posted("TS-DIED1"))
        self.assertEqual(len(self.posted("TS-DIED2")), 1)

    def test_missing_mapping_waits_and_is_released_by_the_new_mapping(self):
        employee = self.env["hr.employee"].create({"name": "New Hire"})

        def needs_employee(env, job, activity):
            code = activity.data["employee"]
            if not env["construction.mapping"].search([("kind", "=", "employee"), ("external_code", "=", code)]):
                raise MissingMapping("employee", code)
            return post_partner(env, job, activity)

        job = self.job_for(make_event(timesheet_id="TS-M", employee="EMP-NEW"))
        with posting_handler(needs_employee):
            self.process()
            self.assertRecordValues(
                job, [{"state": "waiting_mapping", "missing_kind": "employee", "missing_code": "EMP-NEW"}]
            )
            self.env["construction.mapping"].create(
                {
                    "connector_id": self.connector.id,
                    "kind": "employee",
                    "external_code": "EMP-NEW",
                    "res_id": employee.id,
                }
            )
            self.assertEqual(job.state, "received", "released without anyone touching the job")
            self.process()
        self.assertRecordValues(job, [{"state": "done", "missing_kind": False}])
        self.assertEqual(len(self.posted("TS-M")), 1)

    def test_cost_code_creation_releases_jobs_waiting_on_that_code(self):
        job = self.job_for(make_event(timesheet_id="TS-C", cost_code="99 99 99"))
        job.write({"state": "waiting_mapping", "missing_kind": "cost_code", "missing_code": "99 99 99"})
        self.env["construction.cost.code"].create({"code": "99 99 99", "name": "Contingency"})
        self.assertEqual(job.state, "received")

    def test_late_older_and_repeated_revisions_change_nothing(self):
        with posting_handler(post_partner):
            newest = self.job_for(make_event(timesheet_id="TS-R", revision=2))
            self.process()
            older = self.job_for(make_event(timesheet_id="TS-R", revision=1))
            again = self.job_for(make_event(timesheet_id="TS-R", revision=2))  # same revision, new event id
            self.process()
        self.assertEqual((newest | older | again).mapped("state"), ["done"] * 3)
        self.assertEqual(self.posted("TS-R").mapped("name"), ["posted TS-R rev 2"])
        self.assertIn("not newer than the applied revision 2", " ".join(older.message_ids.mapped("body")))

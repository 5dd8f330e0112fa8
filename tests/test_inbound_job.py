# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from odoo import fields
from odoo.tests import tagged

from .common import WebhookCase, call_kw, make_event


@tagged("post_install", "-at_install")
class TestInboundJobRecord(WebhookCase):
    def _job(self, **event_data):
        response = self.deliver(make_event(**event_data))
        return self.env["construction.inbound.job"].browse(response.json()["job_id"])

    def test_received_event_cannot_be_rewritten_over_rpc(self):
        job = self._job()
        original = job.payload
        self.authenticate("admin", "admin")
        for field, value in (("payload", "{}"), ("event_id", "evt_other"), ("connector_id", False), ("headers", "{}")):
            with self.subTest(field):
                reply = call_kw(self, "construction.inbound.job", "write", [[job.id], {field: value}])
                self.assertEqual(reply["error"]["data"]["name"], "odoo.exceptions.AccessError")
        job.invalidate_recordset()
        self.assertEqual(job.payload, original)

    def test_retention_deletes_only_old_finished_jobs(self):
        self.env["ir.config_parameter"].sudo().set_param("construction_connector.retention_days", 90)
        kept_states = ("dead", "quarantined", "waiting_mapping", "waiting_approval", "retrying", "received")
        jobs = {state: self._job(timesheet_id=f"TS-{state}") for state in (*kept_states, "done", "ignored")}
        recent = self._job(timesheet_id="TS-recent")
        old = fields.Datetime.now() - timedelta(days=91)
        self.env.cr.execute(
            "UPDATE construction_inbound_job SET state = data.state, write_date = %s"
            " FROM (SELECT unnest(%s::int[]) AS id, unnest(%s::varchar[]) AS state) data"
            " WHERE construction_inbound_job.id = data.id",
            [old, [job.id for job in jobs.values()], list(jobs)],
        )
        self.env.cr.execute("UPDATE construction_inbound_job SET state = 'done' WHERE id = %s", [recent.id])
        self.env.invalidate_all()

        self.env["construction.inbound.job"]._gc_finished_jobs()

        remaining = self.jobs().exists()
        self.assertEqual(sorted(remaining.mapped("state")), sorted([*kept_states, "done"]))
        self.assertIn(recent, remaining)

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Labour, from a signed request to the timesheet line finance looks at."""

from odoo.tests import tagged

from .common import WebhookCase, make_event
from .test_webhook_signatures import DEMO_SECRET


@tagged("post_install", "-at_install")
class TestLabourPosting(WebhookCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.demo = cls.env.ref("construction_connector.demo_connector")
        cls.tower = cls.env.ref("construction_connector.demo_project_tower")
        cls.foundations = cls.env.ref("construction_connector.demo_task_tower_foundations")
        cls.maria = cls.env.ref("construction_connector.demo_employee_foreman")
        cls.forming = cls.env.ref("construction_connector.demo_cost_code_031100")
        cls.plan_column = cls.env.ref("construction_connector.analytic_plan_cost_codes")._column_name()

    def send(self, event_type="timesheet.approved", **data):
        event = make_event(event_type, **{"timesheet_id": "TS-900", "employee": "EMP-101", **data})
        response = self.deliver(event, connector=self.demo, secret=DEMO_SECRET)
        self.assertEqual(response.status_code, 202, response.text)
        self.env["construction.inbound.job"]._cron_process_jobs()
        self.env.invalidate_all()
        return self.env["construction.inbound.job"].browse(response.json()["job_id"])

    def lines(self):
        key = f"{self.demo.id}:timesheet:TS-900"
        return self.env["account.analytic.line"].search([("construction_source_key", "=", key)])

    def test_approved_timesheet_becomes_a_timesheet_line_on_project_phase_and_cost_code(self):
        job = self.send(hours=7.5, notes="Formwork grid A-C")
        self.assertEqual(job.state, "done", job.last_error)
        line = self.lines()
        self.assertRecordValues(
            line,
            [
                {
                    "project_id": self.tower.id,
                    "task_id": self.foundations.id,
                    "employee_id": self.maria.id,
                    "unit_amount": 7.5,
                    "amount": -7.5 * 62.0,
                    "name": "Formwork grid A-C",
                    self.plan_column: self.forming.analytic_account_id.id,
                    "construction_job_id": job.id,
                }
            ],
        )
        self.assertEqual(job.analytic_line_ids, line, "reachable from the job")

    def test_newer_revision_changes_the_posting_then_rejection_removes_it(self):
        self.send(revision=1, hours=8)
        self.send(revision=2, hours=6)
        self.assertRecordValues(self.lines(), [{"unit_amount": 6}])
        late = self.send(revision=1, hours=10)
        self.assertEqual(late.state, "done")
        self.assertRecordValues(self.lines(), [{"unit_amount": 6}])
        rejected = self.send("timesheet.rejected", revision=3, hours=6)
        self.assertEqual(rejected.state, "done", rejected.last_error)
        self.assertFalse(self.lines())

    def test_unknown_employee_waits_for_its_mapping(self):
        job = self.send(employee="EMP-404")
        self.assertRecordValues(
            job, [{"state": "waiting_mapping", "missing_kind": "employee", "missing_code": "EMP-404"}]
        )
        self.env["construction.mapping"].create(
            {"connector_id": self.demo.id, "kind": "employee", "external_code": "EMP-404", "res_id": self.maria.id}
        )
        self.env["construction.inbound.job"]._cron_process_jobs()
        self.env.invalidate_all()
        self.assertEqual(job.state, "done")
        self.assertEqual(len(self.lines()), 1)

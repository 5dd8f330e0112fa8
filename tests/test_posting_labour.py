# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Labour, from a signed request to the timesheet line finance looks at."""

from odoo.tests import tagged

from .common import DEMO_SECRET, PostingCase, encode, make_event


@tagged("post_install", "-at_install")
class TestLabourPosting(PostingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tower = cls.env.ref("construction_connector.demo_project_tower")
        cls.foundations = cls.env.ref("construction_connector.demo_task_tower_foundations")
        cls.maria = cls.env.ref("construction_connector.demo_employee_foreman")
        cls.forming = cls.env.ref("construction_connector.demo_cost_code_031100")

    def send_time(self, event_type="timesheet.approved", **data):
        return self.send(event_type, **{"timesheet_id": "TS-900", "employee": "EMP-101", **data})

    def lines(self):
        return self.posted("account.analytic.line", "timesheet", "TS-900")

    def provisional_cost(self):
        return self.provisional("timesheet", "TS-900")

    def test_approved_timesheet_becomes_a_timesheet_line_on_project_phase_and_cost_code(self):
        job = self.send_time(hours=7.5, notes="Formwork grid A-C")
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

    def test_the_same_event_delivered_twice_posts_once(self):
        event = make_event(timesheet_id="TS-900", hours=4)
        first = self.deliver(event, connector=self.demo, secret=DEMO_SECRET)
        again = self.deliver(event, connector=self.demo, secret=DEMO_SECRET)
        self.assertEqual((first.status_code, again.status_code), (202, 200))
        self.process()
        self.assertRecordValues(self.lines(), [{"unit_amount": 4}])

    def test_one_batch_posts_what_it_can_and_applies_revisions_in_order(self):
        events = [
            make_event(timesheet_id="TS-900", revision=1, hours=8),
            make_event(timesheet_id="TS-901", employee="EMP-404"),
            make_event(timesheet_id="TS-900", revision=2, hours=5),
            make_event(timesheet_id="TS-902", hours=3),
        ]
        body = encode({"events": events})
        headers = self.signed_headers(body, "msg_mixed", secret=DEMO_SECRET)
        self.assertEqual(self.post(body, headers, connector=self.demo, batch=True).status_code, 202)
        self.process()  # one batch
        jobs = self.env["construction.inbound.job"].search([("event_id", "in", [e["id"] for e in events])], order="id")
        self.assertEqual(jobs.mapped("state"), ["done", "waiting_mapping", "done", "done"])
        self.assertRecordValues(self.lines(), [{"unit_amount": 5, "construction_job_id": jobs[2].id}])
        self.assertEqual(self.posted("account.analytic.line", "timesheet", "TS-902").unit_amount, 3)
        tracked = jobs[0].message_ids.tracking_value_ids.filtered(lambda value: value.field_id.name == "state")
        self.assertEqual((tracked.old_value_char, tracked.new_value_char), ("Received", "Done"), "in the chatter")

    def test_newer_revision_changes_the_posting_then_rejection_removes_it(self):
        self.send_time(revision=1, hours=8)
        self.send_time(revision=2, hours=6)
        self.assertRecordValues(self.lines(), [{"unit_amount": 6}])
        late = self.send_time(revision=1, hours=10)
        self.assertEqual(late.state, "done")
        self.assertRecordValues(self.lines(), [{"unit_amount": 6}])
        rejected = self.send_time("timesheet.rejected", revision=3, hours=6)
        self.assertEqual(rejected.state, "done", rejected.last_error)
        self.assertFalse(self.lines())

    def test_submitted_time_is_provisional_cost_until_approved_and_again_when_sent_back(self):
        self.send_time("timesheet.submitted", revision=1, hours=8)
        self.assertFalse(self.lines(), "submitted time is no accounting")
        self.assertRecordValues(
            self.provisional_cost(),
            [{"project_id": self.tower.id, "cost_code_id": self.forming.id, "quantity": 8, "amount": 8 * 62.0}],
        )
        self.send_time(revision=2, hours=8)
        self.assertEqual(len(self.lines()), 1)
        self.assertFalse(self.provisional_cost(), "approved: committed cost, no longer provisional")
        self.send_time("timesheet.submitted", revision=3, hours=9)
        self.assertFalse(self.lines(), "back at submitted: the posting is withdrawn")
        self.assertRecordValues(self.provisional_cost(), [{"quantity": 9}])
        self.send_time("timesheet.rejected", revision=4, hours=9)
        self.assertFalse(self.lines() or self.provisional_cost())

    def test_unknown_employee_waits_for_its_mapping(self):
        job = self.send_time(employee="EMP-404")
        self.assertRecordValues(
            job, [{"state": "waiting_mapping", "missing_kind": "employee", "missing_code": "EMP-404"}]
        )
        self.env["construction.mapping"].create(
            {"connector_id": self.demo.id, "kind": "employee", "external_code": "EMP-404", "res_id": self.maria.id}
        )
        self.process()
        self.assertEqual(job.state, "done")
        self.assertEqual(len(self.lines()), 1)

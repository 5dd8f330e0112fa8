# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The Finance user's way through "Needs Attention", in a real browser."""

from odoo.tests import new_test_user, tagged

from .common import DEMO_SECRET, PostingCase, make_event


@tagged("post_install", "-at_install")
class TestResolveMappingTour(PostingCase):
    def test_finance_resolves_a_missing_mapping_from_needs_attention(self):
        event = make_event(event_id="evt_tour_waiting", timesheet_id="TS-TOUR", employee="EMP-TOUR")
        self.assertEqual(self.deliver(event, connector=self.demo, secret=DEMO_SECRET).status_code, 202)
        self.process()
        job = self.env["construction.inbound.job"].search([("event_id", "=", "evt_tour_waiting")])
        self.assertEqual(job.state, "waiting_mapping")
        new_test_user(
            self.env,
            "tour_finance",
            groups="base.group_user,construction_connector.group_construction_finance,hr.group_hr_user",
        )
        self.start_tour("/odoo", "construction_resolve_mapping", login="tour_finance")
        self.env.invalidate_all()
        self.assertEqual(job.state, "done")
        self.assertEqual(job.analytic_line_ids.employee_id, self.ref("demo_employee_carpenter"))

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What holds a posting back: approval in Odoo, locked periods, mappings by date."""

import csv
from pathlib import Path

from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged

from .common import PostingCase

SAMPLE_CSV = Path(__file__).resolve().parent.parent / "data" / "cost_codes_sample.csv"


@tagged("post_install", "-at_install")
class TestApprovalPolicy(PostingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.viewer = new_test_user(cls.env, "cc_viewer", groups="construction_connector.group_construction_user")
        cls.finance = new_test_user(cls.env, "cc_finance", groups="construction_connector.group_construction_finance")

    def test_chosen_event_types_wait_for_finance_approval_then_post(self):
        self.demo.approval_event_types = "equipment.usage"
        job = self.send("equipment.usage")
        self.assertRecordValues(job, [{"state": "waiting_approval", "error_class": "approval"}])
        self.assertFalse(self.posted("account.analytic.line", "equipment_usage", "EQ-USE-1"))
        with self.assertRaises(AccessError):
            job.with_user(self.viewer).action_approve()
        job.with_user(self.finance).action_approve()
        self.process()
        self.assertRecordValues(job, [{"state": "done", "approved_by_id": self.finance.id}])
        self.assertEqual(len(job.analytic_line_ids), 1)

    def test_change_orders_above_the_amount_wait_and_rejection_posts_nothing(self):
        self.demo.approval_amount = 10000
        small = self.send("change_order.approved", change_order_id="CO-SMALL", amount="9999.99")
        self.assertEqual(small.state, "done", small.last_error)
        large = self.send("change_order.approved", change_order_id="CO-LARGE", amount="10000.01")
        self.assertEqual(large.state, "waiting_approval")
        self.assertIn("10000.01", large.last_error)
        large.with_user(self.finance).action_reject()
        self.process()
        self.assertEqual(large.state, "cancelled")
        self.assertFalse(self.posted("purchase.order.line", "change_order", "CO-LARGE"))


@tagged("post_install", "-at_install")
class TestLockedPeriod(PostingCase):
    def test_posting_dated_in_a_locked_period_is_held_then_posts_once_reopened(self):
        company = self.demo.company_id
        # Long ago: the accounting demo data leaves recent bank lines unreconciled.
        company.fiscalyear_lock_date = "2020-12-31"
        held = self.send("equipment.usage", date="2020-12-20")
        self.assertRecordValues(held, [{"state": "dead", "error_class": "locked_period"}])
        self.assertIn("locked period", held.last_error)
        self.assertFalse(held.analytic_line_ids)
        open_period = self.send("equipment.usage", usage_id="EQ-USE-2", date="2021-01-01")
        self.assertEqual(open_period.state, "done", open_period.last_error)

        company.fiscalyear_lock_date = False
        held.action_requeue()
        self.process()
        self.assertEqual(held.state, "done", held.last_error)
        self.assertEqual(len(held.analytic_line_ids), 1)

    def test_progress_bill_in_a_locked_purchase_period_is_held(self):
        self.send("change_order.approved", amount="1000.00")
        self.demo.company_id.purchase_lock_date = "2020-12-31"
        job = self.send("subcontract.progress", period_end="2020-12-31", amount="100.00")
        self.assertRecordValues(job, [{"state": "dead", "error_class": "locked_period"}])
        self.assertFalse(job.bill_ids)


@tagged("post_install", "-at_install")
class TestMappings(PostingCase):
    def map_employee(self, code, employee, date_from=None, date_to=None, connector_id=None):
        return self.env["construction.mapping"].create(
            {
                "connector_id": self.demo.id if connector_id is None else connector_id,
                "kind": "employee",
                "external_code": code,
                "res_id": employee.id,
                "date_from": date_from,
                "date_to": date_to,
            }
        )

    def test_the_mapping_in_effect_on_the_activity_date_is_used(self):
        tom, kwame = self.ref("demo_employee_carpenter"), self.ref("demo_employee_operator")
        self.map_employee("CREW-7", tom, date_to="2026-11-30")
        self.map_employee("CREW-7", kwame, date_from="2026-12-01")
        november = self.send("timesheet.approved", timesheet_id="TS-N", employee="CREW-7", date="2026-11-30")
        december = self.send("timesheet.approved", timesheet_id="TS-D", employee="CREW-7", date="2026-12-01")
        self.assertEqual(november.analytic_line_ids.employee_id, tom)
        self.assertEqual(december.analytic_line_ids.employee_id, kwame)

    def test_overlapping_mappings_of_one_code_are_refused(self):
        tom, kwame = self.ref("demo_employee_carpenter"), self.ref("demo_employee_operator")
        self.map_employee("CREW-8", tom, date_to="2026-11-30")
        with self.assertRaises(ValidationError):
            self.map_employee("CREW-8", kwame, date_from="2026-11-30")
        with self.assertRaises(ValidationError):
            self.map_employee("CREW-8", kwame)
        self.map_employee("CREW-8", kwame, connector_id=False)  # a global mapping is a scope of its own

    def test_the_form_picks_the_odoo_record_from_the_model_of_the_kind(self):
        with Form(self.env["construction.mapping"]) as form:
            form.connector_id = self.demo
            form.kind = "equipment"
            form.external_code = "EQ-NEW"
            form.equipment_id = self.ref("demo_equipment_crane")
            form.rate = 180
        mapping = form.record
        crane = self.ref("demo_equipment_crane")
        self.assertRecordValues(
            mapping, [{"res_model": "maintenance.equipment", "res_id": crane.id, "res_name": crane.display_name}]
        )

    def test_cost_codes_import_from_the_sample_csv_with_their_hierarchy(self):
        with SAMPLE_CSV.open() as sample:
            rows = list(csv.reader(sample))
        result = self.env["construction.cost.code"].load(rows[0], rows[1:])
        self.assertFalse(result["messages"], result["messages"])
        cables = self.env["construction.cost.code"].search([("code", "=", "26 05 19")])
        self.assertRecordValues(cables, [{"complete_code": "26 / 26 05 00 / 26 05 19", "cost_type": "material"}])
        self.assertEqual(cables.analytic_account_id.plan_id, self.ref("analytic_plan_cost_codes"))

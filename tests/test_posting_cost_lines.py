# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Equipment and material: analytic cost lines on project, phase and cost code."""

from odoo.tests import tagged

from .common import PostingCase


@tagged("post_install", "-at_install")
class TestCostLines(PostingCase):
    def test_equipment_usage_costs_hours_times_the_mapping_rate(self):
        job = self.send("equipment.usage", hours=6)
        self.assertEqual(job.state, "done", job.last_error)
        bridge = self.ref("demo_project_bridge")
        self.assertRecordValues(
            job.analytic_line_ids,
            [
                {
                    "account_id": bridge.account_id.id,
                    "construction_phase_id": self.ref("demo_task_bridge_excavation").id,
                    "construction_equipment_id": self.ref("demo_equipment_excavator").id,
                    self.plan_column: self.ref("demo_cost_code_312300").analytic_account_id.id,
                    "unit_amount": 6,
                    "amount": -6 * 95.0,
                    "project_id": False,  # cost, not a timesheet
                }
            ],
        )

    def test_submitted_equipment_is_provisional_then_approved_revision_posts(self):
        job = self.send("equipment.usage", status="submitted", hours=4)
        self.assertEqual(job.state, "done", job.last_error)
        self.assertFalse(job.analytic_line_ids)
        provisional = self.provisional("equipment_usage", "EQ-USE-1")
        self.assertRecordValues(provisional, [{"quantity": 4, "amount": 4 * 95.0, "record_type": "equipment_usage"}])
        approved = self.send("equipment.usage", status="approved", revision=2, hours=5)
        self.assertRecordValues(approved.analytic_line_ids, [{"amount": -5 * 95.0}])
        self.assertFalse(provisional.exists())

    def test_equipment_without_a_rate_waits_until_the_rate_is_set(self):
        mapping = self.ref("demo_mapping_equipment_crane")
        mapping.rate = 0
        job = self.send("equipment.usage", equipment="EQ-CRN-01", hours=2)
        self.assertRecordValues(job, [{"state": "waiting_mapping", "missing_code": "EQ-CRN-01"}])
        self.assertIn("no hourly rate", job.last_error)
        mapping.rate = 240.0
        self.process()
        self.assertEqual(job.state, "done")
        self.assertRecordValues(job.analytic_line_ids, [{"amount": -480.0}])

    def test_material_usage_at_product_cost_in_the_unit_sent(self):
        job = self.send("material.usage", quantity=12.5, uom="m3")
        self.assertEqual(job.state, "done", job.last_error)
        concrete = self.ref("demo_product_concrete")
        self.assertRecordValues(
            job.analytic_line_ids,
            [
                {
                    "product_id": concrete.id,
                    "product_uom_id": self.env.ref("uom.product_uom_cubic_meter").id,
                    "unit_amount": 12.5,
                    "amount": -12.5 * 145.0,
                    "account_id": self.ref("demo_project_tower").account_id.id,
                    self.plan_column: self.ref("demo_cost_code_033000").analytic_account_id.id,
                }
            ],
        )

    def test_material_unit_cost_sent_wins_and_other_units_convert(self):
        job = self.send("material.usage", product="MAT-REBAR", quantity=2, uom="t", unit_cost=980.5)
        self.assertEqual(job.state, "done", job.last_error)
        self.assertRecordValues(job.analytic_line_ids, [{"amount": -1961.0}])
        job = self.send("material.usage", usage_id="MAT-USE-2", product="MAT-REBAR", quantity=2, uom="t")
        self.assertRecordValues(job.analytic_line_ids, [{"amount": -2 * 1000 * 1.15}])

    def test_material_in_a_unit_the_product_cannot_have_is_quarantined(self):
        job = self.send("material.usage", quantity=3, uom="hours")
        self.assertRecordValues(job, [{"state": "quarantined", "error_class": "validation"}])
        self.assertIn("not a unit of", job.last_error)
        self.assertFalse(job.analytic_line_ids)

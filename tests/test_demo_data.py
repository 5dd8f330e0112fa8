# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.tests import TransactionCase, tagged

from odoo.addons.construction_connector.lib.mapping_kinds import MAPPING_MODELS


@tagged("post_install", "-at_install")
class TestDemoData(TransactionCase):
    def _demo(self, xmlid):
        return self.env.ref(f"construction_connector.{xmlid}")

    def test_projects_have_phases(self):
        for project, phases in (("demo_project_tower", 2), ("demo_project_bridge", 2)):
            self.assertEqual(len(self._demo(project).task_ids), phases)

    def test_cost_code_tree_tagged_in_cost_codes_plan(self):
        plan = self._demo("analytic_plan_cost_codes")
        concrete = self._demo("demo_cost_code_033000")
        self.assertRecordValues(
            concrete,
            [
                {
                    "complete_code": "03 / 03 30 00",
                    "cost_type": "material",
                    "parent_id": self._demo("demo_cost_code_03").id,
                }
            ],
        )
        codes = self.env["construction.cost.code"].search([("code", "in", ["01", "03", "05", "31"])])
        self.assertEqual(len(codes), 4)
        for cost_code in codes | codes.child_ids:
            self.assertEqual(cost_code.analytic_account_id.plan_id, plan, cost_code.code)

    def test_demo_connector_maps_every_demo_record(self):
        connector = self._demo("demo_connector")
        self.assertRecordValues(connector, [{"auth_scheme": "standard", "active": True}])
        kinds = connector.mapping_ids.grouped("kind")
        self.assertEqual(
            {kind: len(mappings) for kind, mappings in kinds.items()},
            {"project": 2, "phase": 4, "employee": 3, "equipment": 2, "product": 2, "vendor": 1},
        )
        for mapping in connector.mapping_ids:
            record = self.env[MAPPING_MODELS[mapping.kind]].browse(mapping.res_id)
            self.assertTrue(record.exists(), mapping.display_name)
            self.assertEqual(mapping.res_name, record.display_name)
        self.assertEqual(kinds["equipment"].mapped("rate"), [240.0, 95.0])

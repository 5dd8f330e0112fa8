# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Two companies on one database: each connector posts into its own company,
and neither company's users see the other's jobs, mappings or cost."""

from odoo.tests import new_test_user, tagged

from .common import STANDARD_SECRET, PostingCase

INTEGRATION_GROUPS = ",".join(
    [
        "construction_connector.group_construction_admin",
        "hr_timesheet.group_timesheet_manager",
        "account.group_account_manager",
        "analytic.group_analytic_accounting",
        "purchase.group_purchase_manager",
        "project.group_project_manager",
    ]
)


@tagged("post_install", "-at_install")
class TestTwoCompanies(PostingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.ref("base.main_company")
        cls.company_b = cls.env["res.company"].create({"name": "Northern Builders Ltd"})
        cls.bot_b = new_test_user(
            cls.env, "cc_bot_b", groups=INTEGRATION_GROUPS, company_id=cls.company_b.id, company_ids=cls.company_b.ids
        )
        cls.finance_a = new_test_user(
            cls.env,
            "cc_finance_a",
            groups="construction_connector.group_construction_finance,analytic.group_analytic_accounting",
            company_id=cls.company_a.id,
            company_ids=cls.company_a.ids,
        )
        Env = cls.env["construction.connector"].with_company(cls.company_b)
        cls.connector_b = Env.create(
            {"name": "Northern field app", "company_id": cls.company_b.id, "user_id": cls.bot_b.id}
        )
        cls.connector_b.action_set_secret(STANDARD_SECRET)
        in_b = cls.env(context={"allowed_company_ids": cls.company_b.ids})
        cls.project_b = in_b["project.project"].create({"name": "Harbour Depot", "company_id": cls.company_b.id})
        cls.employee_b = in_b["hr.employee"].create(
            {"name": "Ines Berg", "company_id": cls.company_b.id, "hourly_cost": 50.0}
        )
        cls.cost_code_b = in_b["construction.cost.code"].create(
            {"code": "03 11 00", "name": "Concrete Forming", "cost_type": "labor", "company_id": cls.company_b.id}
        )
        Mapping = in_b["construction.mapping"]
        for kind, code, record in [
            ("project", "PRJ-TOWER", cls.project_b),
            ("employee", "EMP-101", cls.employee_b),
        ]:
            Mapping.create(
                {
                    "connector_id": cls.connector_b.id,
                    "company_id": cls.company_b.id,
                    "kind": kind,
                    "external_code": code,
                    "res_id": record.id,
                }
            )

    def send_b(self, **data):
        return self.send("timesheet.approved", connector=self.connector_b, secret=STANDARD_SECRET, **data)

    def test_same_codes_post_into_each_connectors_own_company(self):
        job_a = self.send("timesheet.approved", timesheet_id="TS-A", phase="TOWER-FND")
        job_b = self.send_b(timesheet_id="TS-B", phase=None)
        self.assertEqual(job_a.state, "done", job_a.last_error)
        self.assertEqual(job_b.state, "done", job_b.last_error)
        self.assertRecordValues(
            job_b.analytic_line_ids,
            [
                {
                    "company_id": self.company_b.id,
                    "project_id": self.project_b.id,
                    "employee_id": self.employee_b.id,
                    self.plan_column: self.cost_code_b.analytic_account_id.id,
                    "amount": -8 * 50.0,
                }
            ],
        )
        self.assertEqual(job_a.analytic_line_ids.company_id, self.company_a)
        self.assertEqual(job_b.company_id, self.company_b)

    def test_a_global_mapping_of_one_company_never_resolves_for_another(self):
        self.env["construction.mapping"].create(
            {
                "company_id": self.company_a.id,
                "kind": "employee",
                "external_code": "EMP-GLOBAL",
                "res_id": self.ref("demo_employee_carpenter").id,
            }
        )
        job = self.send_b(timesheet_id="TS-G", employee="EMP-GLOBAL", phase=None)
        self.assertRecordValues(job, [{"state": "waiting_mapping", "missing_code": "EMP-GLOBAL"}])

    def test_users_of_one_company_see_nothing_of_the_other(self):
        job_a = self.send("timesheet.approved", timesheet_id="TS-A2")
        job_b = self.send_b(timesheet_id="TS-B2", phase=None)
        as_a = self.env(user=self.finance_a)
        self.assertFalse(as_a["construction.inbound.job"].search([("id", "=", job_b.id)]))
        self.assertFalse(as_a["construction.connector"].search([("id", "=", self.connector_b.id)]))
        self.assertFalse(as_a["construction.mapping"].search([("connector_id", "=", self.connector_b.id)]))
        self.assertFalse(as_a["construction.cost.code"].search([("id", "=", self.cost_code_b.id)]))
        self.assertFalse(as_a["account.analytic.line"].search([("construction_job_id", "=", job_b.id)]))
        self.assertEqual(as_a["construction.inbound.job"].search([("id", "in", (job_a | job_b).ids)]), job_a)
        self.assertEqual(
            as_a["account.analytic.line"].search([("construction_job_id", "=", job_a.id)]).company_id, self.company_a
        )

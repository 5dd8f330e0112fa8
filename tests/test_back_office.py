# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What finance does in Odoo screens: repost, resolve, cancel, approve; what
they see: alerts, the overview, the reconciliation; who may do what."""

from datetime import timedelta

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import Form, new_test_user, tagged

from .common import PostingCase


@tagged("post_install", "-at_install")
class TestBackOffice(PostingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.viewer = new_test_user(cls.env, "bo_viewer", groups="construction_connector.group_construction_user")
        cls.finance = new_test_user(
            cls.env,
            "bo_finance",
            groups="construction_connector.group_construction_finance,project.group_project_user,hr.group_hr_user",
        )
        cls.admin = new_test_user(cls.env, "bo_admin", groups="construction_connector.group_construction_admin")

    def wizard(self, model, jobs, user=None, **values):
        context = {"active_model": "construction.inbound.job", "active_ids": jobs.ids, "active_id": jobs[:1].id}
        Wizard = self.env[model].with_user(user or self.finance).with_context(**context)
        with Form(Wizard) as form:
            for name, value in values.items():
                setattr(form, name, value)
        return form.record

    def test_repost_with_overrides_keeps_the_payload_and_says_who_changed_what(self):
        job = self.send("timesheet.approved", timesheet_id="TS-R", hours=8)
        payload = job.payload
        line = job.analytic_line_ids
        concrete = self.ref("demo_cost_code_033000")
        self.wizard("construction.job.repost.wizard", job, cost_code_id=concrete, quantity=6.5).action_repost()
        self.process()
        self.assertRecordValues(job, [{"state": "done", "payload": payload, "cost_code_id": concrete.id}])
        self.assertEqual(job.with_user(self.finance).analytic_line_count, 1, "still linked to the job")
        self.assertEqual(job.overrides, {"cost_code": concrete.id, "quantity": 6.5})
        self.assertRecordValues(
            line, [{"unit_amount": 6.5, self.plan_column: concrete.analytic_account_id.id}]
        )  # the same line, corrected in place
        note = job.message_ids.filtered(lambda message: "Reposted with overrides" in message.body)
        self.assertIn(self.finance.name, note.body)
        self.assertIn("03 30 00", note.body)

    def test_repost_moves_a_locked_period_posting_to_an_open_date(self):
        self.demo.company_id.fiscalyear_lock_date = "2020-12-31"
        job = self.send("equipment.usage", date="2020-12-20")
        self.assertEqual(job.error_class, "locked_period")
        self.wizard("construction.job.repost.wizard", job, date=fields.Date.to_date("2021-01-04")).action_repost()
        self.process()
        self.assertEqual(job.state, "done", job.last_error)
        self.assertEqual(str(job.analytic_line_ids.date), "2021-01-04")

    def test_resolve_mapping_releases_and_posts_every_job_waiting_for_the_code(self):
        first = self.send("timesheet.approved", timesheet_id="TS-W1", employee="EMP-NEW")
        second = self.send("timesheet.approved", timesheet_id="TS-W2", employee="EMP-NEW")
        self.assertEqual((first | second).mapped("state"), ["waiting_mapping"] * 2)
        wizard = self.wizard(
            "construction.mapping.resolve.wizard", first, employee_id=self.ref("demo_employee_carpenter")
        )
        self.assertRecordValues(wizard, [{"kind": "employee", "external_code": "EMP-NEW"}])
        result = wizard.action_resolve()
        self.assertIn("2 waiting job(s) released", result["params"]["message"])
        self.env.invalidate_all()
        self.assertEqual((first | second).mapped("state"), ["done", "done"])
        self.assertEqual(first.analytic_line_ids.employee_id, self.ref("demo_employee_carpenter"))
        self.assertEqual(
            first.with_user(self.finance).analytic_line_count, 1, "a smart button, even for non-accountants"
        )

    def test_cancel_or_ignore_with_a_reason(self):
        job = self.send("timesheet.approved", timesheet_id="TS-C", employee="EMP-GONE")
        self.wizard(
            "construction.job.close.wizard", job, state="ignored", reason="Test crew, not on payroll"
        ).action_confirm()
        self.assertEqual(job.state, "ignored")
        self.assertIn("Test crew, not on payroll", job.message_ids[0].body)

    def test_who_may_do_what(self):
        job = self.send("timesheet.approved", timesheet_id="TS-A", employee="EMP-GONE")
        self.assertEqual(job.with_user(self.viewer).state, "waiting_mapping", "a User reads jobs")
        with self.assertRaises(AccessError):
            self.wizard("construction.job.repost.wizard", job, user=self.viewer)
        with self.assertRaises(AccessError):
            job.with_user(self.viewer).action_requeue()
        self.wizard("construction.job.repost.wizard", job, employee_id=self.ref("demo_employee_foreman"))
        with self.assertRaises(AccessError):
            self.demo.with_user(self.finance).write({"rate_limit_per_minute": 10})
        self.demo.with_user(self.admin).write({"rate_limit_per_minute": 10})
        self.assertEqual(self.demo.rate_limit_per_minute, 10)

    def test_finance_gets_one_activity_per_job_needing_attention(self):
        self.demo.alert_user_id = self.finance
        dead = self.send("material.usage", uom="hours")  # quarantined: waits for the delay
        self.send("change_order.approved", change_order_id="CO-A")  # done: no alert
        Job = self.env["construction.inbound.job"]
        Job._cron_alert_attention()
        self.assertFalse(dead.activity_ids, "not yet: within the alert delay")
        self.env.cr.execute(
            "UPDATE construction_inbound_job SET write_date = %s WHERE id = %s",
            [fields.Datetime.now() - timedelta(hours=5), dead.id],
        )
        self.env.invalidate_all()
        Job._cron_alert_attention()
        Job._cron_alert_attention()
        self.assertEqual(len(dead.activity_ids), 1, "once per job, not a flood")
        self.assertEqual(dead.activity_ids.user_id, self.finance)

    def test_overview_counts_jobs_per_connector(self):
        self.send("timesheet.approved", timesheet_id="TS-O1")
        self.send("timesheet.approved", timesheet_id="TS-O2", employee="EMP-GONE")
        self.demo.invalidate_recordset()
        self.assertRecordValues(self.demo, [{"done_count": 1, "attention_count": 1, "health": "warning"}])
        self.assertTrue(self.demo.last_event_at and self.demo.oldest_attention_at)

    def test_reconciliation_shows_field_totals_against_posted_totals(self):
        self.send("timesheet.approved", timesheet_id="TS-REC", hours=8)
        self.send("change_order.approved", change_order_id="CO-REC", amount="1000.00")
        self.send("subcontract.progress", progress_id="PC-REC", percent_complete=10)
        Reconciliation = self.env["construction.reconciliation"]
        forming = Reconciliation.search([("cost_code_id", "=", self.ref("demo_cost_code_031100").id)])
        steel = Reconciliation.search([("cost_code_id", "=", self.ref("demo_cost_code_051200").id)])
        self.assertRecordValues(forming, [{"source_quantity": 8, "posted_quantity": 8, "quantity_variance": 0}])
        # committed and claimed (10 % of it) in the field; committed and billed in Odoo
        self.assertRecordValues(steel, [{"source_amount": 1100, "posted_amount": 1100, "amount_variance": 0}])
        line = self.posted("account.analytic.line", "timesheet", "TS-REC")
        line.unit_amount = 7  # changed by hand in Odoo
        self.env.flush_all()
        self.env.invalidate_all()
        forming = Reconciliation.search([("cost_code_id", "=", self.ref("demo_cost_code_031100").id)])
        self.assertEqual(forming.quantity_variance, -1)

    def test_settings_set_retry_policy_retention_and_alert_delay(self):
        with Form(self.env["res.config.settings"].with_user(self.env.ref("base.user_admin"))) as settings:
            settings.construction_max_attempts = 7
            settings.construction_alert_delay_hours = 2
        settings.record.execute()
        params = self.env["ir.config_parameter"].sudo()
        self.assertEqual(params.get_param("construction_connector.max_attempts"), "7")
        self.assertEqual(params.get_param("construction_connector.alert_delay_hours"), "2")

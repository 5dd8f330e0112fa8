# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Change orders become commitments, progress claims become draft bills."""

from odoo.tests import tagged

from .common import DEMO_SECRET, PostingCase, send_event


@tagged("post_install", "-at_install")
class TestSubcontract(PostingCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.tower = cls.env.ref("construction_connector.demo_project_tower")
        cls.steel = cls.env.ref("construction_connector.demo_partner_steel_sub")
        cls.framing = cls.env.ref("construction_connector.demo_cost_code_051200")

    def test_change_order_is_a_purchase_line_on_the_projects_draft_order_for_the_vendor(self):
        job = self.send("change_order.approved", amount="48000.00")
        self.assertEqual(job.state, "done", job.last_error)
        line = job.purchase_line_ids
        distribution_key = f"{self.tower.account_id.id},{self.framing.analytic_account_id.id}"
        self.assertRecordValues(
            line,
            [
                {
                    "partner_id": self.steel.id,
                    "price_unit": 48000.0,
                    "product_qty": 1,
                    "name": "Level 3 steel framing",
                    "construction_cost_code_id": self.framing.id,
                    "analytic_distribution": {distribution_key: 100},
                }
            ],
        )
        self.assertRecordValues(line.order_id, [{"state": "draft", "construction_project_id": self.tower.id}])
        second = self.send("change_order.approved", change_order_id="CO-2", amount="1250.10", description="Bracing")
        self.assertEqual(second.purchase_line_ids.order_id, line.order_id, "one open commitment per project and vendor")
        self.assertEqual(line.order_id.amount_untaxed, 49250.10)

    def test_newer_change_order_revision_changes_the_commitment_and_duplicates_change_nothing(self):
        first_line = self.send("change_order.approved", amount="1000.00").purchase_line_ids
        self.send("change_order.approved", revision=2, amount="1500.00")
        self.send("change_order.approved", revision=1, amount="9999.00")  # late and older
        self.send("change_order.approved", revision=2, amount="7777.00")  # same revision again
        lines = self.posted("purchase.order.line", "change_order", "CO-1")
        self.assertEqual(lines, first_line, "still one line, changed in place")
        self.assertRecordValues(lines, [{"price_unit": 1500.0}])

    def test_progress_claim_becomes_a_draft_bill_against_the_commitment(self):
        commitment = self.send("change_order.approved", amount="40000.00").purchase_line_ids
        job = self.send("subcontract.progress", percent_complete=25)
        self.assertEqual(job.state, "done", job.last_error)
        bill = job.bill_ids
        self.assertRecordValues(
            bill,
            [{"move_type": "in_invoice", "state": "draft", "partner_id": self.steel.id, "amount_untaxed": 10000.0}],
        )
        self.assertEqual(bill.invoice_line_ids.purchase_line_id, commitment)
        self.assertEqual(str(bill.invoice_date), "2026-12-01")
        self.assertIn(bill, commitment.order_id.invoice_ids)

        revised = self.send("subcontract.progress", revision=2, amount="12500.00")
        self.assertFalse(bill.exists(), "the draft of the older revision is replaced")
        self.assertRecordValues(revised.bill_ids, [{"amount_untaxed": 12500.0, "state": "draft"}])

    def test_progress_on_a_posted_bill_sent_back_to_submitted_is_reversed(self):
        self.send("change_order.approved", amount="40000.00")
        bill = self.send("subcontract.progress", percent_complete=50).bill_ids
        bill.action_post()
        back = self.send("subcontract.progress", revision=2, percent_complete=50, status="submitted")
        self.assertEqual(back.state, "done", back.last_error)
        refund = back.bill_ids
        self.assertRecordValues(refund, [{"move_type": "in_refund", "reversed_entry_id": bill.id}])
        provisional = self.provisional("subcontract_progress", "PC-1")
        self.assertRecordValues(provisional, [{"amount": 20000.0}])

    def test_progress_before_its_change_order_retries_then_posts(self):
        job = self.send("subcontract.progress", progress_id="PC-EARLY", amount="500.00")
        self.assertRecordValues(job, [{"state": "retrying", "error_class": "conflict"}])
        self.send("change_order.approved", amount="2000.00")
        job.action_requeue()  # as the backoff would, without waiting for it
        self.process()
        self.assertEqual(job.state, "done", job.last_error)
        self.assertEqual(job.bill_ids.amount_untaxed, 500.0)


@tagged("post_install", "-at_install")
class TestWorkOrder(PostingCase):
    def test_completed_work_order_closes_the_phase_and_marks_it_ready_to_bill(self):
        foundations = self.ref("demo_task_tower_foundations")
        partial = self.send("work_order.completed", percent_complete=60, notes="Pour 1 of 2 <b>done</b>")
        self.assertEqual(partial.state, "done", partial.last_error)
        self.assertRecordValues(
            foundations,
            [{"construction_percent_complete": 60, "construction_ready_to_bill": True, "state": "01_in_progress"}],
        )
        notes = foundations.message_ids.filtered(lambda message: "Pour 1 of 2" in message.body)
        self.assertIn("&lt;b&gt;done&lt;/b&gt;", notes.body, "notes stay text")
        self.send("work_order.completed", revision=2)
        self.assertRecordValues(foundations, [{"construction_percent_complete": 100, "state": "1_done"}])
        self.assertEqual(partial.task_ids.ids, [], "lineage points to the newest job")


@tagged("post_install", "-at_install")
class TestReadmeSamples(PostingCase):
    def test_every_sample_event_of_the_readme_posts_on_the_demo_data(self):
        """``send_event.py --demo TYPE`` for each type, in the README's order."""
        for event_type in send_event.DEMO_DATA:
            event = send_event.demo_event(event_type)
            response = self.deliver(event, connector=self.demo, secret=DEMO_SECRET)
            self.assertEqual(response.status_code, 202, response.text)
            self.process()
            job = self.env["construction.inbound.job"].browse(response.json()["job_id"])
            self.assertEqual(job.state, "done", f"{event_type}: {job.last_error}")
            self.assertTrue(
                job.analytic_line_ids or job.purchase_line_ids or job.bill_ids or job.task_ids,
                f"{event_type} posted nothing",
            )

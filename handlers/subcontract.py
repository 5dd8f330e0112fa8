# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Subcontract progress: an approved claim becomes a draft vendor bill
against the vendor's commitment on the project and cost code; a claim back
at submitted takes the bill back (deleted while draft, else reversed)."""

from decimal import ROUND_HALF_UP, Decimal

from odoo import Command

from ..lib.failures import MissingCommitment
from . import register
from .common import Activity


@register("subcontract.progress")
class SubcontractProgress(Activity):
    record_type = "subcontract_progress"

    def commitment(self):
        project, _task, cost_code = self.place()
        vendor = self.resolve("vendor", "vendor")
        return self.env["purchase.order.line"].search(
            [
                ("order_id.construction_project_id", "=", project.id),
                ("partner_id", "=", vendor.commercial_partner_id.id),
                ("construction_cost_code_id", "=", cost_code.id),
                ("state", "!=", "cancel"),
            ],
            order="id",
        )

    def claim_shares(self, lines):
        """The claim spread over the commitment lines, in proportion to their
        value, to the cent: a percentage of each, or the amount claimed."""
        totals = [Decimal(str(line.price_subtotal)) for line in lines]
        percent = self.data.get("percent_complete")
        if self.data.get("amount") is None:
            claim = sum(totals) * Decimal(str(percent)) / 100
        else:
            claim = self.activity.amount()
        claim = claim.quantize(Decimal("0.01"), ROUND_HALF_UP)
        whole = sum(totals) or 1
        shares = [(claim * total / whole).quantize(Decimal("0.01"), ROUND_HALF_UP) for total in totals]
        shares[-1] += claim - sum(shares)  # rounding remainder on the last line
        return shares

    def post(self):
        lines = self.commitment()
        if not lines:
            raise MissingCommitment(
                f"no commitment (approved change order) for vendor {self.data['vendor']!r} on project "
                f"{self.data['project']!r} and cost code {self.data['cost_code']!r} yet"
            )
        self.check_open_period(self.on_date, purchase=True)
        self.withdraw()
        shares = self.claim_shares(lines)
        self.job.source_amount = float(sum(shares))  # a percentage claim is this much: reconciled against the bill
        return self.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": lines[0].partner_id.id,
                "currency_id": lines[0].currency_id.id,
                "invoice_date": self.on_date,
                "invoice_origin": ", ".join(lines.order_id.mapped("name")),
                "ref": f"{self.job.source_id} rev. {self.job.revision}",
                "construction_job_id": self.job.id,
                "construction_source_key": self.key,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "purchase_line_id": line.id,
                            "product_id": line.product_id.id,
                            "name": line.name,
                            "quantity": 1,
                            "price_unit": float(share),
                            "tax_ids": [Command.set(line.taxes_id.ids)],
                            "analytic_distribution": line.analytic_distribution,
                        }
                    )
                    for line, share in zip(lines, shares, strict=True)
                ],
            }
        )

    def withdraw(self):
        """Take back the live bill: deleted while a draft, reversed once posted."""
        bill = self.env["account.move"].search([("construction_source_key", "=", self.key)])
        if not bill:
            return
        if bill.state == "posted":
            self.check_open_period(self.on_date, purchase=True)
            bill.construction_source_key = False
            bill._reverse_moves([{"invoice_date": self.on_date, "construction_job_id": self.job.id}])
        else:
            bill.unlink()

    def estimate(self):
        lines = self.commitment()
        return 0.0, float(sum(self.claim_shares(lines))) if lines else float(self.activity.amount() or 0)

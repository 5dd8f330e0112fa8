# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PurchaseOrder(models.Model):
    _inherit = "purchase.order"

    construction_project_id = fields.Many2one(
        "project.project",
        string="Construction Project",
        index="btree_not_null",
        copy=False,
        help="Subcontract commitment: while a draft, approved change orders of this project and vendor add lines here.",
    )


class PurchaseOrderLine(models.Model):
    _inherit = "purchase.order.line"

    construction_job_id = fields.Many2one(
        "construction.inbound.job", string="Construction Job", index="btree_not_null", readonly=True, copy=False
    )
    construction_cost_code_id = fields.Many2one(
        "construction.cost.code", string="Cost Code", index="btree_not_null", copy=False
    )
    construction_source_key = fields.Char(
        readonly=True, copy=False, help="connector:record type:source id of the change order this line commits."
    )

    def init(self):
        # One live commitment line per change order, whatever happens above.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS purchase_order_line_construction_source_uniq"
            " ON purchase_order_line (construction_source_key) WHERE construction_source_key IS NOT NULL"
        )

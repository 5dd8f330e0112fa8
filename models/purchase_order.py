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
    _name = "purchase.order.line"
    _inherit = ["construction.posting.mixin", "purchase.order.line"]  # a change order's commitment

    construction_cost_code_id = fields.Many2one(
        "construction.cost.code", string="Cost Code", index="btree_not_null", copy=False
    )

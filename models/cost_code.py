# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

COST_TYPES = [
    ("labor", "Labor"),
    ("equipment", "Equipment"),
    ("material", "Material"),
    ("subcontract", "Subcontract"),
    ("other", "Other"),
]


class ConstructionCostCode(models.Model):
    _name = "construction.cost.code"
    _inherit = ["construction.cache.mixin"]  # construction.mapping._resolve_entry
    _description = "Construction Cost Code"
    _parent_store = True
    _check_company_auto = True
    _order = "complete_code, id"
    _rec_names_search = ["code", "name", "complete_code"]

    code = fields.Char(required=True, index=True)
    name = fields.Char(required=True, translate=True)
    complete_code = fields.Char(
        compute="_compute_complete_code", store=True, recursive=True, help="Codes of all parents, then this one."
    )
    cost_type = fields.Selection(COST_TYPES, required=True, default="other")
    active = fields.Boolean(default=True)
    parent_id = fields.Many2one("construction.cost.code", index=True, ondelete="restrict")
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("construction.cost.code", "parent_id", string="Children")
    company_id = fields.Many2one("res.company", default=lambda self: self.env.company, index=True)
    product_id = fields.Many2one(
        "product.product",
        string="Default Product",
        check_company=True,
        help="What commitments and bills on this cost code buy; the generic subcontract service when empty.",
    )
    expense_account_id = fields.Many2one(
        "account.account",
        check_company=True,
        help="Financial account of the cost lines posted on this code; the product's expense account when empty.",
    )
    analytic_account_id = fields.Many2one(
        "account.analytic.account",
        readonly=True,
        copy=False,
        ondelete="restrict",
        help="Account in the Cost Codes analytic plan that postings are tagged with.",
    )

    _sql_constraints = [
        ("code_company_unique", "UNIQUE(code, company_id)", "A cost code must be unique per company."),
    ]

    @api.depends("code", "parent_id.complete_code")
    def _compute_complete_code(self):
        for cost_code in self:
            parent = cost_code.parent_id.complete_code
            cost_code.complete_code = f"{parent} / {cost_code.code}" if parent else cost_code.code

    @api.depends("code", "name")
    def _compute_display_name(self):
        for cost_code in self:
            cost_code.display_name = f"{cost_code.code} {cost_code.name}"

    @api.constrains("parent_id")
    def _check_parent_id(self):
        if self._has_cycle():
            raise ValidationError(self.env._("Cost codes cannot be their own ancestors."))

    @api.model_create_multi
    def create(self, vals_list):
        cost_codes = super().create(vals_list)
        cost_codes.filtered(lambda c: not c.analytic_account_id)._create_analytic_accounts()
        # A platform code equal to a cost code resolves without a mapping.
        self.env["construction.inbound.job"]._release_waiting("cost_code", cost_codes.mapped("code"))
        return cost_codes

    def write(self, vals):
        result = super().write(vals)
        if "code" in vals or vals.get("active"):
            self.env["construction.inbound.job"]._release_waiting("cost_code", self.mapped("code"))
        return result

    def _create_analytic_accounts(self):
        plan = self.env.ref("construction_connector.analytic_plan_cost_codes")
        values = [
            {
                "name": cost_code.display_name,
                "code": cost_code.code,
                "plan_id": plan.id,
                "company_id": cost_code.company_id.id,
            }
            for cost_code in self
        ]
        # Cost-code admins need not be analytic accounting managers.
        accounts = self.env["account.analytic.account"].sudo().create(values)
        for cost_code, account in zip(self, accounts, strict=True):
            cost_code.analytic_account_id = account

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models, tools


class AccountAnalyticLine(models.Model):
    _name = "account.analytic.line"
    _inherit = ["construction.posting.mixin", "account.analytic.line"]

    construction_phase_id = fields.Many2one(
        "project.task",
        string="Phase",
        index="btree_not_null",
        readonly=True,
        copy=False,
        help="Equipment and material cost: the phase it was used on (timesheets use the task).",
    )
    construction_equipment_id = fields.Many2one(
        "maintenance.equipment", string="Equipment", index="btree_not_null", readonly=True, copy=False
    )

    def _timesheet_preprocess_get_accounts(self, vals):
        # Timesheets take every analytic dimension from their project; the
        # cost code dimension belongs to the line itself when one is given.
        accounts = super()._timesheet_preprocess_get_accounts(vals)
        column = self._cost_code_column()
        if column and vals.get(column):
            accounts[column] = vals[column]
        return accounts

    @api.model
    @tools.ormcache()
    def _cost_code_column(self):
        """The column of the Cost Codes plan, e.g. x_plan3_id. Cached: the
        queue asks for every line it posts, and hr_timesheet twice more."""
        plan = self.env.ref("construction_connector.analytic_plan_cost_codes", raise_if_not_found=False)
        return plan._column_name() if plan else None

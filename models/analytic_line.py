# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import contextlib
import contextvars
import functools

from odoo import api, fields, models, tools

# The analytic plans as seen by one batch create of lines (see _same_plans).
_plans_memo = contextvars.ContextVar("construction_connector_plans_memo", default=None)


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
    @contextlib.contextmanager
    def _same_plans(self):
        """Within this block, the plans' columns and which plans are
        mandatory are worked out once, not per line: hr_timesheet asks again
        for every line it creates and every amount it computes, which was a
        third of the cost of posting a batch of timesheets. The block creates
        lines only, so the plans cannot change inside it."""
        token = _plans_memo.set({})
        try:
            yield
        finally:
            _plans_memo.reset(token)

    def _get_plan_fnames(self):
        return list(_remembered(("fnames",), super()._get_plan_fnames))

    def _get_mandatory_plans(self, company, business_domain):
        compute = functools.partial(super()._get_mandatory_plans, company, business_domain)
        return list(_remembered(("mandatory", company.id, business_domain), compute))

    @api.model
    @tools.ormcache()
    def _cost_code_column(self):
        """The column of the Cost Codes plan, e.g. x_plan3_id. Cached: the
        queue asks for every line it posts, and hr_timesheet twice more."""
        plan = self.env.ref("construction_connector.analytic_plan_cost_codes", raise_if_not_found=False)
        return plan._column_name() if plan else None


def _remembered(key, compute):
    memo = _plans_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import contextlib
import contextvars
import functools
from collections import defaultdict

from odoo import api, fields, models, tools

# What one batch create of lines shares (see _batch_create): the analytic
# plans as seen by it, and the amounts hr_timesheet computes for its lines.
_batch_memo = contextvars.ContextVar("construction_connector_batch_memo", default=None)
_AMOUNTS = "amounts"


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
        key = ("accounts", vals.get("project_id"), vals.get("company_id"))
        accounts = dict(_remembered(key, functools.partial(super()._timesheet_preprocess_get_accounts, vals)))
        column = self._cost_code_column()
        if column and vals.get(column):
            accounts[column] = vals[column]
        return accounts

    @api.model
    @contextlib.contextmanager
    def _batch_create(self):
        """A block that creates a batch of lines, and only that.

        hr_timesheet asks again for the analytic plans (and reads the
        project's accounts) for every line it creates and every amount it
        computes, then writes each line's cost amount in a write of its own:
        together half the cost of posting a batch of timesheets. Inside this
        block the plans and each project's accounts are worked out once (the
        block creates lines only, so they cannot change), and the amounts
        are written at its end, one write per distinct value, and only where
        the line was not created with that amount already.
        """
        token = _batch_memo.set({})
        try:
            yield
            pending = _batch_memo.get().get(_AMOUNTS, [])
        finally:
            _batch_memo.reset(token)
        self._write_postprocessed(pending)

    def _timesheet_postprocess_values(self, values):
        result = super()._timesheet_postprocess_values(values)
        memo = _batch_memo.get()
        if memo is None:
            return result
        pending = memo.setdefault(_AMOUNTS, [])
        for line in self.sudo().browse(result):
            vals = dict(result[line.id])
            # A line created with the amount hr_timesheet computes needs no
            # second write of it.
            if "amount" in vals and line.currency_id.is_zero(vals["amount"] - line.amount):
                del vals["amount"]
            if vals:
                pending.append((line.id, vals))
        return {line_id: {} for line_id in result}

    @api.model
    def _write_postprocessed(self, pending):
        """Write what hr_timesheet computed for each line, lines with the
        same values together (as hr_timesheet does, with sudo)."""
        groups = defaultdict(list)
        for line_id, vals in pending:
            groups[repr(sorted(vals.items()))].append((line_id, vals))
        for items in groups.values():
            self.sudo().browse(line_id for line_id, _vals in items).write(items[0][1])

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
    memo = _batch_memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]

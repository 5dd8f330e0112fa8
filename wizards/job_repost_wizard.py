# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models
from odoo.exceptions import UserError


class ConstructionJobRepostWizard(models.TransientModel):
    """Finance corrects what a job resolved to, and posts it again."""

    _name = "construction.job.repost.wizard"
    _inherit = ["construction.job.wizard.mixin"]
    _description = "Repost Inbound Jobs with Overrides"

    project_id = fields.Many2one("project.project")
    task_id = fields.Many2one("project.task", string="Phase", domain="[('project_id', '=?', project_id)]")
    cost_code_id = fields.Many2one("construction.cost.code", string="Cost Code")
    employee_id = fields.Many2one("hr.employee")
    date = fields.Date(help="Post on this date instead of the event's, e.g. out of a locked period.")
    quantity = fields.Float(help="Hours or quantity instead of the event's.")

    def _overrides(self):
        overrides = {
            "project": self.project_id.id,
            "phase": self.task_id.id,
            "cost_code": self.cost_code_id.id,
            "employee": self.employee_id.id,
            "date": self.date and self.date.isoformat(),
            "quantity": self.quantity,
        }
        return {name: value for name, value in overrides.items() if value}

    def action_repost(self):
        self.ensure_one()
        jobs = self.job_ids
        if any(job.state == "received" for job in jobs):
            raise UserError(self.env._("Jobs still in the queue are posted as they are; repost them afterwards."))
        jobs._repost(self._overrides())
        return {"type": "ir.actions.act_window_close"}

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ConstructionJobCloseWizard(models.TransientModel):
    """Cancel or ignore jobs, with the reason finance gives."""

    _name = "construction.job.close.wizard"
    _inherit = ["construction.job.wizard.mixin"]
    _description = "Cancel or Ignore Inbound Jobs"

    state = fields.Selection(
        [("cancelled", "Cancel: should never have been sent"), ("ignored", "Ignore: not for Odoo")],
        string="Action",
        required=True,
        default="cancelled",
    )
    reason = fields.Text(required=True)

    def action_confirm(self):
        self.ensure_one()
        self.job_ids._close(self.state, self.reason)
        return {"type": "ir.actions.act_window_close"}

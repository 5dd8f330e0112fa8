# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class ConstructionJobCloseWizard(models.TransientModel):
    """Cancel or ignore jobs, with the reason finance gives."""

    _name = "construction.job.close.wizard"
    _description = "Cancel or Ignore Inbound Jobs"

    job_ids = fields.Many2many("construction.inbound.job", required=True)
    state = fields.Selection(
        [("cancelled", "Cancel: should never have been sent"), ("ignored", "Ignore: not for Odoo")],
        string="Action",
        required=True,
        default="cancelled",
    )
    reason = fields.Text(required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "construction.inbound.job":
            values["job_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

    def action_confirm(self):
        self.ensure_one()
        self.job_ids._close(self.state, self.reason)
        return {"type": "ir.actions.act_window_close"}

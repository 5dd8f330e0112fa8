# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class ConstructionJobWizardMixin(models.AbstractModel):
    """A wizard acting on the jobs selected in the list, or the one open."""

    _name = "construction.job.wizard.mixin"
    _description = "Wizard on Inbound Jobs"

    job_ids = fields.Many2many("construction.inbound.job", required=True)

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        if self.env.context.get("active_model") == "construction.inbound.job":
            values["job_ids"] = [(6, 0, self.env.context.get("active_ids", []))]
        return values

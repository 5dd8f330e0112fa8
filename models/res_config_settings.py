# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    construction_retention_days = fields.Integer(
        string="Keep finished jobs (days)",
        config_parameter="construction_connector.retention_days",
        default=90,
        help="Jobs that are done or ignored are deleted after this many days.",
    )

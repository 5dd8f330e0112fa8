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
    construction_max_attempts = fields.Integer(
        string="Attempts before dead",
        config_parameter="construction_connector.max_attempts",
        default=5,
        help="A job failing for a passing reason (lock, platform down) is tried this many times.",
    )
    construction_retry_base_seconds = fields.Integer(
        string="First retry after (seconds)",
        config_parameter="construction_connector.retry_base_seconds",
        default=60,
        help="Each retry waits about twice as long as the one before, up to an hour.",
    )
    construction_alert_delay_hours = fields.Integer(
        string="Alert after (hours)",
        config_parameter="construction_connector.alert_delay_hours",
        default=4,
        help="A job dead, quarantined or waiting this long gives Finance an activity, once.",
    )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

JOB_STATES = [
    ("received", "Received"),
    ("waiting_mapping", "Waiting for Mapping"),
    ("waiting_approval", "Waiting for Approval"),
    ("retrying", "Retrying"),
    ("done", "Done"),
    ("dead", "Dead"),
    ("quarantined", "Quarantined"),
    ("ignored", "Ignored"),
    ("cancelled", "Cancelled"),
]

ERROR_CLASSES = [
    ("validation", "Validation"),
    ("mapping", "Mapping"),
    ("approval", "Approval"),
    ("locked_period", "Locked Period"),
    ("transient", "Transient"),
    ("conflict", "Conflict"),
    ("internal", "Internal"),
]


class ConstructionInboundJob(models.Model):
    _name = "construction.inbound.job"
    _description = "Construction Inbound Job"
    _inherit = ["mail.thread"]
    _order = "id desc"
    _rec_name = "event_id"

    connector_id = fields.Many2one(
        "construction.connector", required=True, readonly=True, index=True, ondelete="restrict"
    )
    company_id = fields.Many2one(related="connector_id.company_id", store=True, index=True)
    event_id = fields.Char(required=True, readonly=True, help="The platform's idempotency key.")
    event_type = fields.Char(readonly=True, index=True)
    event_version = fields.Char(readonly=True)
    state = fields.Selection(JOB_STATES, required=True, default="received", index=True, tracking=True)
    attempts = fields.Integer(readonly=True)
    next_attempt_at = fields.Datetime(readonly=True, index=True)
    error_class = fields.Selection(ERROR_CLASSES, readonly=True, tracking=True)
    last_error = fields.Text(readonly=True)
    received_at = fields.Datetime(required=True, readonly=True, default=fields.Datetime.now)
    payload = fields.Text(readonly=True, help="The request body exactly as received.")
    headers = fields.Text(readonly=True, help="The request headers that matter, as JSON.")

    _sql_constraints = [
        (
            "event_unique_per_connector",
            "UNIQUE(connector_id, event_id)",
            "This event was already received by this connector.",
        ),
    ]

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

RECORD_TYPES = [
    ("timesheet", "Labour"),
    ("equipment_usage", "Equipment"),
    ("material_usage", "Material"),
    ("subcontract_progress", "Subcontract Progress"),
]


class ConstructionProvisionalCost(models.Model):
    """Submitted, not yet approved field activity: no accounting, but finance
    sees what is coming. One row per source record, kept by the posting
    handlers; it goes when the activity is approved (committed cost) or
    rejected."""

    _name = "construction.provisional.cost"
    _description = "Construction Provisional Cost"
    _order = "date desc, id desc"
    _rec_name = "description"

    source_key = fields.Char(required=True, readonly=True, index=True)
    connector_id = fields.Many2one("construction.connector", required=True, readonly=True, ondelete="cascade")
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    job_id = fields.Many2one("construction.inbound.job", string="Job", readonly=True, ondelete="set null")
    record_type = fields.Selection(RECORD_TYPES, string="Activity", required=True, readonly=True)
    description = fields.Char(readonly=True)
    date = fields.Date(required=True, readonly=True)
    project_id = fields.Many2one("project.project", readonly=True, index=True)
    task_id = fields.Many2one("project.task", string="Phase", readonly=True)
    cost_code_id = fields.Many2one("construction.cost.code", string="Cost Code", readonly=True, index=True)
    quantity = fields.Float(readonly=True, help="Hours or quantity in the activity's unit.")
    amount = fields.Monetary(readonly=True, help="Estimated cost at today's rates.")

    _sql_constraints = [
        ("source_key_unique", "UNIQUE(source_key)", "One provisional cost per field record."),
    ]

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ProjectTask(models.Model):
    _inherit = "project.task"

    # Reported by the field platform's work orders; Odoo's own "progress"
    # is computed from timesheet hours and would contradict it.
    construction_percent_complete = fields.Float(
        string="Field Progress (%)", readonly=True, copy=False, tracking=True, aggregator="avg"
    )
    construction_ready_to_bill = fields.Boolean(
        string="Ready to Bill", copy=False, tracking=True, help="A work order on this phase was completed in the field."
    )
    construction_job_id = fields.Many2one(
        "construction.inbound.job",
        string="Last Work Order Job",
        readonly=True,
        copy=False,
        index="btree_not_null",
        groups="construction_connector.group_construction_user",
    )

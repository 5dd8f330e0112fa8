# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models
from odoo.tools import SQL


class ConstructionSourceRevision(models.Model):
    """One row per revision of a source record that was applied in Odoo.

    The unique key is the last line of defence against double posting:
    whatever happens above it, the same revision of the same timesheet (or
    usage, or change order) can be applied once.
    """

    _name = "construction.source.revision"
    _description = "Applied Source Revision"
    _order = "connector_id, record_type, source_id, revision desc"

    connector_id = fields.Many2one("construction.connector", required=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="connector_id.company_id", store=True)
    record_type = fields.Char(required=True)
    source_id = fields.Char(required=True)
    revision = fields.Integer(required=True)
    job_id = fields.Many2one("construction.inbound.job", required=True, ondelete="cascade", index=True)

    _sql_constraints = [
        (
            "revision_applied_once",
            "UNIQUE(connector_id, record_type, source_id, revision)",
            "This revision of the source record was already applied.",
        ),
    ]

    def _newest_applied(self, connector_id, record_type, source_id):
        self.env.cr.execute(
            SQL(
                "SELECT MAX(revision) FROM construction_source_revision"
                " WHERE connector_id = %s AND record_type = %s AND source_id = %s",
                connector_id,
                record_type,
                source_id,
            )
        )
        return self.env.cr.fetchone()[0]

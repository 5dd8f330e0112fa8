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

    def _newest_applied_many(self, keys):
        """{(connector id, record type, source id): newest applied revision} of ``keys``."""
        if not keys:
            return {}
        self.env.cr.execute(
            SQL(
                "SELECT connector_id, record_type, source_id, MAX(revision) FROM construction_source_revision"
                " WHERE (connector_id, record_type, source_id) IN %s GROUP BY connector_id, record_type, source_id",
                tuple(keys),
            )
        )
        return {tuple(row[:3]): row[3] for row in self.env.cr.fetchall()}

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
        """{(connector id, record type, source id): newest applied revision} of ``keys``.

        One index probe per key (the unique key read backwards): a
        ``(a, b, c) IN (...)`` list of hundreds of keys took PostgreSQL longer
        to plan than to run, and longer as the table grew.
        """
        if not keys:
            return {}
        connector_ids, record_types, source_ids = zip(*keys, strict=True)
        self.env.cr.execute(
            SQL(
                """SELECT k.connector_id, k.record_type, k.source_id, newest.revision
                     FROM unnest(%s::int[], %s::varchar[], %s::varchar[]) AS k(connector_id, record_type, source_id)
                     CROSS JOIN LATERAL (
                         SELECT revision FROM construction_source_revision r
                          WHERE r.connector_id = k.connector_id AND r.record_type = k.record_type
                            AND r.source_id = k.source_id
                          ORDER BY revision DESC LIMIT 1
                     ) newest""",
                list(connector_ids),
                list(record_types),
                list(source_ids),
            )
        )
        return {tuple(row[:3]): row[3] for row in self.env.cr.fetchall()}

    def _record_applied(self, jobs):
        """One row per job: the revision each applied. A single INSERT for
        the batch (this is the queue's bookkeeping, hundreds of rows per
        batch); the unique key still refuses a revision applied twice."""
        if not jobs:
            return
        jobs.flush_recordset(["connector_id", "company_id", "record_type", "source_id", "revision"])
        self.env.cr.execute(
            SQL(
                """INSERT INTO construction_source_revision
                       (connector_id, company_id, record_type, source_id, revision, job_id,
                        create_uid, write_uid, create_date, write_date)
                   SELECT job.connector_id, job.company_id, job.record_type, job.source_id, job.revision, job.id,
                          %(uid)s, %(uid)s, %(now)s, %(now)s
                     FROM construction_inbound_job job WHERE job.id IN %(ids)s""",
                uid=self.env.uid,
                now=fields.Datetime.now(),
                ids=tuple(jobs.ids),
            )
        )

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models
from odoo.tools import SQL


class ConstructionPostingMixin(models.AbstractModel):
    """Records a job posts (analytic lines, commitment lines, bills): linked
    to the job, and keyed by the field record they are the live posting of.
    Listed first in ``_inherit``, so that its ``init`` runs whatever the
    inherited model's own ``init`` chain does."""

    _name = "construction.posting.mixin"
    _description = "Posted by a Construction Job"

    construction_job_id = fields.Many2one(
        "construction.inbound.job", string="Construction Job", index="btree_not_null", readonly=True, copy=False
    )
    construction_source_key = fields.Char(
        readonly=True,
        copy=False,
        help="connector:record type:source id of the field record this is the live posting of.",
    )

    def init(self):
        super().init()
        if self._abstract:
            return
        # One live posting per field record, whatever happens above.
        self.env.cr.execute(
            SQL(
                "CREATE UNIQUE INDEX IF NOT EXISTS %s ON %s (construction_source_key)"
                " WHERE construction_source_key IS NOT NULL",
                SQL.identifier(f"{self._table}_construction_source_uniq"),
                SQL.identifier(self._table),
            )
        )

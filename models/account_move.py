# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class AccountMove(models.Model):
    _inherit = "account.move"

    construction_job_id = fields.Many2one(
        "construction.inbound.job", string="Construction Job", index="btree_not_null", readonly=True, copy=False
    )
    construction_source_key = fields.Char(
        readonly=True,
        copy=False,
        help="connector:record type:source id of the progress claim this bill is the live posting of.",
    )

    def init(self):
        super().init()
        # One live bill per progress claim, whatever happens above.
        self.env.cr.execute(
            "CREATE UNIQUE INDEX IF NOT EXISTS account_move_construction_source_uniq"
            " ON account_move (construction_source_key) WHERE construction_source_key IS NOT NULL"
        )

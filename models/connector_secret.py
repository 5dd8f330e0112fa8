# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models, tools
from odoo.tools import SQL

from ..lib.secret_box import SecretBox, derive_key

# Odoo config-file option holding the Fernet key that encrypts secrets.
KEY_OPTION = "construction_connector_key"


class ConstructionConnectorSecret(models.Model):
    """A signing secret of a connector, several at once for rotation.

    The encrypted secret lives in a column the ORM does not know (created in
    init(), as res.users.apikeys does), so no API can ever read it back.
    """

    _name = "construction.connector.secret"
    _inherit = ["construction.cache.mixin"]  # _plaintexts_by_connector
    _description = "Construction Connector Secret"
    _order = "create_date desc, id desc"

    connector_id = fields.Many2one("construction.connector", required=True, ondelete="cascade", index=True)
    name = fields.Char(string="Label", required=True, default="Secret")
    hint = fields.Char(readonly=True, help="The last characters of the secret, to tell secrets apart.")
    expires_at = fields.Datetime(help="After this moment the secret no longer verifies anything.")
    active = fields.Boolean(default=True)
    is_expired = fields.Boolean(compute="_compute_is_expired")

    def init(self):
        self.env.cr.execute(
            SQL("ALTER TABLE %s ADD COLUMN IF NOT EXISTS ciphertext VARCHAR", SQL.identifier(self._table))
        )

    @api.depends("expires_at")
    def _compute_is_expired(self):
        now = fields.Datetime.now()
        for secret in self:
            secret.is_expired = bool(secret.expires_at and secret.expires_at <= now)

    @api.model
    def _secret_box(self):
        key = tools.config.get(KEY_OPTION)
        if not key:
            # Fallback: derived from the database secret. It keeps secrets out
            # of plain text, but anyone with the whole database can derive it:
            # set construction_connector_key in the config file in production.
            database_secret = self.env["ir.config_parameter"].sudo().get_param("database.secret")
            key = derive_key(database_secret)
        return SecretBox(key)

    def _store_plaintext(self, plaintext):
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "UPDATE %s SET ciphertext = %s WHERE id = %s",
                SQL.identifier(self._table),
                self._secret_box().seal(plaintext),
                self.id,
            )
        )

    @api.model
    @tools.ormcache("connector_id")
    def _plaintexts_by_connector(self, connector_id):
        """(plaintext, expires_at) of the connector's active secrets, cached per process."""
        box = self._secret_box()  # may query: before our SELECT, not between it and fetchall()
        self.env.cr.execute(
            SQL(
                "SELECT ciphertext, expires_at FROM %s WHERE connector_id = %s AND active AND ciphertext IS NOT NULL",
                SQL.identifier(self._table),
                connector_id,
            )
        )
        return tuple((box.open(ciphertext), expires_at) for ciphertext, expires_at in self.env.cr.fetchall())

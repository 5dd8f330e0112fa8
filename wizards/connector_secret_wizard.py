# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class ConstructionConnectorSecretWizard(models.TransientModel):
    _name = "construction.connector.secret.wizard"
    _description = "Add a Connector Secret"

    connector_id = fields.Many2one("construction.connector", required=True, ondelete="cascade")
    auth_scheme = fields.Selection(related="connector_id.auth_scheme")
    name = fields.Char(string="Label", required=True, default=lambda self: self.env._("Secret"))
    secret = fields.Char(help="Leave empty to generate a strong one (whsec_... for Standard Webhooks).")
    expires_at = fields.Datetime(help="Optional: the secret stops verifying after this moment.")
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")

    def action_confirm(self):
        self.ensure_one()
        typed = self.secret
        secret = self.connector_id.action_set_secret(typed or None, self.expires_at, self.name)
        # A typed secret is already known to its author: never echo it back.
        # A generated one is shown this once, then only its hint remains.
        self.write({"secret": False if typed else secret, "state": "done"})
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }

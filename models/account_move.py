# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class AccountMove(models.Model):
    _name = "account.move"
    _inherit = ["construction.posting.mixin", "account.move"]  # a progress claim's bill

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models


class ConstructionCacheMixin(models.AbstractModel):
    """Records that per-process caches are built from: connector settings by
    token, decrypted secrets, resolved mappings and cost codes. Any change
    clears the caches, and Odoo tells every other worker to do the same."""

    _name = "construction.cache.mixin"
    _description = "Construction Connector Cache Source"

    @api.model_create_multi
    def create(self, vals_list):
        records = super().create(vals_list)
        self.env.registry.clear_cache()
        return records

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

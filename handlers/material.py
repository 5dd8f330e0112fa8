# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Material: approved usage becomes an analytic cost line of quantity x the
unit cost sent, or the product's cost in the unit used."""

from ..lib.failures import InvalidEvent
from . import register
from .common import AnalyticActivity


@register("material.usage")
class MaterialUsage(AnalyticActivity):
    record_type = "material_usage"

    def line_values(self):
        project, task, cost_code = self.place()
        product = self.resolve("product", "product").with_company(self.env.company)
        uom = self.unit_of_measure(product)
        quantity = self.data["quantity"]
        unit_cost = self.activity.amount("unit_cost")
        if unit_cost is None:
            unit_cost = product.uom_id._compute_price(product.standard_price, uom)
        expense_account = product._get_product_accounts()["expense"]
        return {
            **self.cost_values(project, task, cost_code, quantity * float(unit_cost), expense_account),
            "name": f"{product.display_name}: {quantity:g} {uom.name}",
            "unit_amount": quantity,
            "product_id": product.id,
            "product_uom_id": uom.id,
        }

    def unit_of_measure(self, product):
        """The unit the platform names (m3 means m³), among the product's
        compatible units; the product's own unit when none is named."""
        name = self.data.get("uom")
        if not name:
            return product.uom_id
        units = self.env["uom.uom"].search([("category_id", "=", product.uom_id.category_id.id)])
        uom = units.filtered(lambda unit: _plain(unit.name) == _plain(name))[:1]
        if not uom:
            raise InvalidEvent(f"unit {name!r} is not a unit of {product.display_name} ({product.uom_id.name})")
        return uom


def _plain(unit_name):
    return unit_name.strip().lower().replace("³", "3").replace("²", "2")

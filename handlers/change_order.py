# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Change orders: an approved change order is a subcontract commitment, a
purchase order line for the vendor on the project's one open draft order,
with the project's and cost code's analytic distribution."""

from ..lib.failures import InvalidEvent
from . import register
from .common import Activity

SUBCONTRACT_PRODUCT = "construction_connector.product_subcontract_work"


@register("change_order.approved")
class ChangeOrder(Activity):
    def apply(self):
        project, _task, cost_code = self.place()
        vendor = self.resolve("vendor", "vendor")
        currency = self.currency()
        values = {
            "product_id": (cost_code.product_id or self.env.ref(SUBCONTRACT_PRODUCT)).id,
            "name": self.data.get("description") or f"Change order {self.job.source_id}",
            "product_qty": 1,
            "price_unit": float(self.activity.amount()),
            "analytic_distribution": {f"{self.project_account(project).id},{cost_code.analytic_account_id.id}": 100},
            "construction_cost_code_id": cost_code.id,
            "construction_job_id": self.job.id,
            "construction_source_key": self.key,
        }
        line = self.env["purchase.order.line"].search([("construction_source_key", "=", self.key)])
        if line:
            line.write(values)  # a newer revision: the commitment follows it
            return line
        order = self.open_order(project, vendor, currency)
        return self.env["purchase.order.line"].create({**values, "order_id": order.id})

    def currency(self):
        code = self.data.get("currency")
        if not code:
            return self.env.company.currency_id
        currency = self.env["res.currency"].search([("name", "=", code)], limit=1)
        if not currency:
            raise InvalidEvent(f"currency {code!r} is not active in Odoo")
        return currency

    def open_order(self, project, vendor, currency):
        """The project's draft commitment with this vendor, or a new one."""
        Order = self.env["purchase.order"]
        key = {
            "construction_project_id": project.id,
            "partner_id": vendor.id,
            "currency_id": currency.id,
            "company_id": self.env.company.id,
        }
        order = Order.search([*((field, "=", value) for field, value in key.items()), ("state", "=", "draft")], limit=1)
        return order or Order.create({**key, "origin": project.name})

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What an external code can stand for (fixed by the wire contract)."""

# kind -> Odoo model its res_id points to (fixed by the wire contract).
MAPPING_MODELS = {
    "project": "project.project",
    "phase": "project.task",
    "employee": "hr.employee",
    "equipment": "maintenance.equipment",
    "product": "product.product",
    "vendor": "res.partner",
    "cost_code": "construction.cost.code",
}

# kind -> the form's picker field for it
PICKER_FIELDS = {
    "project": "project_id",
    "phase": "task_id",
    "employee": "employee_id",
    "equipment": "equipment_id",
    "product": "product_id",
    "vendor": "partner_id",
    "cost_code": "cost_code_id",
}

MAPPING_KINDS = [
    ("project", "Project"),
    ("phase", "Phase"),
    ("employee", "Employee"),
    ("equipment", "Equipment"),
    ("product", "Product"),
    ("vendor", "Vendor"),
    ("cost_code", "Cost Code"),
]

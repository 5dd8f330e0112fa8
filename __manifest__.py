# Copyright 2026 construction_connector authors
# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
{
    "name": "Construction Connector",
    "summary": "Signed field-platform webhooks become approved project cost in Odoo",
    "version": "18.0.1.2.0",
    "category": "Services/Project",
    "website": "https://github.com/construction-connector/construction_connector",
    "author": "construction_connector authors",
    "license": "LGPL-3",
    "application": True,
    "installable": True,
    "depends": [
        "hr_timesheet",
        "purchase",
        "account",
        "maintenance",
    ],
    "external_dependencies": {
        "python": ["cryptography", "jsonschema", "requests"],
    },
    "data": [
        "security/construction_security.xml",
        "security/ir.model.access.csv",
        "data/analytic_plan_data.xml",
        "data/ir_cron_data.xml",
        "data/product_data.xml",
        "wizards/connector_secret_wizard_views.xml",
        "wizards/job_wizards_views.xml",
        "views/connector_views.xml",
        "views/inbound_job_views.xml",
        "views/cost_code_views.xml",
        "views/mapping_views.xml",
        "views/provisional_cost_views.xml",
        "views/reconciliation_views.xml",
        "views/dashboard_views.xml",
        "views/project_task_views.xml",
        "views/res_config_settings_views.xml",
        "views/menus.xml",
    ],
    "assets": {
        "web.assets_tests": [
            "construction_connector/static/tests/tours/*.js",
        ],
    },
    "demo": [
        "demo/construction_demo.xml",
        "demo/construction_demo_secret.xml",
    ],
}

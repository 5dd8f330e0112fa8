# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import os
import shutil
import subprocess

from odoo.modules.module import get_manifest
from odoo.sql_db import db_connect
from odoo.tests import TransactionCase, tagged
from odoo.tools import SQL, config

MODULE = "construction_connector"


@tagged("post_install", "-at_install")
class TestModule(TransactionCase):
    def test_installed_at_manifest_version(self):
        module = self.env["ir.module.module"].search([("name", "=", MODULE)])
        self.assertRecordValues(module, [{"state": "installed", "latest_version": "18.0.1.2.0"}])
        self.assertEqual(get_manifest(MODULE)["license"], "LGPL-3")

    def test_groups_each_imply_the_previous(self):
        user = self.env.ref(f"{MODULE}.group_construction_user")
        finance = self.env.ref(f"{MODULE}.group_construction_finance")
        admin = self.env.ref(f"{MODULE}.group_construction_admin")
        self.assertIn(user, finance.implied_ids)
        self.assertIn(finance, admin.implied_ids)
        self.assertIn(self.env.ref("base.group_user"), user.implied_ids)
        self.assertTrue(self.env.ref("base.user_admin").has_group(f"{MODULE}.group_construction_admin"))

    def test_app_menu_lists_its_entries(self):
        root = self.env.ref(f"{MODULE}.menu_construction_root")
        self.assertEqual(root.name, "Construction")
        self.assertFalse(root.parent_id)
        self.assertEqual(
            root.child_id.mapped("name"),
            ["Overview", "Inbound Jobs", "Mappings", "Cost Codes", "Connectors", "Reporting", "Configuration"],
        )

    def test_the_database_refuses_a_second_live_posting_of_a_field_record(self):
        for table in ("account_analytic_line", "purchase_order_line", "account_move"):
            self.env.cr.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename = %s AND indexname = %s",
                [table, f"{table}_construction_source_uniq"],
            )
            (definition,) = self.env.cr.fetchone() or (None,)
            self.assertIn("UNIQUE INDEX", definition or "", table)
            self.assertIn("(construction_source_key)", definition, table)

    def test_cost_codes_analytic_plan_exists(self):
        plan = self.env.ref(f"{MODULE}.analytic_plan_cost_codes")
        self.assertEqual(plan.name, "Cost Codes")


@tagged("post_install", "-at_install")
class TestInstallUpgrade(TransactionCase):
    """Install then upgrade the addon in a database of its own, as an admin would."""

    def setUp(self):
        super().setUp()
        self.template = os.environ.get("CC_TEMPLATE_DB")
        if not self.template:
            self.skipTest("CC_TEMPLATE_DB not set: run through `make test`")
        self.db = f"{self.env.cr.dbname}_install_check"
        self._drop_db()
        with db_connect("postgres").cursor() as cr:
            cr._cnx.autocommit = True
            cr.execute(SQL("CREATE DATABASE %s TEMPLATE %s", SQL.identifier(self.db), SQL.identifier(self.template)))
        filestore = config.filestore(self.template)
        if os.path.isdir(filestore):
            shutil.copytree(filestore, config.filestore(self.db))
        self.addCleanup(self._drop_db)

    def _drop_db(self):
        with db_connect("postgres").cursor() as cr:
            cr._cnx.autocommit = True
            cr.execute(SQL("DROP DATABASE IF EXISTS %s WITH (FORCE)", SQL.identifier(self.db)))
        shutil.rmtree(config.filestore(self.db), ignore_errors=True)

    def _odoo(self, *args):
        command = [os.environ["CC_PY"], os.environ["CC_ODOO_BIN"], "-c", os.environ["CC_ODOO_CONF"]]
        command += ["-d", self.db, "--stop-after-init", "--log-level=info", *args]
        return subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)

    def _assert_clean(self, run):
        self.assertEqual(run.returncode, 0, run.stderr[-3000:])
        bad = [
            line
            for line in run.stderr.splitlines()
            if " ERROR " in line or " CRITICAL " in line or (" WARNING " in line and MODULE in line)
        ]
        self.assertFalse(bad, "\n".join(bad))

    def test_installs_then_upgrades_cleanly(self):
        self._assert_clean(self._odoo("-i", MODULE))
        self._assert_clean(self._odoo("-u", MODULE))
        with db_connect(self.db).cursor() as cr:
            cr.execute("SELECT state, latest_version FROM ir_module_module WHERE name = %s", [MODULE])
            self.assertEqual(cr.fetchone(), ("installed", "18.0.1.2.0"))

# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import OUR_MODELS, call_kw, jsonrpc_body


@tagged("post_install", "-at_install")
class TestNoAccessOutsideTheGroups(HttpCase):
    """Portal and public users must not read anything of ours, over any API."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.portal = new_test_user(cls.env, login="cc_portal", password="cc_portal_pw", groups="base.group_portal")
        cls.public = cls.env.ref("base.public_user")
        cls.employee = new_test_user(cls.env, login="cc_staff", password="cc_staff_pw", groups="base.group_user")

    def _jsonrpc(self, *params):
        response = self.url_open("/jsonrpc", data=jsonrpc_body(*params), headers={"Content-Type": "application/json"})
        self.assertEqual(response.status_code, 200)
        return response.json()

    def _assert_refused(self, reply, error_name):
        self.assertNotIn("result", reply)
        self.assertEqual(reply["error"]["data"]["name"], error_name)

    def test_portal_user_is_refused_over_external_api(self):
        uid = self._jsonrpc("common", "login", self.env.cr.dbname, "cc_portal", "cc_portal_pw")["result"]
        self.assertEqual(uid, self.portal.id)
        for model in OUR_MODELS:
            with self.subTest(model=model):
                reply = self._jsonrpc(
                    "object", "execute_kw", self.env.cr.dbname, uid, "cc_portal_pw", model, "search_read", [[]]
                )
                self._assert_refused(reply, "odoo.exceptions.AccessError")

    def test_portal_user_is_refused_over_web_session(self):
        self.authenticate("cc_portal", "cc_portal_pw")
        for model in OUR_MODELS:
            with self.subTest(model=model):
                self._assert_refused(call_kw(self, model, "search_read", [[]]), "odoo.exceptions.AccessError")

    def test_public_visitor_is_refused(self):
        self.authenticate(None, None)
        for model in OUR_MODELS:
            with self.subTest(model=model):
                self._assert_refused(call_kw(self, model, "search_read", [[]]), "odoo.http.SessionExpiredException")
                reply = self._jsonrpc(
                    "object", "execute_kw", self.env.cr.dbname, self.public.id, "", model, "search_read", [[]]
                )
                self._assert_refused(reply, "odoo.exceptions.AccessDenied")

    def test_no_read_without_a_construction_group(self):
        for user in (self.portal, self.public, self.employee):
            for model in OUR_MODELS:
                with self.subTest(user=user.login, model=model), self.assertRaises(AccessError):
                    self.env[model].with_user(user).check_access("read")

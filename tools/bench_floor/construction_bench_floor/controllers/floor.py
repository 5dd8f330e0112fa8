# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import http
from odoo.http import request


class BenchFloorController(http.Controller):
    @http.route(
        "/construction_bench_floor/store",
        type="http",
        auth="none",
        methods=["POST"],
        csrf=False,
        save_session=False,
        readonly=False,
    )
    def store(self):
        """The least any durable intake does in Odoo: store the body in one
        INSERT and commit before answering. No verification, no parsing."""
        request.env.cr.execute(
            "INSERT INTO construction_bench_floor_row (body) VALUES (%s)", [request.httprequest.get_data(as_text=True)]
        )
        return request.make_json_response({"status": "stored"}, status=202)

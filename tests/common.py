# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import json

OUR_MODELS = (
    "construction.connector",
    "construction.inbound.job",
    "construction.cost.code",
    "construction.mapping",
)


def jsonrpc_body(service, method, *args):
    """Body of a call to Odoo's external API at /jsonrpc."""
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "method": "call",
            "id": 1,
            "params": {"service": service, "method": method, "args": list(args)},
        }
    )

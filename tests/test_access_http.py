"""Access probing over HTTP: what the back-office web client and the external
API (JSON-RPC) let an HR referent and a worker do, with real requests."""

from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from odoo.addons.welfare_network.tests.common import WelfareNetworkCommon


@tagged("post_install", "-at_install")
class TestAccessOverHttp(WelfareNetworkCommon, HttpCase):
    def _call(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            f"/web/dataset/call_kw/{model}/{method}",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.models")
    def test_hr_referent_probes_other_employer(self):
        self.authenticate("hr_alfa", "hr_alfa")
        found = self._call("res.partner", "search_read", [("is_welfare_worker", "=", True)], fields=["name"])
        names = {row["name"] for row in found}
        self.assertIn("Alda Alfieri", names)
        self.assertNotIn("Bruno Bianchi", names)
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._call("res.partner", "read", [self.worker_b.id], ["name", "fiscalcode"])
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._call("res.partner", "write", [self.worker_b.id], {"name": "Hacked"})
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._call("welfare.family.member", "read", [self.parent_b.id], ["name"])
        self.env.invalidate_all()
        self.assertEqual(self.worker_b.name, "Bruno Bianchi")

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.models")
    def test_worker_probes_other_worker(self):
        self.authenticate("worker_alfa", "worker_alfa")
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._call("res.partner", "read", [self.worker_b.id], ["name"])
        with self.assertRaisesRegex(JsonRpcException, "AccessError"):
            self._call("welfare.family.member", "read", [self.parent_b.id], ["name"])
        own = self._call("welfare.family.member", "search_read", [], fields=["name"])
        self.assertEqual([row["name"] for row in own], ["Carla Alfieri"])

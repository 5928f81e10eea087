from dateutil.relativedelta import relativedelta

from odoo.exceptions import UserError
from odoo.fields import Date
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestRedeemAtProvider(WelfareVoucherCommon, HttpCase):
    def _redeem(self, code, amount=50.0, provider=None, category=None, on_date=None):
        return self.env["welfare.voucher"]._redeem_at_provider(
            code,
            provider or self.provider,
            category or self.cat_nido,
            amount,
            on_date=on_date,
            description="Retta novembre",
        )

    def test_redeem_and_errors(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        move = self._redeem(voucher.code.lower().replace("-", " "))
        self.assertEqual(move.provider_id, self.provider)
        self.assertEqual(voucher.balance, 50.0)
        self.assertIn("Retta novembre", voucher.message_ids[0].body)
        with self.assertRaisesRegex(UserError, "No voucher"):
            self._redeem("AAAA-BBBB-CCCC-DDDD")
        with self.assertRaisesRegex(UserError, "no active convention"):
            self._redeem(voucher.code, provider=self.producer_a)
        with self.assertRaisesRegex(UserError, "expired"):
            self._redeem(voucher.code, on_date=voucher.date_end + relativedelta(days=1))
        with self.assertRaisesRegex(UserError, "left"):
            self._redeem(voucher.code, amount=60.0)
        self._redeem(voucher.code, amount=50.0)
        with self.assertRaisesRegex(UserError, "no credit left"):
            self._redeem(voucher.code, amount=1.0)
        self.assertEqual(voucher.balance, 0.0)
        self.assertEqual(len(voucher.move_ids), 3)

    def test_full_value_voucher_is_not_topped_up(self):
        self.convention_provider.sudo().service_category_ids |= self.cat_km0
        voucher = self.issue(self.fund_employer, self.worker_a, 10.0)
        with self.assertRaisesRegex(UserError, "full value"):
            self._redeem(voucher.code, amount=15.0, category=self.cat_km0)
        self.assertEqual(voucher.balance, 10.0)

    @mute_logger("odoo.http")
    def test_portal_redeem_and_throttling(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        provider_user = self.env["res.users"].create(
            {
                "login": "nido_user",
                "password": "nido_user",
                "name": "Nido User",
                "partner_id": self.env["res.partner"].create({"name": "Nido User", "parent_id": self.provider.id}).id,
                "groups_id": [
                    (
                        6,
                        0,
                        [
                            self.env.ref("base.group_portal").id,
                            self.env.ref("welfare_network.group_welfare_portal_provider").id,
                        ],
                    )
                ],
            }
        )
        self.authenticate("nido_user", "nido_user")
        page = self.url_open("/my/redeem")
        token = page.text.split('name="csrf_token" value="')[1].split('"')[0]
        data = {"csrf_token": token, "category_id": self.cat_nido.id, "amount": "40", "description": "Retta"}
        response = self.url_open("/my/redeem", data={**data, "code": voucher.code})
        self.assertIn("o_welfare_success", response.text)
        self.assertEqual(voucher.balance, 60.0)
        for _attempt in range(5):
            response = self.url_open("/my/redeem", data={**data, "code": "ZZZZ-ZZZZ-ZZZZ-ZZZZ"})
            self.assertIn("o_welfare_error", response.text)
        self.assertTrue(provider_user._welfare_redeem_blocked())
        # Blocked: even the right code is refused for now, and nothing is taken.
        response = self.url_open("/my/redeem", data={**data, "code": voucher.code})
        self.assertIn("o_welfare_blocked", response.text)
        voucher.invalidate_recordset()
        self.assertEqual(voucher.balance, 60.0)
        self.assertTrue(Date.today())

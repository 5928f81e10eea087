from psycopg2 import IntegrityError

from odoo.exceptions import UserError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestVoucherLedger(WelfareVoucherCommon):
    def test_balance_is_the_sum_of_moves(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 300.0)
        voucher._redeem(120.0, self.cat_nido, "Retta")
        redeem = voucher.move_ids.filtered(lambda m: m.move_type == "redeem")
        redeem._refund("Rimborso parziale", amount=20.0)
        self.assertEqual(voucher.balance, 200.0)
        self.assertEqual(voucher.balance, sum(voucher.move_ids.mapped("amount")))
        self.assertEqual(sorted(voucher.move_ids.mapped("move_type")), ["issue", "redeem", "refund"])
        self.assertTrue(all(m.user_id and m.reason and m.date for m in voucher.move_ids))

    def test_balance_never_negative(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        with self.assertRaisesRegex(UserError, "left"):
            voucher._redeem(100.01, self.cat_nido, "Troppo")
        self.assertEqual(voucher.balance, 100.0)
        voucher._redeem(100.0, self.cat_nido, "Tutto")
        self.assertEqual(voucher.state, "exhausted")
        # Even bypassing the business method, the database refuses a negative balance.
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["welfare.voucher.move"].create(
                {"voucher_id": voucher.id, "move_type": "adjustment", "amount": -1.0, "reason": "bypass"}
            )
            self.env.flush_all()

    def test_ledger_is_append_only(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        move = voucher.move_ids
        with self.assertRaisesRegex(UserError, "append-only"):
            move.write({"amount": 1000.0})
        with self.assertRaisesRegex(UserError, "append-only"):
            move.unlink()
        with self.assertRaisesRegex(UserError, "only through its actions"):
            voucher.write({"value": 1000.0})
        self.assertEqual(voucher.balance, 100.0)

    def test_refund_is_given_back_once(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        redeem = voucher._redeem(60.0, self.cat_nido, "Retta")
        redeem._refund("Annullato")
        redeem._refund("Annullato di nuovo")
        self.assertEqual(voucher.balance, 100.0)
        self.assertEqual(len(voucher.move_ids.filtered(lambda m: m.move_type == "refund")), 1)

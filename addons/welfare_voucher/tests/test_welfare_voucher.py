from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.fields import Date
from odoo.tests import tagged

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestWelfareVoucher(WelfareVoucherCommon):
    def test_code_is_unguessable_and_unique(self):
        vouchers = self.issue(self.fund_grant, self.worker_a, 100.0) | self.issue(self.fund_grant, self.worker_b, 100.0)
        codes = vouchers.mapped("code")
        self.assertEqual(len(set(codes)), 2)
        for code in codes:
            self.assertRegex(code, r"^[A-Z2-9]{4}(-[A-Z2-9]{4}){3}$")

    def test_expiry_lapses_and_returns_to_fund(self):
        end = Date.today() + relativedelta(days=20)
        voucher = self.issue(self.fund_grant, self.worker_a, 200.0, date_end=end)
        voucher._redeem(50.0, self.cat_nido, "note", reason_params={"note": "Retta"})
        # 30 days before: a reminder, once.
        _lapsed, reminded = self.env["welfare.voucher"]._cron_lapse_and_remind()
        self.assertIn(voucher, reminded)
        self.assertTrue(voucher.reminder_sent)
        # Expiry is enforced at once, even before the nightly job runs.
        with freeze_time(end + relativedelta(days=1)):
            self.assertFalse(voucher._is_usable_on(Date.today()))
            lapsed, _reminded = self.env["welfare.voucher"]._cron_lapse_and_remind()
        self.assertIn(voucher, lapsed)
        self.assertEqual(voucher.state, "expired")
        self.assertEqual(voucher.balance, 0.0)
        lapse = voucher.move_ids.filtered(lambda m: m.move_type == "lapse")
        self.assertEqual(lapse.amount, -150.0)
        self.fund_grant.invalidate_recordset()
        self.assertEqual(self.fund_grant.amount_lapsed, 150.0)
        self.assertEqual(self.fund_grant.amount_available, 1000.0 - 200.0 + 150.0)

    def test_cancel_unused_voucher(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 200.0)
        voucher.action_cancel()
        self.assertEqual(voucher.state, "cancelled")
        self.assertEqual(voucher.balance, 0.0)
        self.fund_grant.invalidate_recordset()
        self.assertEqual(self.fund_grant.amount_available, 1000.0)

    def test_pdf_report_renders(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 200.0)
        html = self.env["ir.actions.report"]._render_qweb_html(
            "welfare_voucher.action_report_welfare_voucher", voucher.ids
        )[0]
        self.assertIn(voucher.code.encode(), html)
        self.assertIn(b"barcode_type=QR", html)

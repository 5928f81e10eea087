from dateutil.relativedelta import relativedelta

from odoo.exceptions import AccessError, UserError
from odoo.fields import Date
from odoo.tests import new_test_user, tagged

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestTamperProof(WelfareVoucherCommon):
    """Money that cannot leak: every public method is an RPC endpoint, so what is
    fixed at issue, derived from the ledger or moved by an action cannot be written,
    and the methods that move money or send mail check the caller's group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.voucher = cls.issue(cls.fund_grant, cls.worker_a, 300.0)
        cls.user_accountant = new_test_user(
            cls.env, login="wf_accountant", groups="account.group_account_invoice", name="Contabile"
        )

    def test_issued_voucher_fields_are_read_only(self):
        """DM 25/3/2016 art. 6: a voucher is nominative with a fixed value; its balance
        is its ledger, its validity is the fund's: back office cannot rewrite them."""
        voucher = self.voucher.with_user(self.user_backoffice)
        for vals in (
            {"balance": 999.0},
            {"state": "active"},
            {"date_end": Date.today() + relativedelta(years=9)},
            {"category_ids": [(6, 0, self.cat_km0.ids)]},
            {"value": 1000.0},
            {"worker_id": self.worker_b.id},
        ):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                voucher.write(vals)
        self.assertEqual(self.voucher.balance, 300.0)
        self.assertEqual(self.voucher.balance, sum(self.voucher.move_ids.mapped("amount")))

    def test_read_only_users_cannot_cancel_or_mail_vouchers(self):
        for user in (self.user_worker_a, self.user_hr_a):
            for method in ("action_cancel", "action_send_email"):
                with self.subTest(user=user.login, method=method), self.assertRaises(AccessError):
                    getattr(self.voucher.with_user(user), method)()
        self.assertEqual(self.voucher.state, "active")
        self.voucher.with_user(self.user_backoffice).action_cancel()
        self.assertEqual(self.voucher.state, "cancelled")

    def test_a_voucher_held_on_a_cart_cannot_be_cancelled(self):
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        with self.assertRaises(UserError):
            self.voucher.with_user(self.user_backoffice).action_cancel()

    def test_settlement_state_moves_only_through_its_actions(self):
        """A provider is paid once for each use: a confirmed settlement cannot be turned
        back into a draft and confirmed again."""
        self.env["welfare.voucher"]._redeem_at_provider(self.voucher.code, self.provider, self.cat_nido, 100.0)
        today = Date.today()
        settlement = (
            self.env["welfare.settlement"]
            .with_user(self.user_backoffice)
            .create(
                {
                    "date_from": today - relativedelta(days=1),
                    "date_to": today,
                    "provider_ids": [(6, 0, self.provider.ids)],
                }
            )
        )
        settlement.action_compute()
        with self.assertRaises(AccessError):
            settlement.action_confirm()  # posting the settlement's documents is accounting's
        settlement.with_user(self.user_accountant).action_confirm()
        for vals in ({"confirmed": False}, {"state": "draft"}, {"cancelled": True}):
            with self.subTest(vals=vals), self.assertRaises(UserError):
                settlement.write(vals)
        self.assertEqual(settlement.state, "confirmed")
        self.assertEqual(len(settlement.sudo().payment_order_ids.filtered(lambda b: b.state == "posted")), 1)
        with self.assertRaises(UserError):
            settlement.sudo().line_ids.with_user(self.user_backoffice).write({"amount_total": 1.0})
        with self.assertRaises(AccessError):
            settlement.with_user(self.user_hr_a).action_cancel()

    def test_campaign_state_and_lines_move_only_through_actions(self):
        campaign = self.voucher.campaign_id.with_user(self.user_backoffice)
        with self.assertRaises(UserError):
            campaign.write({"state": "ready"})
        with self.assertRaises(UserError):
            campaign.line_ids.write({"state": "pending"})
        with self.assertRaises(UserError):
            campaign.line_ids.write({"amount": 5000.0})
        with self.assertRaises(UserError):
            campaign.line_ids.unlink()
        with self.assertRaises(AccessError):
            campaign.with_user(self.user_hr_a).action_undo()
        with self.assertRaises(UserError):
            self.fund_grant.with_user(self.user_backoffice).write({"state": "draft"})

    def test_credit_note_gives_back_once_even_reposted_by_an_accountant(self):
        """Each credit note gives the credit back at most once; an accountant without
        any welfare group posts it."""
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        voucher = self.issue(self.fund_employer, self.worker_a, 50.0)
        order = self.cart(self.worker_a, (self.listing_a, 2))  # 29.28, fully covered
        order._welfare_apply_credit()
        self.assertAlmostEqual(voucher.balance, 50.0 - 29.28)
        invoice = order.invoice_ids
        wizard = (
            self.env["account.move.reversal"]
            .with_user(self.user_accountant)
            .with_context(active_model="account.move", active_ids=invoice.ids)
            .create({"journal_id": invoice.journal_id.id, "date": Date.today()})
        )
        credit_note = self.env["account.move"].browse(wizard.reverse_moves()["res_id"])
        credit_note.invoice_line_ids[:1].with_user(self.user_accountant).quantity = 1  # a partial credit note
        credit_note.with_user(self.user_accountant).action_post()
        self.assertAlmostEqual(voucher.balance, 50.0 - 14.64)
        credit_note.with_user(self.user_accountant).button_draft()
        credit_note.with_user(self.user_accountant).action_post()
        self.assertAlmostEqual(voucher.balance, 50.0 - 14.64, msg="the same credit note gives back only once")
        self.assertEqual(len(voucher.move_ids.filtered(lambda m: m.move_type == "refund")), 1)

from dateutil.relativedelta import relativedelta
from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError
from odoo.fields import Date
from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestVoucherLedger(WelfareVoucherCommon):
    def test_balance_is_the_sum_of_moves(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 300.0)
        voucher._redeem(120.0, self.cat_nido, "note", reason_params={"note": "Retta"})
        redeem = voucher.move_ids.filtered(lambda m: m.move_type == "redeem")
        redeem._refund("note", reason_params={"note": "Rimborso parziale"}, amount=20.0)
        self.assertEqual(voucher.balance, 200.0)
        self.assertEqual(voucher.balance, sum(voucher.move_ids.mapped("amount")))
        self.assertEqual(sorted(voucher.move_ids.mapped("move_type")), ["issue", "redeem", "refund"])
        self.assertTrue(all(m.user_id and m.reason and m.date for m in voucher.move_ids))

    def test_balance_never_negative(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        with self.assertRaisesRegex(UserError, "left"):
            voucher._redeem(100.01, self.cat_nido, "note", reason_params={"note": "Troppo"})
        self.assertEqual(voucher.balance, 100.0)
        voucher._redeem(100.0, self.cat_nido, "note", reason_params={"note": "Tutto"})
        self.assertEqual(voucher.state, "exhausted")
        # Even bypassing the business method, the database refuses a negative balance.
        with mute_logger("odoo.sql_db"), self.assertRaises(IntegrityError), self.cr.savepoint():
            self.env["welfare.voucher.move"].create(
                {"voucher_id": voucher.id, "move_type": "adjustment", "amount": -1.0, "reason_code": "note"}
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
        redeem = voucher._redeem(60.0, self.cat_nido, "note", reason_params={"note": "Retta"})
        redeem._refund("note", reason_params={"note": "Annullato"})
        redeem._refund("note", reason_params={"note": "Annullato di nuovo"})
        self.assertEqual(voucher.balance, 100.0)
        self.assertEqual(len(voucher.move_ids.filtered(lambda m: m.move_type == "refund")), 1)

    def test_history_does_not_change_when_partners_do(self):
        """The funder's statement reports what happened (issue #11): a line keeps the
        worker's ambit and employer and the provider's ambit and kind of the day it was
        written, whatever the partners become afterwards."""
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        self.provider.welfare_member_type = "social_coop"
        use = self.env["welfare.voucher"]._redeem_at_provider(voucher.code, self.provider, self.cat_nido, 40.0)
        before = use.read(
            ["employer_id", "worker_ambit_id", "provider_ambit_id", "provider_member_type", "is_third_sector"]
        )[0]
        self.assertTrue(before["is_third_sector"])
        self.assertEqual(before["employer_id"][0], self.employer_a.id)
        other_ambit = self.env["welfare.ambit"].create({"name": "Altro ambito", "code": "ALTRO"})
        self.provider.write({"welfare_member_type": "company", "welfare_ambit_id": other_ambit.id, "name": "Nido Srl"})
        self.worker_a.write({"welfare_employer_id": self.employer_b.id})
        self.env.flush_all()
        use.invalidate_recordset()
        self.assertEqual(use.read([name for name in before if name != "id"])[0], before)


@tagged("post_install", "-at_install")
class TestLedgerInTheReadersLanguage(WelfareVoucherCommon):
    """Issue 12: a ledger line stores why it was written (a code and its parameters) and
    the sentence is written when it is read, in the reader's language, with the Italian of
    the module's it.po: the worker reads in Italian what an English-speaking back office wrote."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["res.lang"]._activate_lang("it_IT")
        cls.user_backoffice.lang = "en_US"
        cls.user_worker_a.lang = "it_IT"

    def _worker_ledger(self, voucher):
        Move = self.env["welfare.voucher.move"].with_user(self.user_worker_a).with_context(lang="it_IT")
        return Move.search([("voucher_id", "=", voucher.id)])

    def test_english_issue_read_in_italian(self):
        campaign = (
            self.env["welfare.campaign"]
            .with_user(self.user_backoffice)
            .with_context(lang="en_US")
            .create(
                {
                    "name": "Nidi 2026",
                    "fund_id": self.fund_grant.id,
                    "send_email": False,
                    "employer_ids": [Command.set(self.employer_a.ids)],
                    "amount_fixed": 200.0,
                    "date_start": Date.today(),
                    "date_end": Date.today() + relativedelta(months=3),
                }
            )
        )
        campaign.action_prepare()
        campaign._issue_batch()
        voucher = campaign.line_ids.filtered(lambda l: l.worker_id == self.worker_a).voucher_id
        issue = self._worker_ledger(voucher)
        self.assertEqual(issue.move_type, "issue")
        self.assertEqual((issue.reason_code, issue.reason_params), ("campaign", {"campaign": "Nidi 2026"}))
        self.assertEqual(issue.reason, "Emesso dalla campagna Nidi 2026")
        self.assertEqual(issue.with_context(lang="en_US").reason, "Issued by campaign Nidi 2026")
        # And the other way round: a provider redeems in Italian, the back office reads English.
        self.env["welfare.voucher"].with_context(lang="it_IT")._redeem_at_provider(
            voucher.code, self.provider, self.cat_nido, 50.0
        )
        redeem = self._worker_ledger(voucher).filtered(lambda m: m.move_type == "redeem")
        self.assertEqual(redeem.reason, f"Riscattato da {self.provider.name}")
        self.assertEqual(
            redeem.with_user(self.user_backoffice).with_context(lang="en_US").reason,
            f"Redeemed by {self.provider.name}",
        )
        # The sentence is never stored: the ledger stays append-only.
        with self.assertRaisesRegex(UserError, "append-only"):
            issue.sudo().with_context(lang="en_US").write({"reason_params": {"campaign": "Altro"}})

    def test_refund_of_a_cancelled_order_read_in_italian(self):
        voucher = self.issue(self.fund_employer, self.worker_a, 50.0)
        order = self.cart(self.worker_a, (self.listing_a, 1))  # 14.64, fully covered: confirmed
        order._welfare_apply_credit()
        order.with_user(self.user_backoffice).with_context(lang="en_US").sudo()._action_cancel()
        refund = self._worker_ledger(voucher).filtered(lambda m: m.move_type == "refund")
        self.assertEqual((refund.reason_code, refund.reason_params), ("order_cancelled", {"order": order.name}))
        self.assertEqual(refund.reason, f"Ordine {order.name} annullato")
        self.assertEqual(refund.with_context(lang="en_US").reason, f"Order {order.name} cancelled")

    def test_lines_written_before_codes_keep_their_words(self):
        """Lines migrated from before reason codes (18.0.1.3.0) show the sentence frozen then."""
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        old = (
            self.env["welfare.voucher.move"]
            .sudo()
            .create(
                {
                    "voucher_id": voucher.id,
                    "move_type": "adjustment",
                    "amount": 0.0,
                    "reason_code": "legacy",
                    "reason_legacy": "Issued by campaign Nidi 2025",
                }
            )
        )
        self.assertEqual(
            self._worker_ledger(voucher).filtered(lambda m: m == old).reason, "Issued by campaign Nidi 2025"
        )


@tagged("post_install", "-at_install")
class TestLedgerInTheReadersLanguageHttp(WelfareVoucherCommon, HttpCase):
    """ "Il mio welfare" shows the ledger in the worker's language."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        italian = cls.env["res.lang"]._activate_lang("it_IT")
        for website in cls.env["website"].search([]):
            website.write({"language_ids": [Command.link(italian.id)], "default_lang_id": italian.id})
        cls.user_worker_a.lang = "it_IT"

    def test_my_welfare_history_in_italian(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)  # written in English
        self.authenticate("worker_alfa", "worker_alfa")
        page = self.url_open("/my/welfare")
        self.assertEqual(page.status_code, 200)
        self.assertIn(f"Emesso dalla campagna {voucher.campaign_id.name}", page.text)
        self.assertNotIn("Issued by campaign", page.text)

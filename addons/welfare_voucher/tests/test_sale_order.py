from datetime import date

import psycopg2
from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.fields import Date
from odoo.tests import tagged
from odoo.tools import mute_logger

from odoo.addons.welfare_network.tests.common import make_fiscalcode

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestWelfareCheckout(WelfareVoucherCommon):
    def _pay_rest_with_demo(self, order):
        provider = self.env.ref("payment.payment_provider_demo")
        tx = self.env["payment.transaction"].create(
            {
                "provider_id": provider.id,
                "payment_method_id": provider.payment_method_ids[:1].id,
                "amount": order.amount_total - order.amount_paid,
                "currency_id": order.currency_id.id,
                "partner_id": order.partner_id.id,
                "reference": f"{order.name}-demo",
                "sale_order_ids": [Command.set(order.ids)],
                "operation": "online_direct",
            }
        )
        tx._set_done()
        tx._post_process()
        return tx

    def test_copayment_split_tender_and_vat_on_full_price(self):
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        voucher = self.issue(self.fund_grant, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        self.assertEqual(order.amount_total, 610.0)
        summary = order._welfare_checkout_summary()
        self.assertEqual(summary["coverable"], 300.0)
        tx = order._welfare_apply_credit()
        # A cart can still change: the credit is held (authorised), not spent.
        self.assertEqual(tx.state, "authorized")
        self.assertEqual(tx.provider_code, "welfare")
        self.assertEqual(order.amount_paid, 300.0)
        self.assertEqual(order.state, "draft", "the worker still pays the rest")
        self.assertEqual(voucher.balance, 300.0)
        self.assertEqual(voucher.amount_available, 0.0)
        self.assertFalse(voucher.move_ids.filtered(lambda m: m.move_type == "redeem"))
        # Welfare is a means of payment, not a discount: the cart total is unchanged.
        self.assertEqual(order.amount_total, 610.0)
        self.assertFalse(order.order_line.filtered(lambda l: l.price_total < 0))

        self._pay_rest_with_demo(order)
        self.assertEqual(order.state, "sale")
        # Confirmation captured the hold: the ledger has its redemption, the payment is done.
        self.assertEqual(tx.state, "done")
        self.assertEqual(voucher.balance, 0.0)
        self.assertFalse(voucher.hold_ids)
        invoice = order.invoice_ids
        self.assertEqual(len(invoice), 1)
        self.assertEqual(invoice.amount_untaxed, 500.0)
        self.assertEqual(invoice.amount_tax, 110.0)
        self.assertEqual(invoice.amount_total, 610.0)
        self.assertIn(invoice.payment_state, ("paid", "in_payment"))
        # The welfare payment is booked against the welfare credit liability.
        welfare_payment = tx.payment_id
        self.assertTrue(welfare_payment)
        self.assertIn("WLF01", welfare_payment.move_id.line_ids.account_id.mapped("code"))

    def test_full_value_rule(self):
        """DM 25 March 2016 art. 6 (TUIR art. 51 c.3-bis): employer welfare buys one service
        for its whole price: a service is paid entirely by one credit, as a voucher for
        exactly that service, or entirely by the worker; never topped up, never split."""
        small = self.issue(self.fund_c2, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))  # 500 + 22% = 610
        self.assertEqual(order._welfare_checkout_summary()["coverable"], 0.0)
        with self.assertRaisesRegex(UserError, "Nothing in this cart"):
            order._welfare_apply_credit()
        self.assertEqual(small.balance, 300.0)
        big = self.issue(self.fund_c2, self.worker_a, 700.0)
        order._welfare_apply_credit()
        self.assertEqual(order.state, "sale", "fully paid by welfare: confirmed")
        self.assertAlmostEqual(big.balance, 90.0)
        self.assertEqual(small.balance, 300.0)
        use = big.move_ids.filtered(lambda m: m.move_type == "redeem")
        self.assertEqual(use.amount, -610.0, "the voucher is worth exactly the service's price")
        self.assertTrue(use.service_voucher_number)

    def test_one_email_per_checkout(self):
        """A cart paid in full by welfare credit is confirmed in the same step: the worker
        gets the order's confirmation, not also a "payment succeeded" e-mail for it."""
        self.issue(self.fund_c2, self.worker_a, 700.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        self.assertEqual(order.state, "sale")
        # Queued with the order: Odoo's pending e-mail job sends it.
        self.assertEqual(order.pending_email_template_id, order._get_confirmation_template())
        self.env["sale.order"]._cron_send_pending_emails(auto_commit=False)
        to_worker = order.message_ids.filtered(lambda m: self.worker_a in m.partner_ids)
        self.assertEqual(len(to_worker), 1, to_worker.mapped("subject"))

    def test_cumulative_fringe_benefit_voucher(self):
        """DM 25 March 2016 art. 6 c.3: goods of TUIR art. 51 c.3 may be grouped in one
        voucher; each is still paid in full, never topped up."""
        small = self.issue(self.fund_employer, self.worker_a, 10.0)
        order = self.cart(self.worker_a, (self.listing_a, 1))  # 12 + 22% = 14.64
        self.assertEqual(order._welfare_checkout_summary()["coverable"], 0.0)
        big = self.issue(self.fund_employer, self.worker_a, 40.0)
        order._welfare_apply_credit()
        self.assertAlmostEqual(big.balance, 40.0 - 14.64)
        self.assertEqual(small.balance, 10.0)
        self.assertFalse(big.move_ids.filtered(lambda m: m.move_type == "redeem").service_voucher_number)

    def test_several_vouchers_earliest_expiry_first(self):
        today = Date.today()
        late = self.issue(self.fund_grant, self.worker_a, 200.0, date_end=today + relativedelta(months=3))
        early = self.issue(self.fund_grant, self.worker_a, 100.0, date_end=today + relativedelta(months=1))
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        self.assertEqual(early.amount_available, 0.0)
        self.assertEqual(late.amount_available, 0.0)
        self.assertEqual(order.amount_paid, 300.0)
        holds = order.welfare_hold_ids.sorted("id")
        self.assertEqual(holds.voucher_id, early | late)
        self.assertEqual(holds[0].voucher_id, early)

    def test_family_eligibility(self):
        """Art. 12 TUIR and art. 51 c.2 lett. f-bis: employer welfare pays a nursery only for
        a worker's child in the age range (this colleague of worker_a has none)."""
        childless = self.env["res.partner"].create(
            {
                "name": "Senza figli",
                "is_welfare_worker": True,
                "welfare_employer_id": self.employer_a.id,
                "fiscalcode": make_fiscalcode("SNZ", "FGL", date(1988, 4, 4)),
            }
        )
        voucher = self.issue(self.fund_c2, childless, 700.0)
        order = self.cart(childless, (self.listing_nido, 1))
        self.assertEqual(order._welfare_checkout_summary()["coverable"], 0.0)
        with self.assertRaises(UserError):
            order._welfare_apply_credit()
        self.assertEqual(voucher.balance, 700.0)

    def test_grant_eligibility_is_the_calls(self):
        """A regional grant is a public contribution, not an employment benefit: who may
        use it is decided by its call, when the campaign selects the workers, not by the
        art. 12 TUIR family rules of the category."""
        voucher = self.issue(self.fund_grant, self.worker_b, 300.0)
        order = self.cart(self.worker_b, (self.listing_nido, 1))
        self.assertEqual(order._welfare_checkout_summary()["coverable"], 300.0)
        order._welfare_apply_credit()
        self.assertEqual(voucher.amount_available, 0.0)
        summary = order._welfare_checkout_summary()
        self.assertEqual((summary["paid"], summary["coverable"]), (300.0, 0.0), "applied: nothing more to apply")

    def test_cancelling_a_cart_releases_the_hold(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        tx = order._welfare_apply_credit()
        self.assertEqual(voucher.amount_available, 0.0)
        order.action_cancel()
        self.assertEqual(order.state, "cancel")
        self.assertEqual(tx.state, "cancel")
        self.assertEqual(voucher.amount_available, 300.0)
        self.assertEqual(voucher.move_ids.mapped("move_type"), ["issue"], "a hold never reaches the ledger")
        self.assertEqual(order.welfare_amount, 0.0)

    def test_cancelling_a_confirmed_order_gives_credit_back(self):
        voucher = self.issue(self.fund_employer, self.worker_a, 50.0)
        order = self.cart(self.worker_a, (self.listing_a, 1))  # 14.64, fully covered: confirmed
        order._welfare_apply_credit()
        self.assertEqual(order.state, "sale")
        self.assertAlmostEqual(voucher.balance, 50.0 - 14.64)
        order._action_cancel()
        self.assertEqual(voucher.balance, 50.0)
        refunds = voucher.move_ids.filtered(lambda m: m.move_type == "refund")
        self.assertAlmostEqual(refunds.amount, 14.64)
        self.assertEqual(refunds.sale_order_id, order)
        self.assertEqual(order.welfare_amount, 0.0)
        # Cancelling again gives nothing more.
        order._welfare_release_credit("again")
        self.assertEqual(voucher.balance, 50.0)

    def test_abandoned_cart_gives_credit_back(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        self.env.flush_all()
        self.assertFalse(self.env["sale.order"]._cron_welfare_release_abandoned())
        with freeze_time(fields.Datetime.now() + relativedelta(days=3)):
            released = self.env["sale.order"]._cron_welfare_release_abandoned()
        self.assertIn(order, released)
        self.assertEqual(voucher.amount_available, 300.0)
        self.assertEqual(order.welfare_amount, 0.0)

    def test_remove_credit_from_cart(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        order._welfare_remove_credit()
        self.assertEqual(voucher.amount_available, 300.0)
        self.assertEqual(order.amount_paid, 0.0)

    def test_credit_note_gives_credit_back(self):
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        voucher = self.issue(self.fund_employer, self.worker_a, 50.0)
        order = self.cart(self.worker_a, (self.listing_a, 2))  # 29.28, fully covered
        order._welfare_apply_credit()
        self.assertEqual(order.state, "sale")
        self.assertAlmostEqual(voucher.balance, 50.0 - 29.28)
        invoice = order.invoice_ids
        self.assertEqual(invoice.state, "posted")
        credit_note = invoice._reverse_moves([{"invoice_date": Date.today()}])
        credit_note.action_post()
        self.assertAlmostEqual(voucher.balance, 50.0)
        refund = voucher.move_ids.filtered(lambda m: m.move_type == "refund")
        self.assertAlmostEqual(refund.amount, 29.28)
        self.assertIn(credit_note.name, refund.reason)


@tagged("post_install", "-at_install")
class TestWelfareCreditFollowsTheCart(WelfareVoucherCommon):
    """Money follows the cart: credit applied to a cart that can still change is a hold
    (an authorised payment), re-planned or released by every change, and becomes a
    payment only when the order is confirmed (DM 25/3/2016 art. 6: a voucher pays the
    good or service actually chosen, for its value)."""

    def test_removing_the_paid_line_releases_the_credit(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        tx = order._welfare_apply_credit()
        self.assertEqual(order.amount_paid, 300.0)
        # The worker swaps the nursery for km-0 goods the grant does not cover.
        order.order_line.filtered(lambda l: l.product_id == self.listing_nido.product_variant_id).unlink()
        order.write({"order_line": [Command.create({"product_id": self.listing_b.product_variant_id.id})]})
        self.assertEqual(tx.state, "cancel")
        self.assertFalse(order.welfare_hold_ids)
        self.assertEqual(order.amount_paid, 0.0, "nothing of the grant pays for goods it does not cover")
        self.assertEqual(voucher.amount_available, 300.0)
        order.action_confirm()
        self.assertEqual(voucher.balance, 300.0)
        self.assertEqual(voucher.move_ids.mapped("move_type"), ["issue"])

    def test_lowering_the_quantity_replans_the_hold(self):
        voucher = self.issue(self.fund_employer, self.worker_a, 50.0)
        order = self.cart(self.worker_a, (self.listing_a, 3))  # 43.92, fully covered if applied
        order._welfare_apply_credit(confirm=False)
        self.assertAlmostEqual(order.welfare_amount, 43.92)
        order.order_line.product_uom_qty = 1  # 14.64
        self.assertAlmostEqual(order.welfare_amount, 14.64)
        self.assertAlmostEqual(voucher.amount_available, 50.0 - 14.64)
        self.assertEqual(len(order.transaction_ids.filtered(lambda t: t.state == "authorized")), 1)
        # Adding an unrelated line leaves a hold that still fits as it is.
        holds = order.welfare_hold_ids
        order.write({"order_line": [Command.create({"product_id": self.listing_nido.product_variant_id.id})]})
        self.assertEqual(order.welfare_hold_ids, holds)

    def test_remove_credit_after_an_edit_gives_it_all_back(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 2))
        order._welfare_apply_credit()
        order.order_line.product_uom_qty = 1
        self.assertEqual(order.welfare_amount, 300.0, "re-planned on the smaller cart")
        order._welfare_remove_credit()
        self.assertEqual(voucher.amount_available, 300.0)
        self.assertEqual(order.amount_paid, 0.0)
        self.assertFalse(order.transaction_ids.filtered(lambda t: t.state in ("authorized", "done")))

    def test_held_credit_cannot_be_spent_twice(self):
        """The same credit held on one cart cannot pay another cart or a provider."""
        voucher = self.issue(self.fund_grant, self.worker_a, 300.0)
        first = self.cart(self.worker_a, (self.listing_nido, 1))
        first._welfare_apply_credit()
        second = self.cart(self.worker_a, (self.listing_nido, 1))
        with self.assertRaisesRegex(UserError, "Nothing in this cart"):
            second._welfare_apply_credit()
        with self.assertRaises(UserError):
            self.env["welfare.voucher"]._redeem_at_provider(voucher.code, self.provider, self.cat_nido, 10.0)
        self.assertEqual(voucher.balance, 300.0)

    def test_ledger_history_keeps_its_order_lines(self):
        """Append-only ledger: a confirmed order named by the ledger cannot be deleted."""
        self.issue(self.fund_employer, self.worker_a, 50.0)
        order = self.cart(self.worker_a, (self.listing_a, 1))
        order._welfare_apply_credit()
        redeem = order.sudo().welfare_move_ids
        self.assertEqual(redeem.sale_order_line_id, order.order_line)
        order._action_cancel()
        with self.assertRaises(psycopg2.IntegrityError), mute_logger("odoo.sql_db"), self.env.cr.savepoint():
            order.unlink()
        self.assertTrue(order.exists())
        self.assertEqual(redeem.sale_order_line_id, order.order_line)

    def test_capture_never_pays_more_than_the_line_costs(self):
        """Whatever path changed a line after the hold, confirmation never turns into a
        redemption more than the line costs (the worker applies the credit again)."""
        voucher = self.issue(self.fund_grant, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        self.env.flush_all()
        self.env.cr.execute("UPDATE sale_order_line SET price_total = 50 WHERE order_id = %s", [order.id])
        order.order_line.invalidate_recordset(["price_total"])
        with self.assertRaisesRegex(UserError, "apply it again"):
            order.action_confirm()
        self.assertEqual(voucher.balance, 300.0)

    def test_credit_never_pays_more_than_the_order_costs(self):
        """A discount or reward line lowers what the order costs: the credit pays at
        most that (a voucher pays a service for what it costs, DM 25/3/2016 art. 6)."""
        voucher = self.issue(self.fund_grant, self.worker_a, 600.0)
        discount = self.env["product.product"].create(
            {"name": "Sconto", "type": "service", "list_price": -110.0, "taxes_id": [Command.clear()]}
        )
        order = self.cart(self.worker_a, (self.listing_nido, 1))  # 610.00
        order.write({"order_line": [Command.create({"product_id": discount.id, "price_unit": -110.0})]})
        self.assertEqual(order.amount_total, 500.0)
        order._welfare_apply_credit()
        self.assertEqual(order.state, "sale", "the credit covers the whole order")
        self.assertEqual(order.welfare_amount, 500.0)
        self.assertEqual(voucher.balance, 100.0)

from dateutil.relativedelta import relativedelta

from odoo.exceptions import UserError
from odoo.fields import Date
from odoo.tests import HttpCase, tagged

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestWelfareSettlement(WelfareVoucherCommon):
    def _redeem(self, voucher, amount, provider=None, category=None):
        return self.env["welfare.voucher"]._redeem_at_provider(
            voucher.code, provider or self.provider, category or self.cat_nido, amount, description="Retta"
        )

    def _settle(self, **vals):
        today = Date.today()
        settlement = self.env["welfare.settlement"].create(
            {
                "date_from": today - relativedelta(days=30),
                "date_to": today,
                "provider_ids": [(6, 0, self.provider.ids)],
                **vals,
            }
        )
        settlement.action_compute()
        return settlement

    def test_commission_arithmetic(self):
        """DPR 633/72 (docs/fiscal-model.md): the provider's bill carries the value of its
        services, one line per service category, each use in the settlement's annex; the
        network's commission is its own taxable service, on its own invoice with VAT,
        never a deduction on the provider's bill."""
        voucher = self.issue(self.fund_grant, self.worker_a, 500.0)
        for amount in (100.0, 50.5, 20.0):
            self._redeem(voucher, amount)
        settlement = self._settle()
        bill = settlement.bill_ids
        self.assertEqual(len(bill), 1)
        self.assertEqual(bill.partner_id, self.provider)
        self.assertEqual(bill.move_type, "in_invoice")
        self.assertEqual(len(bill.invoice_line_ids), 1, "one line per service category")
        self.assertAlmostEqual(bill.amount_total, 170.5)
        self.assertEqual(bill.amount_tax, 0.0)
        self.assertFalse(bill.invoice_line_ids.filtered(lambda l: l.price_unit < 0))
        # 5% commission of the nursery's convention on 170.50 = 8.53 (rounded once).
        commission = settlement.commission_invoice_ids
        self.assertEqual(commission.move_type, "out_invoice")
        self.assertEqual(commission.partner_id, self.provider)
        self.assertAlmostEqual(commission.amount_untaxed, 8.53)
        self.assertEqual(commission.invoice_line_ids.tax_ids, self.env.company.account_sale_tax_id)
        self.assertAlmostEqual(settlement.amount_redeemed, 170.5)
        self.assertAlmostEqual(settlement.amount_commission, 8.53)
        self.assertAlmostEqual(settlement.amount_due, 170.5)
        # The annex lists each use, with masked voucher codes.
        html = (
            self.env["ir.actions.report"]
            ._render_qweb_html("welfare_voucher.action_report_welfare_settlement_annex", settlement.ids)[0]
            .decode()
        )
        self.assertEqual(html.count("o_welfare_settlement_annex"), 1)
        self.assertIn(voucher.code[-4:], html)
        self.assertNotIn(voucher.code, html)
        self.assertIn("50,50", html.replace(".", ","))

    def test_settled_exactly_once(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 500.0)
        self._redeem(voucher, 100.0)
        first = self._settle()
        first.action_confirm()
        self.assertEqual(first.state, "confirmed")
        # Running the period again settles only what is new.
        with self.assertRaisesRegex(UserError, "Nothing to settle"):
            self._settle()
        self._redeem(voucher, 40.0)
        second = self._settle()
        self.assertAlmostEqual(second.amount_redeemed, 40.0)
        self.assertEqual(len(first.move_ids), 1)
        self.assertEqual(len(second.move_ids), 1)
        # Pay once: the settlement follows its bills.
        bill = first.bill_ids
        self.env["account.payment.register"].with_context(active_model="account.move", active_ids=bill.ids).create(
            {}
        )._create_payments()
        self.assertIn(bill.payment_state, ("paid", "in_payment"))
        self.assertEqual(first.state, "paid")
        with self.assertRaisesRegex(UserError, "Paid settlements"):
            first.action_cancel()

    def test_cancel_frees_the_uses(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 500.0)
        self._redeem(voucher, 100.0)
        settlement = self._settle()
        settlement.action_confirm()
        settlement.action_cancel()
        self.assertEqual(settlement.state, "cancelled")
        self.assertEqual(settlement.bill_ids.state, "cancel")
        self.assertEqual(settlement.commission_invoice_ids.state, "cancel")
        self.assertFalse(settlement.move_ids)
        again = self._settle()
        self.assertAlmostEqual(again.amount_redeemed, 100.0)

    def test_refund_after_settlement_is_netted_next_time(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 500.0)
        redeem = self._redeem(voucher, 100.0)
        self._settle().action_confirm()
        redeem._refund("note", reason_params={"note": "Servizio non erogato"}, amount=30.0)
        self._redeem(voucher, 50.0)
        settlement = self._settle()
        self.assertAlmostEqual(settlement.amount_redeemed, 20.0)
        self.assertAlmostEqual(settlement.bill_ids.amount_total, 20.0)
        self.assertAlmostEqual(settlement.amount_commission, 1.0)

    def test_shop_sales_are_settled_to_the_provider(self):
        self.issue(self.fund_grant, self.worker_a, 300.0)
        order = self.cart(self.worker_a, (self.listing_nido, 1))
        order._welfare_apply_credit()
        # Credit held on a cart that can still change is never settled to a provider.
        with self.assertRaises(UserError):
            self._settle()
        order.action_confirm()
        settlement = self._settle()
        self.assertEqual(settlement.bill_ids.partner_id, self.provider)
        self.assertAlmostEqual(settlement.amount_redeemed, 300.0)
        line = settlement.bill_ids.invoice_line_ids.filtered(lambda l: l.price_unit > 0)
        self.assertEqual(line.account_id, self.listing_nido.product_variant_id._get_product_accounts()["expense"])
        self.assertAlmostEqual(settlement.commission_invoice_ids.amount_untaxed, 15.0)


@tagged("post_install", "-at_install")
class TestSettlementPortalAndAccess(WelfareVoucherCommon, HttpCase):
    def test_provider_sees_own_settlement_and_hr_sees_own_vouchers(self):
        voucher_a = self.issue(self.fund_grant, self.worker_a, 200.0)
        voucher_b = self.issue(self.fund_grant, self.worker_b, 100.0)
        self.env["welfare.voucher"]._redeem_at_provider(voucher_a.code, self.provider, self.cat_nido, 80.0)
        today = Date.today()
        settlement = self.env["welfare.settlement"].create(
            {"date_from": today - relativedelta(days=1), "date_to": today, "provider_ids": [(6, 0, self.provider.ids)]}
        )
        settlement.action_compute()
        settlement.action_confirm()
        self.env["res.users"].create(
            {
                "login": "nido_portal",
                "password": "nido_portal",
                "name": "Nido Portal",
                "partner_id": self.env["res.partner"].create({"name": "Nido Portal", "parent_id": self.provider.id}).id,
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
        self.authenticate("nido_portal", "nido_portal")
        page = self.url_open("/my/settlements")
        self.assertEqual(page.status_code, 200)
        self.assertIn(settlement.name, page.text)
        # Codes are bearer secrets: the provider sees the last four characters only.
        self.assertIn(voucher_a.code[-4:], page.text)
        self.assertNotIn(voucher_a.code, page.text)
        self.assertNotIn(voucher_b.code[-4:], page.text)
        # HR referents see the vouchers of their own employer's workers only.
        visible = self.env["welfare.voucher"].with_user(self.user_hr_a).search([])
        self.assertIn(voucher_a, visible)
        self.assertNotIn(voucher_b, visible)

from odoo.tests import HttpCase, tagged

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestCheckoutTour(WelfareVoucherCommon, HttpCase):
    def test_worker_pays_part_with_welfare_and_rest_with_demo(self):
        self.env["ir.config_parameter"].sudo().set_param("sale.automatic_invoice", True)
        self.env.ref("payment.payment_provider_demo").write({"state": "test", "is_published": True})
        voucher = self.issue(self.fund_grant, self.worker_a, 300.0)
        # The shop sells in the company's currency, the vouchers' currency.
        self.env["product.pricelist"].search([]).action_archive()
        self.env["product.pricelist"].create({"name": "Welfare", "currency_id": self.env.company.currency_id.id})
        self.worker_a.write(
            {
                "street": "Via Roma 1",
                "zip": "24069",
                "state_id": self.env.ref("base.state_it_bg").id,
                "country_id": self.env.ref("base.it").id,
                "phone": "+39 035 000000",
            }
        )
        self.start_tour(f"/shop/{self.listing_nido.id}", "welfare_voucher_checkout", login="worker_alfa")
        order = self.env["sale.order"].search([("partner_id", "=", self.worker_a.id)])
        self.assertEqual(order.state, "sale")
        self.assertEqual(order.welfare_amount, 300.0)
        self.assertEqual(voucher.balance, 0.0)
        self.assertEqual(order.amount_paid, order.amount_total)
        invoice = order.invoice_ids
        self.assertEqual(invoice.amount_untaxed, 500.0)
        self.assertEqual(invoice.amount_tax, 110.0)

from odoo import models
from odoo.exceptions import UserError


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        """Invoices of orders paid partly with welfare credit: once posted, the welfare
        payments are reconciled with them too (VAT stays on the full price)."""
        result = super()._post_process()
        self.sale_order_ids._welfare_reconcile_invoices()
        return result

    def _invoice_sale_orders(self):
        """Single-purpose welfare credit paid lines that are the employer's: its payment
        never invoices the worker (a final or a down-payment invoice) nor becomes one of
        the worker's invoice's payments; the other payments of the order do."""
        single_purpose = self.sale_order_ids._welfare_single_purpose_transactions()
        return super(PaymentTransaction, self - single_purpose)._invoice_sale_orders()

    def _log_received_message(self):
        """A welfare hold that the same step captures (the credit pays what confirming the
        order needs) is logged once, when it is done: its authorisation is logged only
        when the hold stays on the cart (``welfare_voucher_unlogged``: logged later)."""
        if self.env.context.get("welfare_voucher_unlogged"):
            self = self.filtered(lambda t: t.provider_code != "welfare" or t.state != "authorized")
        return super()._log_received_message()

    def _send_capture_request(self, amount_to_capture=None):
        """Welfare credit is captured by confirming its order (the holds become
        redemptions in the vouchers' ledger), never from the transaction alone."""
        if self.provider_code != "welfare":
            return super()._send_capture_request(amount_to_capture=amount_to_capture)
        raise UserError(self.env._("Welfare credit is captured when its order is confirmed: confirm the order."))

    def _send_void_request(self, amount_to_void=None):
        """Voiding a welfare authorisation releases the credit held on its cart."""
        if self.provider_code != "welfare":
            return super()._send_void_request(amount_to_void=amount_to_void)
        self.sale_order_ids._welfare_release_holds(self.env._("Payment voided"))
        return self.env["payment.transaction"]

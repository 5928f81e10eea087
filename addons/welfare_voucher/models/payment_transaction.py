from odoo import models


class PaymentTransaction(models.Model):
    _inherit = "payment.transaction"

    def _post_process(self):
        """Invoices of orders paid partly with welfare credit: once posted, the welfare
        payments are reconciled with them too (VAT stays on the full price)."""
        result = super()._post_process()
        self.sale_order_ids._welfare_reconcile_invoices()
        return result

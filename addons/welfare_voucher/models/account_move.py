from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        """A credit note on an order paid with welfare gives the credit back to the
        vouchers it came from, up to the credited amount, exactly once."""
        posted = super()._post(soft=soft)
        for credit_note in posted.filtered(lambda m: m.move_type == "out_refund"):
            for line in credit_note.invoice_line_ids.filtered("sale_line_ids"):
                to_refund = line.price_total
                redeems = (
                    self.env["welfare.voucher.move"]
                    .sudo()
                    .search(
                        [
                            ("sale_order_line_id", "in", line.sale_line_ids.ids),
                            ("move_type", "=", "redeem"),
                        ]
                    )
                )
                for redeem in redeems:
                    if credit_note.currency_id.compare_amounts(to_refund, 0) <= 0:
                        break
                    refunds = redeem._refund(
                        self.env._("Credit note %(name)s", name=credit_note.name), amount=to_refund
                    )
                    to_refund -= sum(refunds.mapped("amount"))
        return posted

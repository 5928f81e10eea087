from odoo import api, fields, models
from odoo.exceptions import UserError

# Changes to these fields change what a line costs or what it is.
WELFARE_PRICE_FIELDS = {
    "product_id",
    "product_template_id",
    "product_uom_qty",
    "product_uom",
    "price_unit",
    "discount",
    "tax_id",
    "product_no_variant_attribute_value_ids",
    "product_custom_attribute_value_ids",
}
WELFARE_SETTLEMENT_FIELDS = {"welfare_settlement_id", "welfare_reversal_settlement_id"}


class SaleOrderLine(models.Model):
    """Money follows the cart: adding, changing or removing a line of a cart that holds
    welfare credit plans the hold again (sale.order._welfare_cart_changed)."""

    _inherit = "sale.order.line"

    welfare_settlement_id = fields.Many2one(
        "welfare.settlement",
        string="Provider Settlement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The settlement that pays the provider for this sale (the network bought it at its whole price).",
    )
    welfare_reversal_settlement_id = fields.Many2one(
        "welfare.settlement",
        string="Reversed in Settlement",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The order was cancelled after its settlement: the settlement in which the provider gives it back.",
    )

    def _compute_qty_to_invoice(self):
        """A line single-purpose welfare credit paid is invoiced to the employer, with
        its VAT (welfare.fund._invoice_employer), never to the worker (DPR 633/72 art.
        6-ter): nothing is left to invoice on the order."""
        result = super()._compute_qty_to_invoice()
        for line in self.filtered("id")._welfare_single_purpose_paid():
            line.qty_to_invoice = 0.0
        return result

    def _welfare_single_purpose_paid(self):
        """The lines paid by single-purpose (full-value) welfare credit, net of refunds:
        the employer is invoiced for them, not the worker."""
        if not self:
            return self
        groups = (
            self.env["welfare.voucher.move"]
            .sudo()
            ._read_group(
                [
                    ("sale_order_line_id", "in", self.ids),
                    ("move_type", "in", ("redeem", "refund")),
                    ("fund_id.payment_mode", "=", "full_value"),
                ],
                ["sale_order_line_id"],
                ["amount:sum"],
            )
        )
        paid = {line.id for line, total in groups if line.currency_id.compare_amounts(total, 0) < 0}
        return self.filtered(lambda l: l.id in paid)

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su and any(vals.get(f) for vals in vals_list for f in WELFARE_SETTLEMENT_FIELDS):
            raise UserError(self.env._("Only a provider settlement settles a sale."))
        lines = super().create(vals_list)
        lines.order_id._welfare_cart_changed()
        return lines

    def write(self, vals):
        # Paid to its provider once: the settlement's links move only with the settlement,
        # and what a settled sale cost cannot change under it (credit note or cancel).
        if WELFARE_SETTLEMENT_FIELDS & set(vals) and not self.env.su:
            raise UserError(self.env._("Only a provider settlement settles a sale."))
        if WELFARE_PRICE_FIELDS & set(vals) and self.sudo().filtered("welfare_settlement_id"):
            raise UserError(
                self.env._(
                    "This sale is already settled to its provider: issue a credit note or cancel the order "
                    "instead of changing it."
                )
            )
        result = super().write(vals)
        if WELFARE_PRICE_FIELDS & set(vals):
            self.order_id._welfare_cart_changed()
        return result

    @api.ondelete(at_uninstall=False)
    def _unlink_except_welfare_settled(self):
        if self.sudo().filtered(lambda l: l.welfare_settlement_id or l.welfare_reversal_settlement_id):
            raise UserError(self.env._("This sale is settled to its provider: it cannot be deleted."))

    def unlink(self):
        orders = self.order_id
        # Lines that hold credit: their carts give it back first (the holds would go with
        # the lines), then hold again what they can use without them.
        holding = (
            self.sudo()
            .filtered(
                lambda l: (
                    l.order_id.state in ("draft", "sent")
                    and l.order_id.welfare_hold_ids.filtered(lambda h, line=l: h.sale_order_line_id == line)
                )
            )
            .order_id
        )
        holding._welfare_release_holds(self.env._("The cart changed"))
        result = super().unlink()
        holding.exists()._welfare_hold_again()
        (orders - holding).exists()._welfare_cart_changed()
        return result

from odoo import fields, models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    welfare_pickup_partner_id = fields.Many2one(
        "res.partner",
        string="Workplace Pick-up",
        readonly=True,
        copy=False,
        help="Employer premises where a workplace delivery is left for the worker.",
    )

    def _set_delivery_method(self, delivery_method, rate=None):
        """Workplace delivery: the pick-up point is the worker's employer."""
        result = super()._set_delivery_method(delivery_method, rate=rate)
        self.welfare_pickup_partner_id = (
            self.partner_id.commercial_partner_id.welfare_employer_id
            if delivery_method and delivery_method.welfare_workplace_delivery
            else False
        )
        return result

from odoo import fields, models


class DeliveryCarrier(models.Model):
    _inherit = "delivery.carrier"

    welfare_workplace_delivery = fields.Boolean(
        string="Delivery to the Workplace",
        help="Company-butler service: the order is delivered to a pick-up point at the "
        "premises of the worker's employer. Offered only to welfare workers.",
    )

    def _match(self, partner, order):
        if self.welfare_workplace_delivery and not (order.partner_id.commercial_partner_id.welfare_employer_id):
            return False
        return super()._match(partner, order)

from odoo import fields, models


class WelfareConvention(models.Model):
    _inherit = "welfare.convention"

    service_category_ids = fields.Many2many(
        "welfare.service.category",
        string="Service Categories",
        tracking=True,
        help="What the provider may sell through the network; subcategories included.",
    )

    def _covers_category(self, category):
        """True when ``category`` is one of the covered categories or below one."""
        self.ensure_one()
        return category._is_within(self.service_category_ids)

from odoo import api, fields, models


class ResPartner(models.Model):
    _inherit = "res.partner"

    welfare_story = fields.Html(
        string="Public Story",
        translate=True,
        sanitize=True,
        help="Shown on the provider's or producer's public page in the shop.",
    )
    welfare_listing_ids = fields.One2many("product.template", "welfare_provider_id", string="Listings")
    welfare_listing_count = fields.Integer(string="Listing Count", compute="_compute_welfare_listing_count")
    welfare_page_url = fields.Char(string="Public Page", compute="_compute_welfare_page_url")

    def _compute_welfare_listing_count(self):
        groups = self.env["product.template"]._read_group(
            [("welfare_provider_id", "in", self.ids)], ["welfare_provider_id"], ["__count"]
        )
        counts = {partner.id: count for partner, count in groups}
        for partner in self:
            partner.welfare_listing_count = counts.get(partner.id, 0)

    @api.depends("is_welfare_provider", "is_welfare_producer")
    def _compute_welfare_page_url(self):
        for partner in self:
            partner.welfare_page_url = (
                f"/shop/welfare/provider/{partner.id}"
                if partner.is_welfare_provider or partner.is_welfare_producer
                else False
            )

    def action_welfare_open_listings(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("welfare_catalog.product_template_welfare_action")
        action["domain"] = [("welfare_provider_id", "=", self.id)]
        action["context"] = {"default_welfare_provider_id": self.id}
        return action

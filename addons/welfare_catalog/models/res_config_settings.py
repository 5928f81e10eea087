from odoo import fields, models


class ResConfigSettings(models.TransientModel):
    _inherit = "res.config.settings"

    welfare_km0_max_distance_km = fields.Float(
        string="Km 0 Distance (km)",
        config_parameter="welfare_catalog.km0_max_distance_km",
        help="Producers outside the network's ambits count as km 0 within this distance "
        "of the company's address (0: only producers inside the ambits).",
    )

    def set_values(self):
        before = self.env["product.template"]._welfare_km0_max_distance()
        result = super().set_values()
        if before != self.welfare_km0_max_distance_km:
            Template = self.env["product.template"]
            listings = Template.with_context(active_test=False).search(
                [("welfare_provider_id.is_welfare_producer", "=", True)]
            )
            self.env.add_to_compute(Template._fields["welfare_is_km0"], listings)
            listings.flush_recordset(["welfare_is_km0"])
        return result

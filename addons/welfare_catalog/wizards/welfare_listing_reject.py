from odoo import fields, models


class WelfareListingReject(models.TransientModel):
    """Reject submitted listings with a reason the provider reads."""

    _name = "welfare.listing.reject"
    _description = "Reject Welfare Listings"

    template_ids = fields.Many2many(
        "product.template",
        string="Listings",
        default=lambda self: self.env.context.get("active_ids"),
    )
    reason = fields.Text(required=True)

    def action_reject(self):
        self.template_ids.action_welfare_reject(self.reason)
        return {"type": "ir.actions.act_window_close"}

from odoo import api, fields, models


class PaymentProvider(models.Model):
    """Welfare credit as a means of payment (buono corrispettivo, DPR 633/72 art. 6-bis):
    a payment against the welfare credit liability, never a discount."""

    _inherit = "payment.provider"

    code = fields.Selection(selection_add=[("welfare", "Welfare credit")], ondelete={"welfare": "set default"})

    def _compute_feature_support_fields(self):
        result = super()._compute_feature_support_fields()
        # Credit applied to a cart is authorised (held) and captured when the order is
        # confirmed: a cart that can still change holds credit, it does not spend it.
        self.filtered(lambda p: p.code == "welfare").update(
            {
                "support_refund": "partial",
                "support_manual_capture": "full_only",
            }
        )
        return result

    @api.model
    def _get_compatible_providers(self, *args, **kwargs):
        """Welfare credit is applied from its own panel at checkout, with the voucher rules;
        it is never offered as a generic payment option."""
        providers = super()._get_compatible_providers(*args, **kwargs)
        return providers.filtered(lambda p: p.code != "welfare")

    def _get_default_payment_method_codes(self):
        codes = super()._get_default_payment_method_codes()
        if self.code != "welfare":
            return codes
        return {"welfare"}

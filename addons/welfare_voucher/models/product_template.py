from odoo import Command, models
from odoo.exceptions import UserError

# Providers who invoice the network without VAT (Natura N2.2): the flat-rate scheme
# (L. 190/2014) and the special agricultural scheme (DPR 633/72 art. 34).
NO_VAT_REGIMES = ("flat_rate", "agricultural")


class ProductTemplate(models.Model):
    _inherit = "product.template"

    def action_welfare_publish(self):
        """At review the back office also sets the VAT the provider's invoice to the
        network carries (``supplier_taxes_id``, docs/fiscal-model.md §4): the purchase tax
        of the same rate and Natura as the listing's VAT, or no VAT (N2.2) for providers
        under the flat-rate or agricultural scheme. The settlement's statement expects
        it on the provider's e-invoice."""
        result = super().action_welfare_publish()
        for listing in self:
            company = listing.company_id or self.env.company
            listing.sudo().supplier_taxes_id = [Command.set(listing._welfare_supplier_taxes(company).ids)]
        return result

    def _welfare_supplier_taxes(self, company):
        self.ensure_one()
        Tax = self.env["account.tax"].sudo()
        companies = company | company.parent_ids
        domain = [
            ("company_id", "in", companies.ids),
            ("type_tax_use", "=", "purchase"),
            ("amount_type", "=", "percent"),
        ]
        provider = self.welfare_provider_id.commercial_partner_id
        if provider.welfare_vat_regime in NO_VAT_REGIMES:
            tax = Tax.search([*domain, ("amount", "=", 0.0), ("l10n_it_exempt_reason", "=", "N2.2")], limit=1)
            if not tax:
                raise UserError(
                    self.env._(
                        "%(provider)s invoices without VAT (Natura N2.2): create the purchase tax 0%% N2.2, with its "
                        "law reference, before publishing its listings.",
                        provider=provider.display_name,
                    )
                )
            return tax
        taxes = Tax
        for tax in self.taxes_id.filtered(lambda t: t.company_id in companies):
            taxes |= Tax.search(
                [
                    *domain,
                    ("amount", "=", tax.amount),
                    ("l10n_it_exempt_reason", "=", tax.l10n_it_exempt_reason),
                    ("price_include_override", "!=", "tax_included"),
                ],
                limit=1,
            )
        return taxes

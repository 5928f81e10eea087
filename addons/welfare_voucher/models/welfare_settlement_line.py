import re

from odoo import api, fields, models
from odoo.exceptions import UserError

KINDS = [
    ("purchase", "Shop sale (invoiced by the provider)"),
    ("service_voucher", "Service voucher (invoiced by the provider)"),
    ("third_party", "Voucher share of a service sold by the provider"),
]
# What the provider invoices the network (docs/fiscal-model.md, flows a, b, d, e).
INVOICED_KINDS = ("purchase", "service_voucher")
# A service voucher's number as the sequence welfare.service.voucher writes it.
SERVICE_VOUCHER_NUMBER = re.compile(r"BS/\d{4}/\d+")


def vat_taxes(taxes):
    """The VAT among ``taxes`` (withholding and pension-fund taxes of a professional's
    invoice are not the service's VAT treatment)."""
    return taxes.flatten_taxes_hierarchy()._l10n_it_filter_kind("vat")


def tax_key(taxes):
    """How a VAT treatment is told apart on both sides of the match: the rate and the
    FatturaPA Natura code (sale taxes on our side, purchase taxes on the provider's
    invoice are different records with the same treatment)."""
    return tuple(sorted((round(tax.amount, 2), tax.l10n_it_exempt_reason or "") for tax in vat_taxes(taxes)))


def is_out_of_scope(taxes):
    """Lines outside VAT under art. 15 (Natura N1), such as the stamp duty a provider
    charges on an exempt invoice: not a supply of the statement."""
    vat = vat_taxes(taxes)
    return bool(vat) and all(tax.amount == 0 and (tax.l10n_it_exempt_reason or "").startswith("N1") for tax in vat)


class WelfareSettlementLine(models.Model):
    """One line of a settlement's statement: what the network owes a provider for a
    service category and VAT treatment in the period, and how it is documented.

    - ``purchase``: the network sold the provider's listing in its own name in the shop
      (art. 3 c.3 / art. 2 c.2 n. 3 DPR 633/72): the provider invoices the whole price,
      whoever paid it (welfare credit, co-payment);
    - ``service_voucher``: full-value credit redeemed in person, a single-purpose voucher
      (art. 6-ter): the provider invoices the network;
    - ``third_party``: grant or c.3 credit redeemed in person, a multi-purpose voucher
      (art. 6-quater): the provider documents the sale to the worker itself; the network
      pays the voucher's share, outside VAT, without an invoice.

    Lines are written by the settlement only; the provider's e-invoice is matched to the
    ``purchase`` and ``service_voucher`` lines per VAT treatment."""

    _name = "welfare.settlement.line"
    _description = "Provider Settlement Statement Line"
    _order = "settlement_id, provider_id, kind, category_id, id"
    _check_company_auto = True

    settlement_id = fields.Many2one("welfare.settlement", required=True, readonly=True, index=True, ondelete="cascade")
    company_id = fields.Many2one(related="settlement_id.company_id", store=True)
    currency_id = fields.Many2one(related="settlement_id.currency_id")
    provider_id = fields.Many2one("res.partner", required=True, readonly=True, index=True)
    kind = fields.Selection(KINDS, required=True, readonly=True)
    category_id = fields.Many2one("welfare.service.category", string="Service Category", readonly=True)
    tax_ids = fields.Many2many(
        "account.tax",
        string="Expected VAT",
        readonly=True,
        check_company=True,
        help="The VAT treatment the provider's invoice must carry for these services.",
    )
    account_id = fields.Many2one(
        "account.account",
        readonly=True,
        check_company=True,
        help="Where the provider's invoice lines of this VAT treatment are booked.",
    )
    use_count = fields.Integer(string="Uses", readonly=True)
    amount_total = fields.Monetary(string="Amount", readonly=True, help="With VAT, as the worker paid it.")
    amount_untaxed = fields.Monetary(string="Untaxed", readonly=True)
    amount_tax = fields.Monetary(string="VAT", readonly=True)
    match_state = fields.Selection(
        [
            ("none", "No invoice"),
            ("awaiting", "Awaiting the provider's invoice"),
            ("matched", "Matched"),
            ("mismatch", "Mismatch"),
        ],
        compute="_compute_match_state",
        help="Whether the provider's invoices linked to the settlement carry, for this VAT treatment, "
        "the amounts of the statement.",
    )

    @api.depends(
        "settlement_id.bill_ids.state",
        "settlement_id.bill_ids.invoice_line_ids.price_total",
        "settlement_id.bill_ids.invoice_line_ids.tax_ids",
    )
    def _compute_match_state(self):
        for settlement, lines in self.grouped("settlement_id").items():
            groups = settlement._invoice_match_groups()
            for line in lines:
                if line.kind not in INVOICED_KINDS:
                    line.match_state = "none"
                else:
                    line.match_state = groups[(line.provider_id, tax_key(line.tax_ids))]["state"]

    @api.model
    def _service_taxes(self, move, company):
        """The VAT of a service redeemed in person: as fixed when its single-purpose
        voucher was issued (the ledger line's), else as the listing or category says now
        (lines written before the VAT was kept)."""
        origin = move.origin_move_id or move
        if origin.tax_ids:
            return origin.tax_ids
        return self._service_taxes_of(origin.listing_id, origin.category_id, company)

    @api.model
    def _service_taxes_of(self, listing, category, company):
        """The VAT of a listing's service: its listing's, else its category's when the
        category has exactly one (km 0 categories list several rates: then the service
        has none the network can tell)."""
        companies = company | company.parent_ids
        taxes = listing.sudo().taxes_id.filtered(lambda t: t.company_id in companies)
        if not taxes and category:
            taxes = category._welfare_taxes(company)
        return taxes if len(taxes) == 1 else self.env["account.tax"]

    @api.model
    def _supplier_taxes(self, listing, company):
        """The VAT the back office set at review for the provider's invoice of this
        listing (product.template.action_welfare_publish): the rate and Natura of the
        listing's VAT, or none (N2.2) for flat-rate and agricultural providers."""
        if not listing or listing.welfare_listing_state != "published":
            return self.env["account.tax"]
        companies = company | company.parent_ids
        return listing.sudo().supplier_taxes_id.filtered(lambda t: t.company_id in companies)

    @api.model
    def _untaxed(self, taxes, amount_total, currency):
        """The untaxed part of a VAT-included amount: listing prices are final prices to
        the worker, the VAT is inside them."""
        if not taxes:
            return amount_total
        result = taxes.with_context(force_price_include=True).compute_all(amount_total, currency=currency)
        return result["total_excluded"]

    @api.model
    def _values(self, settlement, provider, kind, category, taxes, account, count, amount_total, amount_untaxed):
        currency = settlement.currency_id
        total, untaxed = currency.round(amount_total), currency.round(amount_untaxed)
        return {
            "settlement_id": settlement.id,
            "provider_id": provider.id,
            "kind": kind,
            "category_id": category.id,
            "tax_ids": [fields.Command.set(taxes.ids)],
            "account_id": account.id,
            "use_count": count,
            "amount_total": total,
            "amount_untaxed": untaxed,
            "amount_tax": total - untaxed,
        }

    def write(self, vals):
        if not self.env.su:
            raise UserError(self.env._("Statement lines are written by their settlement only."))
        return super().write(vals)

from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools.sql import create_index

from odoo.addons.welfare_network.models.res_partner import MEMBER_TYPES

MOVE_TYPES = [
    ("issue", "Issue"),
    ("redeem", "Redemption"),
    ("refund", "Refund"),
    ("lapse", "Lapse"),
    ("cancel", "Cancellation"),
    ("adjustment", "Adjustment"),
]

# Why a ledger line was written. The line stores the code and its parameters (names of
# records, amounts as numbers); the sentence is written when the line is read, in the
# reader's language (_compute_reason).
REASON_CODES = [
    ("campaign", "Issued by a campaign"),
    ("order", "Spent on a shop order"),
    ("provider", "Redeemed at a provider"),
    ("order_cancelled", "Order cancellation"),
    ("credit_note", "Credit note refund"),
    ("closed_return", "Returned to the fund after closing"),
    ("cancelled", "Voucher cancellation"),
    ("expired_unspent", "Expiry with credit left"),
    ("expired", "Expiry"),
    ("note", "Note written by a person"),
    ("legacy", "Written before reason codes"),
]


class WelfareVoucherMove(models.Model):
    """One line of a voucher's ledger: append-only, signed amount, who, when, why."""

    _name = "welfare.voucher.move"
    _description = "Welfare Voucher Ledger Line"
    _order = "date desc, id desc"

    voucher_id = fields.Many2one("welfare.voucher", required=True, index=True, ondelete="restrict", readonly=True)
    move_type = fields.Selection(MOVE_TYPES, string="Type", required=True, readonly=True)
    amount = fields.Monetary(required=True, readonly=True, help="Positive when credit is added, negative when taken.")
    # The voucher's currency, written with the line by create(): a column of the INSERT,
    # so that the batch's amounts are rounded without a computation per line.
    currency_id = fields.Many2one("res.currency", required=True, readonly=True)
    date = fields.Date(required=True, readonly=True, default=fields.Date.context_today)
    user_id = fields.Many2one(
        "res.users", string="By", required=True, readonly=True, default=lambda self: self.env.user
    )
    reason_code = fields.Selection(REASON_CODES, required=True, readonly=True)
    reason_params = fields.Json(
        string="Reason Parameters",
        readonly=True,
        help="What the sentence names: names of records, amounts as numbers.",
    )
    reason_legacy = fields.Char(
        string="Reason as Written",
        readonly=True,
        help="Lines written before reason codes keep the sentence as it was written then.",
    )
    reason = fields.Char(string="Why", compute="_compute_reason")
    fund_id = fields.Many2one(related="voucher_id.fund_id", store=True, index=True)
    worker_id = fields.Many2one(related="voucher_id.worker_id", store=True, index=True)
    employer_id = fields.Many2one("res.partner", string="Employer", readonly=True, index=True)
    company_id = fields.Many2one(related="voucher_id.company_id", store=True)
    category_id = fields.Many2one(
        "welfare.service.category", string="Service Category", readonly=True, index="btree_not_null"
    )
    provider_id = fields.Many2one("res.partner", readonly=True, index="btree_not_null")
    # History is never rewritten: an order or line that the ledger names cannot be deleted.
    sale_order_id = fields.Many2one(
        "sale.order", string="Order", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    sale_order_line_id = fields.Many2one(
        "sale.order.line", string="Order Line", readonly=True, index="btree_not_null", ondelete="restrict"
    )
    transaction_id = fields.Many2one("payment.transaction", readonly=True, index="btree_not_null")
    origin_move_id = fields.Many2one("welfare.voucher.move", string="Refund of", readonly=True, index="btree_not_null")
    credit_note_id = fields.Many2one(
        "account.move",
        string="Credit Note",
        readonly=True,
        index="btree_not_null",
        help="The credit note this refund follows.",
    )
    refunded_amount = fields.Monetary(compute="_compute_refunded_amount")
    description = fields.Char(readonly=True, help="Service delivered, as declared.")
    listing_id = fields.Many2one(
        "product.template",
        string="Listing",
        readonly=True,
        help="The provider's listing redeemed in person: its VAT is what the provider invoices.",
    )
    tax_ids = fields.Many2many(
        "account.tax",
        string="VAT of the Service",
        readonly=True,
        help="Single-purpose voucher redeemed in person: the service's VAT when the voucher was issued "
        "(DPR 633/72 art. 6-ter), the VAT its provider invoices and the employer is recharged with.",
    )
    provider_document_ref = fields.Char(
        string="Provider's Document",
        readonly=True,
        help="Multi-purpose voucher redeemed in person: the receipt or invoice the provider issued to the "
        "worker for the service (DPR 633/72 art. 6-quater: the provider documents the sale).",
    )
    service_price = fields.Monetary(
        string="Whole Price",
        readonly=True,
        help="Multi-purpose voucher redeemed in person: the whole price of the service on the provider's "
        "document; the worker paid the rest (the co-payment the funder's statement reports).",
    )
    service_voucher_number = fields.Char(
        string="Service Voucher",
        readonly=True,
        index="btree_not_null",
        copy=False,
        help="DM 25 March 2016 art. 6: spending full-value welfare credit issues a voucher for "
        "exactly one service at its whole price, with no top-up by the worker; this is its number.",
    )
    service_date = fields.Date(
        readonly=True,
        help="When the service was delivered, as declared by the provider (shown only: the line is dated and "
        "counted on the day it is written).",
    )
    # --- books -------------------------------------------------------------
    account_move_id = fields.Many2one("account.move", string="Journal Entry", readonly=True, index=True)
    settlement_id = fields.Many2one("welfare.settlement", readonly=True, index="btree_not_null")
    recharge_invoice_id = fields.Many2one(
        "account.move",
        string="Employer Recharge",
        readonly=True,
        index="btree_not_null",
        help="Invoice to the employer.",
    )
    # --- reporting dimensions (for pivots, exports and the funder's statement) ---
    # History does not change: they are written once, from the worker and the provider
    # as they are when the line is written, never recomputed from today's partners.
    worker_ambit_id = fields.Many2one("welfare.ambit", string="Worker's Ambit", readonly=True)
    provider_ambit_id = fields.Many2one("welfare.ambit", string="Provider's Ambit", readonly=True)
    provider_is_producer = fields.Boolean(string="Km 0 Producer", readonly=True)
    provider_member_type = fields.Selection(MEMBER_TYPES, string="Provider's Member Type", readonly=True)
    is_third_sector = fields.Boolean(
        string="Social Economy", readonly=True, help="Spent at a social cooperative, association or foundation."
    )

    def _auto_init(self):
        result = super()._auto_init()
        # The unsettled uses of a company in a period (settlements, statements).
        create_index(
            self.env.cr,
            "welfare_voucher_move_unsettled_company_date_index",
            self._table,
            ["company_id", "date"],
            where="settlement_id IS NULL",
        )
        return result

    @api.depends("reason_code", "reason_params", "reason_legacy")
    @api.depends_context("lang")
    def _compute_reason(self):
        for move in self:
            move.reason = move._reason_sentence()

    def _reason_sentence(self):
        """The sentence of this line's reason code and parameters, in the language of the
        context: the worker reads their ledger in their own language, whoever wrote it."""
        self.ensure_one()
        params = defaultdict(str, self.reason_params or {})
        _ = self.env._
        match self.reason_code:
            case "campaign":
                return _("Issued by campaign %(campaign)s", campaign=params["campaign"])
            case "order":
                return _("Order %(order)s", order=params["order"])
            case "provider":
                return _("Redeemed by %(provider)s", provider=params["provider"])
            case "order_cancelled":
                return _("Order %(order)s cancelled", order=params["order"])
            case "credit_note":
                return _("Credit note %(name)s", name=params["credit_note"])
            case "closed_return":
                return _("Given back after the voucher closed: returned to the fund")
            case "cancelled":
                return _("Voucher cancelled")
            case "expired_unspent":
                return _("Expired unspent")
            case "expired":
                return _("Expired")
            case "note":
                return params["note"]
        return self.reason_legacy or ""

    @api.depends("voucher_id")
    def _compute_refunded_amount(self):
        groups = dict(
            self.sudo()._read_group(
                [("origin_move_id", "in", self.ids), ("move_type", "=", "refund")], ["origin_move_id"], ["amount:sum"]
            )
        )
        for move in self:
            move.refunded_amount = groups.get(move, 0.0)

    @api.model
    def _mutable_fields(self):
        """Links set after the fact: the books and the settlement, never the amounts."""
        return {"account_move_id", "settlement_id", "recharge_invoice_id"}

    def _welfare_counterpart(self, accounts):
        """The account and partner facing the welfare liability for this ledger line."""
        self.ensure_one()
        return self._welfare_counterpart_of(self.move_type, self.fund_id, self.provider_id, accounts)

    @api.model
    def _welfare_counterpart_of(self, move_type, fund, provider, accounts):
        """The account and partner facing the welfare liability for a ledger line of
        ``move_type``: the provider to settle for what is spent, the funder for what is
        issued or goes back to the fund."""
        if move_type in ("redeem", "refund"):
            return accounts["to_settle"], provider
        return accounts["funds_receivable"], fund.funder_id

    def _post_accounting_entry(self):
        """Book the ledger line so that, at any date, the welfare credit liability equals
        the open voucher balances. Shop redemptions and their refunds are booked by the
        welfare payment (liability against the worker's receivable), not here."""
        for move in self:
            currency = move.currency_id
            if currency.is_zero(move.amount) or move.transaction_id:
                continue
            company = move.voucher_id.company_id
            accounts = company._welfare_accounts()
            worker = move.worker_id
            counterpart, partner = move._welfare_counterpart(accounts)
            # The books speak the company's language, whoever wrote the line.
            lang = self.env["res.lang"]._get_code(company.partner_id.lang) or "en_US"
            reason = move.with_context(lang=lang).reason
            # A positive amount makes the liability grow: Dr counterpart / Cr liability.
            entry = company._welfare_post_entry(
                move.date,
                f"{move.voucher_id.code} · {reason}",
                [
                    (counterpart, partner, move.amount, reason),
                    (accounts["liability"], worker, -move.amount, reason),
                ],
            )
            move.write({"account_move_id": entry.id})

    def _post_accounting_entries(self, ref):
        """Book these ledger lines (a batch, e.g. a campaign's) in one journal entry per
        company and date, aggregated per fund: the voucher ledger is the sub-ledger per
        worker, the books get one pair of lines per fund and its funder (Dr funds
        receivable / Cr welfare credit liability for what is issued; Dr liability / Cr
        the providers to settle for what is spent). Every ledger line gets its entry."""
        to_book = self.filtered(lambda m: not m.transaction_id and not m.currency_id.is_zero(m.amount))
        for (company, day), moves in to_book.grouped(lambda m: (m.company_id, m.date)).items():
            accounts = company._welfare_accounts()
            totals = defaultdict(float)
            for move in moves:
                counterpart, partner = move._welfare_counterpart(accounts)
                totals[counterpart, partner, move.fund_id] += move.amount
            if entry := self._post_aggregated_entry(company, day, ref, totals):
                moves.write({"account_move_id": entry.id})

    @api.model
    def _post_aggregated_entry(self, company, day, ref, totals):
        """The journal entry of a batch of ledger lines of ``company`` dated ``day``:
        ``totals`` maps (counterpart account, partner, fund) to the signed sum of the
        lines, booked as one pair of lines each. Returns the posted entry, or no entry
        when everything nets to zero."""
        accounts = company._welfare_accounts()
        currency = company.currency_id
        lines = []
        for (counterpart, partner, fund), amount in totals.items():
            amount = currency.round(amount)
            if not currency.is_zero(amount):
                # A positive amount makes the liability grow: Dr counterpart / Cr liability.
                lines += [
                    (counterpart, partner, amount, fund.name),
                    (accounts["liability"], partner, -amount, fund.name),
                ]
        return company._welfare_post_entry(day, ref, lines) if lines else self.env["account.move"]

    @api.model_create_multi
    def create(self, vals_list):
        """Spending from a full-value fund issues the single-purpose voucher of that one
        service (DM 25/3/2016 art. 6; DPR 633/72 art. 6-bis): it is numbered here,
        whichever way it is spent (shop or in person)."""
        vouchers = self.env["welfare.voucher"].sudo().browse({vals["voucher_id"] for vals in vals_list})
        full_value = set(vouchers.filtered(lambda v: v.fund_id.payment_mode == "full_value").ids)
        sequence = self.env["ir.sequence"].sudo()
        # Records taken from whole recordsets read their partners in one query for the batch.
        voucher_of = {voucher.id: voucher for voucher in vouchers}
        provider_ids = {vals["provider_id"] for vals in vals_list if vals.get("provider_id")}
        provider_of = {provider.id: provider for provider in self.env["res.partner"].sudo().browse(provider_ids)}
        # Always the voucher's currency, and first: the ORM puts the new line's values in
        # its cache in this order, and rounding the amount reads the currency from there
        # (or from the database, one query per batch, when it comes after).
        vals_list = [
            {"currency_id": voucher_of[vals["voucher_id"]].currency_id.id}
            | {key: value for key, value in vals.items() if key != "currency_id"}
            for vals in vals_list
        ]
        for vals in vals_list:
            if vals.get("move_type") == "redeem" and vals["voucher_id"] in full_value:
                vals["service_voucher_number"] = sequence.next_by_code("welfare.service.voucher")
            provider = provider_of.get(vals.get("provider_id"), self.env["res.partner"])
            voucher = voucher_of[vals["voucher_id"]]
            vals.update(self._reporting_dimensions(voucher, provider))
            # The voucher's fund, worker and company, known here: written with the line
            # (one INSERT, no UPDATE of these columns after it).
            vals.update(fund_id=voucher.fund_id.id, worker_id=voucher.worker_id.id, company_id=voucher.company_id.id)
        return super().create(vals_list)

    @api.model
    def _reporting_dimensions(self, voucher, provider):
        """The reporting dimensions of a line, as the worker and the provider are now:
        written once at creation (history does not change when a partner does)."""
        worker = voucher.worker_id
        member_type = provider.welfare_member_type
        return {
            "employer_id": worker.welfare_employer_id.id,
            "worker_ambit_id": worker.welfare_ambit_id.id,
            "provider_ambit_id": provider.welfare_ambit_id.id,
            "provider_is_producer": provider.is_welfare_producer,
            "provider_member_type": member_type or False,
            "is_third_sector": member_type in ("social_coop", "association"),
        }

    def write(self, vals):
        if set(vals) - self._mutable_fields():
            raise UserError(self.env._("The voucher ledger is append-only: add a new line instead of changing one."))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        raise UserError(self.env._("The voucher ledger is append-only: lines cannot be deleted."))

    def _refund(self, reason_code, amount=None, **values):
        """Give back (part of) a redemption to the voucher it came from, exactly once;
        ``reason_code`` and ``reason_params`` (in ``values``) say why."""
        refunds = self.browse()
        for move in self:
            if move.move_type != "redeem":
                raise UserError(self.env._("Only redemptions can be refunded."))
            move.voucher_id._lock()
            currency = move.currency_id
            refundable = -move.amount - move.refunded_amount
            to_refund = refundable if amount is None else min(amount, refundable)
            if currency.compare_amounts(to_refund, 0) <= 0:
                continue
            refunds |= move.voucher_id._add_move(
                "refund",
                to_refund,
                reason_code,
                origin_move_id=move.id,
                category_id=move.category_id.id,
                provider_id=move.provider_id.id,
                sale_order_id=move.sale_order_id.id,
                transaction_id=move.transaction_id.id,
                sale_order_line_id=move.sale_order_line_id.id,
                listing_id=move.listing_id.id,
                **values,
            )
            move.invalidate_recordset(["refunded_amount"])
            voucher = move.voucher_id
            if voucher.state in ("expired", "cancelled"):
                # Credit given back to a closed voucher cannot be spent: it goes back to the
                # fund at once instead of staying stranded on the voucher.
                voucher._add_move(
                    "cancel" if voucher.state == "cancelled" else "lapse",
                    -to_refund,
                    "closed_return",
                )
        return refunds

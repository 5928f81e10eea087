from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

# DPR 642/72, Tariff part I art. 13 n. 1: €2 of stamp duty on an invoice whose amounts
# without VAT (excluded, not subject, exempt: Natura N1, N2, N4) exceed €77.47; paid
# virtually ("bollo virtuale") and declared in the FatturaPA (DatiBollo).
STAMP_DUTY = 2.0
STAMP_DUTY_THRESHOLD = 77.47
STAMP_DUTY_NATURES = ("N1", "N2", "N4")
# What the settlement and the employer recharge write on their documents, never a user.
WELFARE_ISSUED_FIELDS = {
    "welfare_deferred_invoice",
    "welfare_drafted_by_network",
    "welfare_fund_id",
    "welfare_advance_operation",
}


class AccountMove(models.Model):
    _inherit = "account.move"

    welfare_settlement_id = fields.Many2one(
        "welfare.settlement",
        string="Welfare Settlement",
        copy=False,
        index=True,
        check_company=True,
        domain="[('state', '=', 'draft'), ('company_id', '=', company_id)]",
        help="On a provider's invoice: the settlement statement it invoices (docs/fiscal-model.md, flow e). "
        "Invoices quoting the settlement's number are linked by the settlement itself.",
    )
    welfare_drafted_by_network = fields.Boolean(
        readonly=True,
        copy=False,
        help="A provider's bill the network drafted itself, before settlements were matched to the providers' "
        "own e-invoices: the settlement's own document.",
    )
    welfare_fund_id = fields.Many2one(
        "welfare.fund",
        string="Welfare Fund",
        readonly=True,
        copy=False,
        index="btree_not_null",
        help="The fund whose employer's advance (provvista) this entry receives, uses or gives back (its "
        "reversal too).",
        ondelete="restrict",
    )
    welfare_advance_operation = fields.Selection(
        [
            ("receive", "Advance received"),
            ("use", "Advance used for an invoice"),
            ("credit_note", "Credit note back to the advance"),
            ("return", "Unused advance given back"),
        ],
        string="Advance Operation",
        readonly=True,
        copy=False,
    )
    welfare_deferred_invoice = fields.Boolean(
        string="Deferred Invoice (TD24)",
        readonly=True,
        copy=False,
        help="A deferred invoice (DPR 633/72 art. 21 c.4 lett. a) of the services of a period, each documented "
        "by its service voucher: sent as FatturaPA document type TD24.",
    )

    def _l10n_it_edi_get_document_type(self):
        """The employer recharge of a period's service vouchers is a deferred invoice:
        TD24 (docs/fiscal-model.md, flow f). A journal entry (a welfare payment's, a
        ledger line's) has no FatturaPA document type: none is looked for (every TDxx is
        for invoices and credit notes), which spares each posting about a dozen queries."""
        if self.move_type == "entry":
            return False
        if self.welfare_deferred_invoice and self.move_type == "out_invoice" and not self._l10n_it_edi_is_simplified():
            return "TD24"
        return super()._l10n_it_edi_get_document_type()

    def _reverse_moves(self, default_values_list=None, cancel=False):
        """A reversal of an entry of a fund's advance belongs to the same fund and counts
        against the same operation, so that the advance follows Odoo's own Reverse
        button. It is posted at once (a draft one, dated later, would escape the checks
        below), and refused when the fund would then owe the employer less than nothing
        or credit notes would have given back more than the advance paid."""
        funds = self.sudo().welfare_fund_id
        moves = self
        if funds:
            if self.sudo().filtered(lambda m: not m.welfare_fund_id):
                # Else the employer's payment could be unmatched with the advance's entry.
                raise UserError(self.env._("Reverse the entries of an employer's advance on their own."))
            funds._lock_advance()
            moves = self.with_context(welfare_voucher_advance_reversal=True)
        reversals = super(AccountMove, moves)._reverse_moves(default_values_list=default_values_list, cancel=cancel)
        for reversal in reversals.sudo():
            origin = reversal.reversed_entry_id
            if not origin.welfare_fund_id:
                continue
            reversal.write(
                {
                    "welfare_fund_id": origin.welfare_fund_id.id,
                    "welfare_advance_operation": origin.welfare_advance_operation,
                }
            )
            if reversal.state != "posted":
                raise UserError(
                    self.env._(
                        "An entry of an employer's advance is reversed on today's date or earlier, posted at once."
                    )
                )
        funds._check_advance_consistent()
        return reversals.with_env(self.env)

    def button_cancel(self):
        self._welfare_check_advance_entries_kept()
        return super().button_cancel()

    def _welfare_check_advance_entries_kept(self):
        """An entry of a fund's advance is corrected by its reversal (Odoo's Reverse
        button), never reset or cancelled: the advance's balance is what the posted
        entries say, and a changed entry could pay out money that was never advanced."""
        if self.sudo().filtered("welfare_fund_id"):
            raise UserError(
                self.env._("An entry of an employer's advance is corrected by reversing it, not by editing it.")
            )

    def _l10n_it_edi_get_values(self, pdf_values=None):
        """An employer recharge's credit note may give back service vouchers recharged on
        several earlier invoices (of several months): the FatturaPA names each of them in
        DatiFattureCollegate (DPR 633/72 art. 26), not only the one it reverses."""
        values = super()._l10n_it_edi_get_values(pdf_values=pdf_values)
        if self.move_type == "out_refund":
            origins = self._welfare_recharged_origins()
            if len(origins) > 1:
                values["reconciled_moves"] = (values["reconciled_moves"] | origins).sorted(
                    lambda m: (m.invoice_date, m.name)
                )
        return values

    def _welfare_recharged_origins(self):
        """The employer invoices that recharged the uses this credit note gives back."""
        self.ensure_one()
        uses = self.env["welfare.voucher.move"].sudo().search([("recharge_invoice_id", "=", self.id)])
        return uses.origin_move_id.recharge_invoice_id.filtered(lambda m: m.move_type == "out_invoice")

    def _welfare_set_stamp_duty(self):
        """Declare the stamp duty on the network's own draft invoices that need it."""
        for move in self.filtered(lambda m: m.state == "draft" and m.move_type in ("out_invoice", "out_refund")):
            untaxed = sum(
                line.price_subtotal
                for line in move.invoice_line_ids
                if line.tax_ids
                and all(
                    tax.amount == 0 and (tax.l10n_it_exempt_reason or "").startswith(STAMP_DUTY_NATURES)
                    for tax in line.tax_ids
                )
            )
            due = move.currency_id.compare_amounts(untaxed, STAMP_DUTY_THRESHOLD) > 0
            move.l10n_it_stamp_duty = STAMP_DUTY if due else 0.0

    @api.model_create_multi
    def create(self, vals_list):
        if not self.env.su:
            if any(WELFARE_ISSUED_FIELDS & set(vals) for vals in vals_list):
                raise UserError(self.env._("These fields are set by the welfare settlement and recharge only."))
            for vals in vals_list:
                if not vals.get("welfare_settlement_id"):
                    continue
                move_type = vals.get("move_type") or self.env.context.get("default_move_type")
                settlement = self.env["welfare.settlement"].browse(vals["welfare_settlement_id"])
                if move_type not in ("in_invoice", "in_refund") or settlement.state != "draft":
                    raise UserError(self.env._("Only a provider's invoice can be linked to a draft settlement."))
        return super().create(vals_list)

    def button_draft(self):
        """A provider's invoice of a confirmed settlement is what the provider is paid:
        it changes only by cancelling the settlement (the network's own documents of the
        settlement may be reset, e.g. after an SdI rejection). An entry of an
        employer's advance is never reset."""
        self._welfare_check_advance_entries_kept()
        if not self.env.context.get("welfare_voucher_settlement_cancel") and self.sudo().filtered(
            lambda m: (
                m.move_type in ("in_invoice", "in_refund")
                and m.welfare_settlement_id
                and m.welfare_settlement_id.state in ("confirmed", "paid")
            )
        ):
            raise UserError(
                self.env._("This document belongs to a confirmed welfare settlement: cancel the settlement first.")
            )
        return super().button_draft()

    def write(self, vals):
        if WELFARE_ISSUED_FIELDS & set(vals) and not self.env.su:
            raise UserError(self.env._("These fields are set by the welfare settlement and recharge only."))
        if "welfare_settlement_id" in vals and not self.env.su:
            self.env["welfare.settlement"].browse(
                [vals["welfare_settlement_id"]] if vals["welfare_settlement_id"] else []
            )._lock()
            self.welfare_settlement_id._lock()
            # Only a provider's invoice is linked by hand to a draft settlement; the
            # settlement's own documents are its own.
            for move in self:
                if move.move_type not in ("in_invoice", "in_refund") or move.state == "cancel":
                    raise UserError(self.env._("Only a provider's invoice can be linked to a settlement."))
                if move.welfare_settlement_id and move.welfare_settlement_id.state != "draft":
                    raise UserError(
                        self.env._(
                            "%(bill)s belongs to settlement %(settlement)s, which is confirmed: cancel it first.",
                            bill=move.display_name,
                            settlement=move.welfare_settlement_id.name,
                        )
                    )
            settlement = self.env["welfare.settlement"].browse(vals["welfare_settlement_id"])
            if settlement and settlement.state != "draft":
                raise UserError(self.env._("Invoices can only be linked to a draft settlement."))
        return super().write(vals)

    @api.constrains("welfare_settlement_id", "partner_id")
    def _check_welfare_settlement_provider(self):
        for move in self.filtered(lambda m: m.welfare_settlement_id and m.move_type in ("in_invoice", "in_refund")):
            lines = move.welfare_settlement_id.sudo().line_ids.filtered(
                lambda l: l.kind in ("purchase", "service_voucher")
            )
            if move.commercial_partner_id not in lines.provider_id:
                raise ValidationError(
                    self.env._(
                        "%(partner)s has nothing to invoice in settlement %(settlement)s.",
                        partner=move.commercial_partner_id.display_name,
                        settlement=move.welfare_settlement_id.name,
                    )
                )

    def _post(self, soft=True):
        """A credit note on an order paid with welfare gives the credit back to the
        vouchers it came from, up to the credited amount, exactly once; the books follow:
        the worker's receivable is settled against the welfare credit liability.

        The shop's invoices of welfare services declare the stamp duty they need
        (DPR 642/72: exempt nursery fees over €77.47), unless it was set by hand."""
        self.filtered(
            lambda m: (
                m.move_type in ("out_invoice", "out_refund")
                and not m.l10n_it_stamp_duty
                and m.invoice_line_ids.product_id.product_tmpl_id.filtered("welfare_category_id")
            )
        )._welfare_set_stamp_duty()
        posted = super()._post(soft=soft)
        # A worker's credit note (never the employer's, on a recharge of the same lines).
        credit_notes = posted.filtered(
            lambda m: (
                m.move_type == "out_refund"
                and m.invoice_line_ids.sale_line_ids
                and m.commercial_partner_id
                in m.invoice_line_ids.sale_line_ids.order_id.partner_id.commercial_partner_id
            )
        )
        if not credit_notes:
            return posted
        # A credit note reset to draft and posted again gives nothing back a second time.
        done = set(
            self.env["welfare.voucher.move"]
            .sudo()
            .search([("credit_note_id", "in", credit_notes.ids)])
            .credit_note_id.ids
        )
        for credit_note in credit_notes.filtered(lambda m: m.id not in done):
            lines = credit_note.invoice_line_ids.filtered("sale_line_ids")
            all_redeems = (
                self.env["welfare.voucher.move"]
                .sudo()
                .search([("sale_order_line_id", "in", lines.sale_line_ids.ids), ("move_type", "=", "redeem")])
            )
            refunds = self.env["welfare.voucher.move"]
            for line in lines:
                to_refund = line.price_total
                redeems = all_redeems.filtered(lambda m, line=line: m.sale_order_line_id in line.sale_line_ids)
                for redeem in redeems:
                    if credit_note.currency_id.compare_amounts(to_refund, 0) <= 0:
                        break
                    new = redeem._refund(
                        "credit_note",
                        amount=to_refund,
                        credit_note_id=credit_note.id,
                        reason_params={"credit_note": credit_note.name},
                    )
                    refunds |= new
                    to_refund -= sum(new.mapped("amount"))
            if refunds:
                credit_note._welfare_book_refund(refunds)
        return posted

    def _welfare_book_refund(self, refunds):
        """Dr worker's receivable / Cr welfare credit liability, reconciled with the credit note."""
        self.ensure_one()
        accounts = self.company_id._welfare_accounts()
        amount = sum(refunds.mapped("amount"))
        receivable = self.line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable")[:1]
        entry = self.company_id._welfare_post_entry(
            self.date,
            self.env._("Welfare credit given back: %(name)s", name=self.name),
            [
                (receivable.account_id, self.commercial_partner_id, amount, self.name),
                (accounts["liability"], self.commercial_partner_id, -amount, self.name),
            ],
        )
        (receivable | entry.line_ids.filtered(lambda l: l.account_id == receivable.account_id)).reconcile()
        refunds.sudo().write({"account_move_id": entry.id})
        return entry

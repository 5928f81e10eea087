from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL, format_date


class WelfareSettlement(models.Model):
    """Pays providers exactly once for the vouchers they redeemed in a period.

    Per provider: a vendor bill for what its services were worth, one line per service
    category (and account), the per-use detail in the settlement's annex; and the
    network's own invoice for its commission, one line per rate, with VAT: the
    commission is the network's taxable service, never a deduction on the provider's
    bill (docs/fiscal-model.md)."""

    _name = "welfare.settlement"
    _description = "Provider Settlement"
    _inherit = ["mail.thread", "mail.activity.mixin", "welfare.action.guard.mixin"]
    _order = "date_to desc, id desc"
    # The state moves only through action_compute/confirm/cancel (each use is paid once).
    _welfare_guarded_fields = frozenset(
        {"name", "state", "confirmed", "cancelled", "move_ids", "bill_ids", "commission_invoice_ids", "company_id"}
    )
    _check_company_auto = True

    name = fields.Char(required=True, readonly=True, copy=False, default=lambda self: self.env._("New"))
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    date_from = fields.Date(string="From", required=True, tracking=True)
    date_to = fields.Date(string="To", required=True, tracking=True)
    provider_ids = fields.Many2many(
        "res.partner", string="Only These Providers", help="Leave empty to settle every provider."
    )
    state = fields.Selection(
        [("draft", "Draft"), ("confirmed", "Confirmed"), ("paid", "Paid"), ("cancelled", "Cancelled")],
        compute="_compute_state",
        store=True,
        tracking=True,
    )
    confirmed = fields.Boolean(readonly=True, copy=False)
    cancelled = fields.Boolean(readonly=True, copy=False)
    move_ids = fields.One2many("welfare.voucher.move", "settlement_id", string="Voucher Uses")
    bill_ids = fields.One2many(
        "account.move", "welfare_settlement_id", string="Vendor Bills", domain=[("move_type", "=", "in_invoice")]
    )
    commission_invoice_ids = fields.One2many(
        "account.move",
        "welfare_settlement_id",
        string="Commission Invoices",
        domain=[("move_type", "=", "out_invoice")],
    )
    bill_count = fields.Integer(compute="_compute_amounts")
    amount_redeemed = fields.Monetary(compute="_compute_amounts", string="Redeemed")
    amount_commission = fields.Monetary(compute="_compute_amounts", string="Commission")
    amount_due = fields.Monetary(compute="_compute_amounts", string="Due to Providers")

    _sql_constraints = [
        ("dates_order", "CHECK(date_to >= date_from)", "The period ends before it starts."),
    ]

    @api.depends("confirmed", "cancelled", "bill_ids.payment_state")
    def _compute_state(self):
        for settlement in self:
            bills = settlement.bill_ids
            if settlement.cancelled:
                settlement.state = "cancelled"
            elif not settlement.confirmed:
                settlement.state = "draft"
            elif bills and all(b.payment_state in ("paid", "in_payment") for b in bills):
                settlement.state = "paid"
            else:
                settlement.state = "confirmed"

    @api.depends("move_ids.amount", "bill_ids.amount_total", "commission_invoice_ids.amount_untaxed")
    def _compute_amounts(self):
        for settlement in self:
            settlement.amount_redeemed = -sum(settlement.move_ids.mapped("amount"))
            settlement.amount_due = sum(settlement.bill_ids.mapped("amount_total"))
            settlement.amount_commission = sum(settlement.commission_invoice_ids.mapped("amount_untaxed"))
            settlement.bill_count = len(settlement.bill_ids)

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", self.env._("New")) == self.env._("New"):
                vals["name"] = self.env["ir.sequence"].next_by_code("welfare.settlement") or self.env._("New")
        return super().create(vals_list)

    def _candidate_moves(self):
        """Redemptions and refunds at providers in the period, not settled yet, locked so
        that two settlements running at once cannot take the same use twice."""
        self.ensure_one()
        domain = [
            ("company_id", "=", self.company_id.id),
            ("move_type", "in", ("redeem", "refund")),
            ("provider_id", "!=", False),
            ("settlement_id", "=", False),
            ("date", ">=", self.date_from),
            ("date", "<=", self.date_to),
        ]
        if self.provider_ids:
            domain.append(("provider_id", "in", self.provider_ids.ids))
        moves = self.env["welfare.voucher.move"].sudo().search(domain)
        if moves:
            self.env.cr.execute(
                SQL(
                    "SELECT id FROM welfare_voucher_move WHERE id IN %s AND settlement_id IS NULL FOR UPDATE",
                    tuple(moves.ids),
                )
            )
            locked = {row[0] for row in self.env.cr.fetchall()}
            moves.invalidate_recordset(["settlement_id"])
            moves = moves.filtered(lambda m: m.id in locked and not m.settlement_id)
        return moves

    def _commission_percent(self, provider, category, on_date):
        """The commission of the convention covering ``category`` (never changed on an
        active convention: see welfare.convention.write)."""
        convention = provider.welfare_convention_ids.filtered(
            lambda c: (
                c.date_start <= on_date
                and (not c.date_end or c.date_end >= on_date)
                and c.state in ("active", "expired", "terminated")
                and c._covers_category(category)
            )
        )[:1]
        return convention.commission_percent if convention else 0.0

    def action_compute(self):
        """Collect every unsettled use of the period and draft one bill per provider."""
        self._welfare_check_settler()
        accounts = self.company_id._welfare_accounts()
        for settlement in self:
            if settlement.state != "draft":
                raise UserError(self.env._("Only draft settlements can be computed."))
            # Its own draft documents, re-made below (the back office computes without posting rights).
            documents = settlement.sudo().bill_ids | settlement.sudo().commission_invoice_ids
            documents.filtered(lambda b: b.state == "draft").unlink()
            settlement.move_ids.sudo().write({"settlement_id": False})
            moves = settlement._candidate_moves()
            if not moves:
                raise UserError(self.env._("Nothing to settle in this period."))
            moves.write({"settlement_id": settlement.id})
            bills, commissions = [], []
            for provider, provider_moves in moves.grouped("provider_id").items():
                bills.append(settlement._bill_values(provider, provider_moves, accounts))
                if commission := settlement._commission_invoice_values(provider, provider_moves, accounts):
                    commissions.append(commission)
            self.env["account.move"].sudo().create(bills + commissions)
        return True

    def _bill_values(self, provider, moves, accounts):
        """The provider's bill: what its services were worth, one line per service
        category and account (shop sales go to the product's expense account, in-person
        uses to the providers to settle); each use is in the settlement's annex."""
        self.ensure_one()
        totals = {}
        for move in moves:
            if move.transaction_id and move.sale_order_line_id:
                account = move.sale_order_line_id.product_id._get_product_accounts()["expense"]
            else:
                account = accounts["to_settle"]
            key = (move.category_id, account)
            count, amount = totals.get(key, (0, 0.0))
            # A redemption is negative on the voucher, a refund positive.
            totals[key] = (count + 1, amount - move.amount)
        lines = [
            Command.create(
                {
                    "name": self.env._(
                        "%(category)s: %(count)s voucher uses from %(date_from)s to %(date_to)s (annex %(name)s)",
                        category=category.display_name or "-",
                        count=count,
                        date_from=format_date(self.env, self.date_from),
                        date_to=format_date(self.env, self.date_to),
                        name=self.name,
                    ),
                    "quantity": 1,
                    "price_unit": self.currency_id.round(amount),
                    "account_id": account.id,
                    "tax_ids": [Command.clear()],
                }
            )
            for (category, account), (count, amount) in sorted(
                totals.items(), key=lambda kv: kv[0][0].display_name or ""
            )
        ]
        return self._document_values("in_invoice", provider, lines)

    def _commission_invoice_values(self, provider, moves, accounts):
        """The network's invoice to the provider for its commission: one line per rate of
        the conventions, on the net of the period's uses, with the company's sales VAT
        (the network's own taxable service). None when there is no commission."""
        self.ensure_one()
        currency = self.currency_id
        bases = {}
        for move in moves:
            percent = self._commission_percent(provider, move.category_id, move.date)
            bases[percent] = bases.get(percent, 0.0) - move.amount
        taxes = self.company_id.account_sale_tax_id
        lines = []
        for percent, base in sorted(bases.items()):
            commission = currency.round(base * percent / 100.0)
            if currency.compare_amounts(commission, 0) > 0:
                lines.append(
                    Command.create(
                        {
                            "name": self.env._(
                                "Network commission %(percent)s%% on %(base)s of welfare uses (settlement %(name)s)",
                                percent=percent,
                                base=currency.format(base),
                                name=self.name,
                            ),
                            "quantity": 1,
                            "price_unit": commission,
                            "account_id": accounts["commission"].id,
                            "tax_ids": [Command.set(taxes.ids)],
                        }
                    )
                )
        if not lines:
            return None
        return self._document_values("out_invoice", provider, lines)

    def _document_values(self, move_type, provider, lines):
        """A settlement's document for ``provider``, dated at the end of the period."""
        self.ensure_one()
        return {
            "move_type": move_type,
            "partner_id": provider.id,
            "invoice_date": self.date_to,
            "date": self.date_to,
            "ref": self.env._("Welfare settlement %(name)s", name=self.name),
            "company_id": self.company_id.id,
            "welfare_settlement_id": self.id,
            "invoice_line_ids": lines,
        }

    def _welfare_check_settler(self):
        self._welfare_check_group("welfare_network.group_welfare_backoffice", "account.group_account_invoice")
        self.check_access("write")

    def action_confirm(self):
        """Accounting: post the vendor bills, the providers are owed what they redeemed."""
        self._welfare_check_group("account.group_account_invoice")
        self.check_access("write")
        for settlement in self:
            if settlement.state != "draft" or not settlement.bill_ids:
                raise UserError(self.env._("Compute the settlement before confirming it."))
            documents = settlement.bill_ids | settlement.commission_invoice_ids
            documents.filtered(lambda b: b.state == "draft").action_post()
            settlement._welfare_action_write({"confirmed": True})
        return True

    def action_cancel(self):
        """Accounting: cancel the settlement, its bills are cancelled and its uses can be
        settled again."""
        self._welfare_check_group("account.group_account_invoice")
        self.check_access("write")
        for settlement in self:
            documents = settlement.bill_ids | settlement.commission_invoice_ids
            if any(b.payment_state in ("paid", "in_payment", "partial") for b in documents):
                raise UserError(self.env._("Paid settlements cannot be cancelled: refund the bills first."))
            posted = documents.filtered(lambda b: b.state == "posted")
            posted.button_draft()
            documents.button_cancel()
            settlement.move_ids.sudo().write({"settlement_id": False})
            settlement._welfare_action_write({"cancelled": True})
        return True

    def action_open_bills(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_in_invoice_type")
        action["domain"] = [("welfare_settlement_id", "=", self.id)]
        action["context"] = {"default_move_type": "in_invoice"}
        return action

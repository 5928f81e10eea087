from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL

from .welfare_voucher import mask_code


class WelfareSettlement(models.Model):
    """Pays providers exactly once for the vouchers they redeemed in a period: one vendor
    bill per provider, a line per service, the convention's commission deducted."""

    _name = "welfare.settlement"
    _description = "Provider Settlement"
    _inherit = ["mail.thread", "mail.activity.mixin", "welfare.action.guard.mixin"]
    _order = "date_to desc, id desc"
    # The state moves only through action_compute/confirm/cancel (each use is paid once).
    _welfare_guarded_fields = frozenset(
        {"name", "state", "confirmed", "cancelled", "move_ids", "bill_ids", "company_id"}
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
    bill_ids = fields.One2many("account.move", "welfare_settlement_id", string="Vendor Bills")
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

    @api.depends("move_ids.amount", "bill_ids.amount_total")
    def _compute_amounts(self):
        for settlement in self:
            settlement.amount_redeemed = -sum(settlement.move_ids.mapped("amount"))
            settlement.amount_due = sum(settlement.bill_ids.mapped("amount_total"))
            settlement.amount_commission = settlement.amount_redeemed - settlement.amount_due
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
            # Its own draft bills, re-made below (the back office computes without posting rights).
            settlement.sudo().bill_ids.filtered(lambda b: b.state == "draft").unlink()
            settlement.move_ids.sudo().write({"settlement_id": False})
            moves = settlement._candidate_moves()
            if not moves:
                raise UserError(self.env._("Nothing to settle in this period."))
            moves.write({"settlement_id": settlement.id})
            for provider, provider_moves in moves.grouped("provider_id").items():
                settlement._create_bill(provider, provider_moves, accounts)
        return True

    def _create_bill(self, provider, moves, accounts):
        self.ensure_one()
        currency = self.currency_id
        lines = []
        commissions = {}
        for move in moves.sorted(lambda m: (m.date, m.id)):
            amount = -move.amount  # a redemption is negative on the voucher, a refund positive
            if move.transaction_id and move.sale_order_line_id:
                account = move.sale_order_line_id.product_id._get_product_accounts()["expense"]
            else:
                account = accounts["to_settle"]
            lines.append(
                Command.create(
                    {
                        "name": self.env._(
                            "%(date)s · voucher %(code)s · %(service)s",
                            date=move.date,
                            code=mask_code(move.voucher_id.code),
                            service=move.description or move.category_id.name or "",
                        ),
                        "quantity": 1,
                        "price_unit": amount,
                        "account_id": account.id,
                        "tax_ids": [Command.clear()],
                    }
                )
            )
            percent = self._commission_percent(provider, move.category_id, move.date)
            commissions[percent] = commissions.get(percent, 0.0) + amount
        for percent, base in commissions.items():
            commission = currency.round(base * percent / 100.0)
            if not currency.is_zero(commission):
                lines.append(
                    Command.create(
                        {
                            "name": self.env._(
                                "Network commission %(percent)s%% on %(base)s",
                                percent=percent,
                                base=currency.format(base),
                            ),
                            "quantity": 1,
                            "price_unit": -commission,
                            "account_id": accounts["commission"].id,
                            "tax_ids": [Command.clear()],
                        }
                    )
                )
        return (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "in_invoice",
                    "partner_id": provider.id,
                    "invoice_date": self.date_to,
                    "date": self.date_to,
                    "ref": self.env._("Welfare settlement %(name)s", name=self.name),
                    "company_id": self.company_id.id,
                    "welfare_settlement_id": self.id,
                    "invoice_line_ids": lines,
                }
            )
        )

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
            settlement.bill_ids.filtered(lambda b: b.state == "draft").action_post()
            settlement._welfare_action_write({"confirmed": True})
        return True

    def action_cancel(self):
        """Accounting: cancel the settlement, its bills are cancelled and its uses can be
        settled again."""
        self._welfare_check_group("account.group_account_invoice")
        self.check_access("write")
        for settlement in self:
            if any(b.payment_state in ("paid", "in_payment", "partial") for b in settlement.bill_ids):
                raise UserError(self.env._("Paid settlements cannot be cancelled: refund the bills first."))
            posted = settlement.bill_ids.filtered(lambda b: b.state == "posted")
            posted.button_draft()
            settlement.bill_ids.button_cancel()
            settlement.move_ids.sudo().write({"settlement_id": False})
            settlement._welfare_action_write({"cancelled": True})
        return True

    def action_open_bills(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("account.action_move_in_invoice_type")
        action["domain"] = [("welfare_settlement_id", "=", self.id)]
        action["context"] = {"default_move_type": "in_invoice"}
        return action

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL

FUND_TYPES = [
    ("regional_grant", "Regional grant"),
    ("employer", "Employer contribution"),
    ("productivity_bonus", "Productivity bonus converted to welfare"),
    ("public_other", "Other public funds"),
]
PAYMENT_MODES = [
    ("copay", "Co-payment allowed: the voucher may cover a share of a service"),
    ("full_value", "Full value: one voucher buys a service at its full price, no top-up"),
]


class WelfareFund(models.Model):
    """A source of welfare money (grant, employer budget, converted bonus) and its rules."""

    _name = "welfare.fund"
    _description = "Welfare Fund"
    _inherit = ["mail.thread", "mail.activity.mixin", "welfare.action.guard.mixin"]
    _welfare_guarded_fields = frozenset({"state"})
    _order = "date_start desc, id desc"
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    fund_type = fields.Selection(FUND_TYPES, required=True, default="regional_grant", tracking=True)
    funder_id = fields.Many2one("res.partner", required=True, tracking=True, check_company=True)
    employer_id = fields.Many2one(
        "res.partner",
        tracking=True,
        check_company=True,
        domain="[('welfare_member_type', '!=', False)]",
        help="For employer contributions and converted bonuses: the member whose workers "
        "may receive vouchers from this fund.",
    )
    company_id = fields.Many2one("res.company", required=True, index=True, default=lambda self: self.env.company)
    currency_id = fields.Many2one(related="company_id.currency_id")
    budget = fields.Monetary(required=True, tracking=True)
    date_start = fields.Date(string="Valid From", required=True, tracking=True, default=fields.Date.context_today)
    date_end = fields.Date(string="Valid Until", required=True, tracking=True)
    state = fields.Selection(
        [("draft", "Draft"), ("open", "Open"), ("closed", "Closed")],
        default="draft",
        required=True,
        tracking=True,
    )
    category_ids = fields.Many2many(
        "welfare.service.category",
        string="Eligible Categories",
        required=True,
        help="Vouchers of this fund pay only for these categories (subcategories included).",
    )
    max_per_worker = fields.Monetary(
        string="Maximum per Worker",
        tracking=True,
        help="Total a worker may receive from this fund (0: no limit).",
    )
    payment_mode = fields.Selection(
        PAYMENT_MODES,
        required=True,
        default="copay",
        tracking=True,
        help="Art. 51 c.2 / c.3-bis TUIR and DM 25/3/2016 art. 6: a voucher pays one service "
        "for its full nominal value, with no top-up by the worker. Regional grants may "
        "instead cover a share of the cost.",
    )
    apply_c3_ceiling = fields.Boolean(
        string="Fringe-benefit Ceiling",
        default=True,
        help="Track spending on TUIR art. 51 c.3 goods and services against the yearly exempt ceiling of each worker.",
    )
    target_worker_count = fields.Integer(string="Target Workers", help="Workers the funder expects to reach.")
    voucher_ids = fields.One2many("welfare.voucher", "fund_id", string="Vouchers")
    campaign_ids = fields.One2many("welfare.campaign", "fund_id", string="Campaigns")
    amount_allocated = fields.Monetary(string="Allocated", compute="_compute_amounts")
    amount_spent = fields.Monetary(string="Spent", compute="_compute_amounts")
    amount_lapsed = fields.Monetary(
        string="Lapsed", compute="_compute_amounts", help="Expired or cancelled credit, back to the fund."
    )
    amount_open = fields.Monetary(string="Open Balances", compute="_compute_amounts")
    amount_available = fields.Monetary(string="Available", compute="_compute_amounts")
    worker_count = fields.Integer(string="Workers Reached", compute="_compute_amounts")

    _sql_constraints = [
        ("budget_positive", "CHECK(budget >= 0)", "The budget cannot be negative."),
        ("max_per_worker_positive", "CHECK(max_per_worker >= 0)", "The maximum per worker cannot be negative."),
        ("dates_order", "CHECK(date_end >= date_start)", "A fund cannot end before it starts."),
    ]

    def _compute_amounts(self):
        groups = (
            self.env["welfare.voucher.move"]
            .sudo()
            ._read_group([("fund_id", "in", self.ids)], ["fund_id", "move_type"], ["amount:sum"])
        )
        sums = {(fund.id, move_type): amount for fund, move_type, amount in groups}
        workers = dict(
            self.env["welfare.voucher"]
            .sudo()
            ._read_group(
                [("fund_id", "in", self.ids), ("state", "!=", "cancelled")], ["fund_id"], ["worker_id:count_distinct"]
            )
        )
        for fund in self:
            get = lambda move_type, fund=fund: sums.get((fund.id, move_type), 0.0)  # noqa: E731
            fund.amount_allocated = get("issue")
            fund.amount_spent = -get("redeem") - get("refund")
            fund.amount_lapsed = -get("lapse") - get("cancel")
            fund.amount_open = fund.amount_allocated - fund.amount_spent - fund.amount_lapsed + get("adjustment")
            fund.amount_available = fund.budget - fund.amount_allocated + fund.amount_lapsed
            fund.worker_count = workers.get(fund, 0)

    def _lock(self):
        """Row lock on the fund while money is allocated from it."""
        self.env.cr.execute(SQL("SELECT id FROM welfare_fund WHERE id IN %s ORDER BY id FOR UPDATE", tuple(self.ids)))

    def _check_allocation(self, amount, worker=None):
        """Refuse an allocation over the available budget or the per-worker maximum."""
        self.ensure_one()
        refused = self._check_allocations([(None, worker, amount)])
        if refused:
            raise UserError(refused[None])

    def _check_allocations(self, requests):
        """Check a batch of allocations at once: the fund is locked once and each
        allocation, in order, must fit in what is still available after the ones before
        it and keep its worker within the per-worker maximum (what each worker already
        received comes from one grouped query).

        ``requests``: list of (key, worker or None, amount).
        Returns {key: why it is refused}; all the others fit together."""
        self.ensure_one()
        self._lock()
        self.invalidate_recordset()
        if self.state != "open":
            message = self.env._("The fund %(fund)s is not open.", fund=self.name)
            return {key: message for key, _worker, _amount in requests}
        currency = self.currency_id
        available = self.amount_available
        already = {}
        if self.max_per_worker:
            workers = [worker.id for _key, worker, _amount in requests if worker]
            groups = (
                self.env["welfare.voucher"]
                .sudo()
                ._read_group(
                    [("fund_id", "=", self.id), ("worker_id", "in", workers), ("state", "!=", "cancelled")],
                    ["worker_id"],
                    ["value:sum"],
                )
            )
            already = {worker.id: value for worker, value in groups}
        refused = {}
        for key, worker, amount in requests:
            if currency.compare_amounts(amount, available) > 0:
                refused[key] = self.env._(
                    "The fund %(fund)s has %(available)s available: %(amount)s cannot be allocated.",
                    fund=self.name,
                    available=currency.format(available),
                    amount=currency.format(amount),
                )
                continue
            if worker and self.max_per_worker:
                total = already.get(worker.id, 0.0) + amount
                if currency.compare_amounts(total, self.max_per_worker) > 0:
                    refused[key] = self.env._(
                        "%(worker)s would receive %(total)s from %(fund)s, over the maximum of %(max)s per worker.",
                        worker=worker.name,
                        fund=self.name,
                        total=currency.format(total),
                        max=currency.format(self.max_per_worker),
                    )
                    continue
                already[worker.id] = total
            available -= amount
        return refused

    @api.constrains("budget")
    def _check_budget_covers_allocations(self):
        self.invalidate_recordset(["amount_allocated", "amount_lapsed", "amount_available"])
        for fund in self:
            if fund.currency_id.compare_amounts(fund.amount_available, 0) < 0:
                raise ValidationError(
                    self.env._("The budget of %(fund)s cannot be lower than what is already allocated.", fund=fund.name)
                )

    def action_open(self):
        """Back office: open the fund, campaigns may then issue vouchers from it."""
        self._welfare_check_group("welfare_network.group_welfare_backoffice")
        self.check_access("write")
        for fund in self:
            if fund.state != "draft":
                raise UserError(self.env._("Only draft funds can be opened."))
            if not fund.category_ids:
                raise UserError(self.env._("Choose the eligible categories of %(fund)s first.", fund=fund.name))
        self._welfare_action_write({"state": "open"})

    def action_close(self):
        """Back office: close the fund, no more vouchers are issued from it."""
        self._welfare_check_group("welfare_network.group_welfare_backoffice")
        self.check_access("write")
        self._welfare_action_write({"state": "closed"})

    @api.model
    def _demo_align_pricelists(self):
        """Demo only: the shop sells in the company's currency, the currency of the funds
        (Odoo's demo adds pricelists in other currencies for foreign countries)."""
        self.env["product.pricelist"].search([("currency_id", "!=", self.env.company.currency_id.id)]).action_archive()

    def _invoice_employer(self, date_from, date_to):
        """Mandate without representation: invoice the employer for what its workers spent
        in the period (net of refunds), one line per service category, each use once."""
        self.ensure_one()
        if self.fund_type not in ("employer", "productivity_bonus") or not self.employer_id:
            raise UserError(self.env._("Only employer funds are recharged to an employer."))
        moves = (
            self.env["welfare.voucher.move"]
            .sudo()
            .search(
                [
                    ("fund_id", "=", self.id),
                    ("move_type", "in", ("redeem", "refund")),
                    ("recharge_invoice_id", "=", False),
                    ("date", ">=", date_from),
                    ("date", "<=", date_to),
                ]
            )
        )
        if not moves:
            raise UserError(self.env._("Nothing was spent from %(fund)s in this period.", fund=self.name))
        accounts = self.company_id._welfare_accounts()
        lines = []
        for category, category_moves in moves.grouped("category_id").items():
            amount = -sum(category_moves.mapped("amount"))
            if self.currency_id.is_zero(amount):
                continue
            lines.append(
                fields.Command.create(
                    {
                        "name": self.env._(
                            "Welfare used by your workers from %(date_from)s to %(date_to)s: %(category)s",
                            date_from=date_from,
                            date_to=date_to,
                            category=category.name or "-",
                        ),
                        "quantity": 1,
                        "price_unit": amount,
                        "account_id": accounts["funds_receivable"].id,
                        "tax_ids": [fields.Command.clear()],
                    }
                )
            )
        invoice = (
            self.env["account.move"]
            .sudo()
            .create(
                {
                    "move_type": "out_invoice",
                    "partner_id": self.employer_id.id,
                    "invoice_date": date_to,
                    "company_id": self.company_id.id,
                    "ref": self.env._("Welfare %(fund)s", fund=self.name),
                    "invoice_line_ids": lines,
                }
            )
        )
        invoice.action_post()
        moves.write({"recharge_invoice_id": invoice.id})
        # Accounting invoices the employer without writing the fund: the note is the system's.
        self.sudo().message_post(body=self.env._("Employer recharge invoice %(name)s.", name=invoice.name))
        return invoice

    def _statement_values(self, date_from, date_to):
        """Figures of the funder's statement (rendicontazione) for a period."""
        self.ensure_one()
        return self.env["report.welfare_voucher.report_welfare_fund_statement"]._fund_statement_values(
            self, date_from, date_to
        )

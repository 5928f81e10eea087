from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError
from odoo.tools import SQL, format_date

FUND_TYPES = [
    ("regional_grant", "Regional grant (rules of the call)"),
    ("employer", "Employer welfare (TUIR art. 51 c.2)"),
    ("fringe_benefit", "Employer fringe benefits (TUIR art. 51 c.3)"),
    ("productivity_bonus", "Productivity bonus converted to welfare (L. 208/2015 c.184)"),
    ("public_other", "Other public funds (rules of the call)"),
]
PAYMENT_MODES = [
    ("copay", "Co-payment allowed: the credit may cover a share of a service"),
    ("full_value", "Full value: one voucher per service, at its price, no top-up"),
    ("cumulative", "Cumulative: several goods in one voucher, each paid in full"),
]
# Fiscal bases of the service categories (welfare.service.category.fiscal_basis).
C2_BASES = ("art51_2_f", "art51_2_f_bis", "art51_2_f_ter")
C3_BASES = ("art51_3",)


class WelfareFund(models.Model):
    """A source of welfare money (grant, employer budget, converted bonus) and its rules.

    The fund type carries the law, as Odoo's loyalty programs carry theirs in
    ``program_type``: ``_fund_type_rules`` says, per type, how a voucher pays
    (co-payment, full value, cumulative), whether the worker's yearly c.3 ceiling
    applies, which fiscal bases its categories may have, whether art. 12 TUIR family
    rules or the call's own eligibility decide who may spend, and what a fund of that
    type needs (an employer and its regulation, the call, the workers' bonus choices).
    The derived rules are computed from the type and cannot be set otherwise."""

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
        compute="_compute_type_rules",
        store=True,
        help="Set by the fund type. DM 25/3/2016 art. 6: an employer's voucher pays one service "
        "for its full nominal value, with no top-up by the worker (c.3 goods may be grouped "
        "in one voucher); a regional grant may cover a share of the cost, as its call says.",
    )
    apply_c3_ceiling = fields.Boolean(
        string="Fringe-benefit Ceiling",
        compute="_compute_type_rules",
        store=True,
        help="Set by the fund type: vouchers of employer fringe-benefit funds count, when they "
        "are issued, against the worker's yearly exempt ceiling (TUIR art. 51 c.3).",
    )
    family_rules = fields.Boolean(
        string="Art. 12 TUIR Family Rules",
        compute="_compute_type_rules",
        store=True,
        help="Set by the fund type: employer welfare for family members follows art. 12 TUIR "
        "(the service category's family eligibility); a grant follows its call, applied "
        "when the campaign selects the workers.",
    )
    legal_reference = fields.Char(
        compute="_compute_legal_reference", help="Printed on the voucher, in the reader's language."
    )
    regulation_id = fields.Many2one(
        "welfare.regulation",
        string="Regulation",
        tracking=True,
        check_company=True,
        domain="[('employer_id', '=', employer_id)]",
        help="Employer welfare: the regulation or agreement that offers it to all employees or "
        "to categories of them (TUIR art. 51 c.2).",
    )
    call_reference = fields.Char(
        string="Call",
        tracking=True,
        help="Grants: the call or decree that funds them (e.g. the regional decree and its number).",
    )
    reporting_deadline = fields.Date(tracking=True, help="Grants: when the funder expects the statement.")
    # A public administration that recharges its employer welfare buys the service: its
    # FatturaPA names the order (DatiOrdineAcquisto) with its CIG and CUP, which the
    # SdI and the administration's own checks ask for (L. 136/2010 art. 3).
    employer_order_type = fields.Selection(
        [("purchase_order", "Purchase Order"), ("contract", "Contract"), ("agreement", "Agreement")],
        string="Employer's Order Type",
        tracking=True,
        help="Employer welfare of a public administration: the document by which it buys the service.",
    )
    employer_order_ref = fields.Char(string="Employer's Order", tracking=True)
    employer_order_date = fields.Date(string="Employer's Order Date", tracking=True)
    employer_cig = fields.Char(
        string="CIG", tracking=True, help="Codice Identificativo di Gara of the employer's order."
    )
    employer_cup = fields.Char(string="CUP", tracking=True, help="Codice Unico di Progetto, when the order has one.")
    target_worker_count = fields.Integer(string="Target Workers", help="Workers the funder expects to reach.")
    advance_balance = fields.Monetary(
        string="Employer's Advance",
        compute="_compute_advance_balance",
        help="What the employer advanced (provvista) for the services its workers will buy and the network has "
        "not used yet on its invoices nor given back: a debt to the employer, outside VAT (docs/fiscal-model.md, "
        "flow g).",
    )
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

    @api.model
    def _fund_type_rules(self):
        """The rules each fund type carries, as data (like loyalty.program's
        ``_program_type_default_values``).

        - payment_mode, apply_c3_ceiling, family_rules, legal_reference: derived fields;
        - fiscal_bases: the fiscal bases its categories may have (None: any);
        - needs_employer, needs_regulation, needs_call, from_bonus_choice: what a fund of
          the type and its campaigns need;
        - recharge_employer: the employer is invoiced what its workers spent (single-purpose
          vouchers, docs/fiscal-model.md flow f); fringe-benefit credit is a multi-purpose
          voucher: the employer gets the fund's statement, not an invoice (flow c)."""
        return {
            "regional_grant": {
                "payment_mode": "copay",
                "apply_c3_ceiling": False,
                "family_rules": False,
                "legal_reference": self.env._("Regional grant: rules of the call (not an employment benefit)"),
                "fiscal_bases": None,
                "needs_employer": False,
                "needs_regulation": False,
                "needs_call": True,
                "from_bonus_choice": False,
                "recharge_employer": False,
            },
            "employer": {
                "payment_mode": "full_value",
                "apply_c3_ceiling": False,
                "family_rules": True,
                "legal_reference": self.env._("TUIR art. 51 c.2 and c.3-bis; DM 25 March 2016 art. 6"),
                "fiscal_bases": C2_BASES,
                "needs_employer": True,
                "needs_regulation": True,
                "needs_call": False,
                "from_bonus_choice": False,
                "recharge_employer": True,
            },
            "fringe_benefit": {
                "payment_mode": "cumulative",
                "apply_c3_ceiling": True,
                "family_rules": True,
                "legal_reference": self.env._("TUIR art. 51 c.3 and c.3-bis; DM 25 March 2016 art. 6 c.3"),
                "fiscal_bases": C3_BASES,
                "needs_employer": True,
                "needs_regulation": False,
                "needs_call": False,
                "from_bonus_choice": False,
                # Multi-purpose vouchers (DPR 633/72 art. 6-quater): the employer owes the
                # credit made available, outside VAT, on the fund's statement; no invoice.
                "recharge_employer": False,
            },
            "productivity_bonus": {
                "payment_mode": "full_value",
                "apply_c3_ceiling": False,
                "family_rules": True,
                "legal_reference": self.env._(
                    "L. 208/2015 art. 1 c.184; TUIR art. 51 c.2 and c.3-bis; DM 25 March 2016 art. 6"
                ),
                "fiscal_bases": C2_BASES,
                "needs_employer": True,
                "needs_regulation": False,
                "needs_call": False,
                "from_bonus_choice": True,
                "recharge_employer": True,
            },
            "public_other": {
                "payment_mode": "copay",
                "apply_c3_ceiling": False,
                "family_rules": False,
                "legal_reference": self.env._("Public contribution: rules of the call (not an employment benefit)"),
                "fiscal_bases": None,
                "needs_employer": False,
                "needs_regulation": False,
                "needs_call": True,
                "from_bonus_choice": False,
                "recharge_employer": False,
            },
        }

    def _type_rules(self):
        self.ensure_one()
        return self._fund_type_rules()[self.fund_type]

    @api.depends("fund_type")
    def _compute_type_rules(self):
        rules = self._fund_type_rules()
        for fund in self:
            fund_rules = rules.get(fund.fund_type) or rules["regional_grant"]
            for name in ("payment_mode", "apply_c3_ceiling", "family_rules"):
                fund[name] = fund_rules[name]

    @api.depends("fund_type")
    @api.depends_context("lang")
    def _compute_legal_reference(self):
        rules = self._fund_type_rules()
        for fund in self:
            fund.legal_reference = rules.get(fund.fund_type, rules["regional_grant"])["legal_reference"]

    @api.constrains("payment_mode", "apply_c3_ceiling", "family_rules")
    def _check_derived_rules(self):
        """The payment and eligibility rules come from the type: no caller sets them otherwise."""
        for fund in self:
            rules = fund._type_rules()
            if any(fund[name] != rules[name] for name in ("payment_mode", "apply_c3_ceiling", "family_rules")):
                raise ValidationError(self.env._("The payment rules of %(fund)s come from its type.", fund=fund.name))

    @api.constrains("fund_type", "employer_id", "regulation_id", "call_reference", "category_ids")
    def _check_type_rules(self):
        """What the type needs holds, whatever a caller writes: no employer fund without
        its employer and regulation, no grant without its call, no category of another
        fiscal basis. (Funds older than these rules are held to them when next edited.)"""
        bases = dict(self.env["welfare.service.category"]._fields["fiscal_basis"]._description_selection(self.env))
        for fund in self:
            rules = fund._type_rules()
            if rules["needs_employer"] and not fund.employer_id:
                raise ValidationError(
                    self.env._("%(fund)s is an employer's fund: choose the employer.", fund=fund.name)
                )
            if rules["needs_regulation"] and not fund.regulation_id:
                raise ValidationError(
                    self.env._(
                        "%(fund)s is employer welfare (TUIR art. 51 c.2): choose the regulation or agreement "
                        "that offers it to all employees or to categories of them.",
                        fund=fund.name,
                    )
                )
            if fund.regulation_id and fund.regulation_id.employer_id != fund.employer_id:
                raise ValidationError(self.env._("The regulation of %(fund)s is another employer's.", fund=fund.name))
            if rules["needs_call"] and not fund.call_reference:
                raise ValidationError(
                    self.env._("%(fund)s follows the rules of a call: enter the call or decree.", fund=fund.name)
                )
            allowed = rules["fiscal_bases"]
            wrong = allowed and fund.category_ids.filtered(lambda c, allowed=allowed: c.fiscal_basis not in allowed)
            if wrong:
                raise ValidationError(
                    self.env._(
                        "%(fund)s cannot pay for %(categories)s: a fund of this type pays only for %(bases)s.",
                        fund=fund.name,
                        categories=", ".join(wrong.mapped("display_name")),
                        bases="; ".join(bases[basis] for basis in allowed),
                    )
                )

    def write(self, vals):
        if "fund_type" in vals and self.filtered(lambda f: f.state != "draft" or f.voucher_ids):
            raise UserError(self.env._("The type of a fund cannot change once it is open."))
        if "employer_id" in vals and self.env["account.move"].sudo().search_count(
            [("welfare_fund_id", "in", self.ids)], limit=1
        ):
            raise UserError(self.env._("The employer of a fund that holds its advance cannot change."))
        return super().write(vals)

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
        today = fields.Date.context_today(self)
        if not self.date_start <= today <= self.date_end:
            # Credit that lapsed goes back to the funder's statement, never to a new
            # allocation after the fund (the call, the budget year) has ended.
            message = self.env._(
                "The fund %(fund)s allocates from %(start)s to %(end)s only.",
                fund=self.name,
                start=format_date(self.env, self.date_start),
                end=format_date(self.env, self.date_end),
            )
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
        """Mandate without representation (DPR 633/72 art. 3 c.3; Agenzia delle Entrate
        ruling 10/2020; docs/fiscal-model.md flows b, d, f): the network invoices the
        employer each single-purpose service voucher its workers used in the period,
        with the VAT of the service, one line per voucher, each use once; the worker gets
        no invoice for it (sale.order._get_invoiceable_lines).

        The welfare credit the employer owed (funds receivable, booked at issue) is
        cleared in the same step against what the credit paid: the worker's receivable
        for shop uses (the welfare payment), the providers to settle for uses in person.
        Uses already invoiced to the worker (before this rule) or without a VAT of their
        own are recharged as credit given back, outside VAT, on a journal entry."""
        self.ensure_one()
        if self.fund_type == "fringe_benefit":
            raise UserError(
                self.env._(
                    "Fringe-benefit credit is a multi-purpose voucher (DPR 633/72 art. 6-quater): the employer "
                    "is not invoiced what its workers spent; it owes the credit made available, outside VAT, as "
                    "shown on the fund's statement."
                )
            )
        if not self._type_rules()["recharge_employer"] or not self.employer_id:
            raise UserError(self.env._("Only employer funds are recharged to an employer."))
        if (date_from.year, date_from.month) != (date_to.year, date_to.month):
            raise UserError(
                self.env._(
                    "The employer's invoice is a deferred invoice of one calendar month (DPR 633/72 art. 21 "
                    "c.4 lett. a): choose dates within the same month."
                )
            )
        moves = (
            self.env["welfare.voucher.move"]
            .sudo()
            .search(
                [
                    ("fund_id", "=", self.id),
                    ("move_type", "in", ("redeem", "refund")),
                    ("recharge_invoice_id", "=", False),
                    # Uses of earlier months not recharged yet come along, never left out.
                    ("date", "<=", date_to),
                ],
                order="date, id",
            )
        )
        if not moves:
            raise UserError(self.env._("Nothing was spent from %(fund)s in this period.", fund=self.name))
        accounts = self.company_id._welfare_accounts()
        currency = self.currency_id
        invoice_lines, clearing, outside_vat = [], [], self.env["welfare.voucher.move"]
        for move in moves:
            line = self._recharge_line_values(move)
            if line is None:
                outside_vat |= move
                continue
            invoice_lines.append(line)
            amount = -move.amount  # what the credit paid (negative for a refund)
            if move.sale_order_line_id:
                worker = move.sale_order_line_id.order_id.partner_id.commercial_partner_id
                receivable = worker.with_company(self.company_id).property_account_receivable_id
                clearing.append((receivable, worker, amount, move))
            else:
                clearing.append((accounts["to_settle"], move.provider_id, amount, move))
        invoiced = moves - outside_vat
        documents = self.env["account.move"]
        if invoiced:
            invoice = self._create_recharge_invoice(invoice_lines, date_to, invoiced.origin_move_id.recharge_invoice_id)
            total = currency.round(sum(amount for _account, _partner, amount, _move in clearing))
            label = self.env._("Welfare %(fund)s recharged: %(name)s", fund=self.name, name=invoice.name)
            entry_lines = [
                (account, partner, currency.round(amount), move.service_voucher_number or label)
                for account, partner, amount, move in clearing
            ] + [(accounts["funds_receivable"], self.funder_id, -total, label)]
            entry = self.company_id._welfare_post_entry(date_to, label, entry_lines)
            self._reconcile_recharged_shop_uses(invoiced, entry)
            invoiced.write({"recharge_invoice_id": invoice.id})
            documents |= invoice | self._use_advance(invoice) | self._credit_note_to_advance(invoice)
        if outside_vat:
            amount = currency.round(-sum(outside_vat.mapped("amount")))
            receivable = self.employer_id.with_company(self.company_id).property_account_receivable_id
            label = self.env._(
                "Welfare %(fund)s: credit spent from %(date_from)s to %(date_to)s, outside VAT",
                fund=self.name,
                date_from=format_date(self.env, date_from),
                date_to=format_date(self.env, date_to),
            )
            entry = self.company_id._welfare_post_entry(
                date_to,
                label,
                [
                    (receivable, self.employer_id, amount, label),
                    (accounts["funds_receivable"], self.funder_id, -amount, label),
                ],
            )
            outside_vat.write({"recharge_invoice_id": entry.id})
            documents |= entry
        # Accounting invoices the employer without writing the fund: the note is the system's.
        self.sudo().message_post(
            body=self.env._("Employer recharge: %(names)s.", names=", ".join(documents.mapped("name")))
        )
        return documents[:1]

    # ------------------------------------------------------------------
    # the employer's advance (provvista): docs/fiscal-model.md, flow g
    # ------------------------------------------------------------------
    @api.depends("employer_id")
    def _compute_advance_balance(self):
        totals = self._origin.filtered("id")._advance_totals_by_fund()
        for fund in self:
            fund.advance_balance = fund.currency_id.round(-sum(totals.get(fund._origin, {}).values()))

    def _advance_totals_by_fund(self):
        """{fund: {operation: WLF05 balance}} of the funds' posted advance entries (a
        reversal counts against the operation it reverses)."""
        totals = {}
        for move, balance in (
            self.env["account.move.line"]
            .sudo()
            ._read_group(
                [
                    ("move_id.welfare_fund_id", "in", self.ids),
                    ("parent_state", "=", "posted"),
                    ("account_id", "in", self.company_id.sudo().welfare_advance_account_id.ids),
                ],
                ["move_id"],
                ["balance:sum"],
            )
        ):
            operations = totals.setdefault(move.welfare_fund_id, {})
            operation = move.welfare_advance_operation
            operations[operation] = operations.get(operation, 0.0) + balance
        return totals

    def _lock_advance(self):
        """One advance operation or use at a time per fund. The row is written (a no-op
        update): a request whose snapshot predates another's committed change to the
        advance fails with a serialization error and is retried by Odoo, instead of
        reading a balance that is no longer true (PostgreSQL REPEATABLE READ)."""
        self.env.cr.execute(
            SQL(
                """UPDATE welfare_fund SET write_date = write_date WHERE id IN (
                    SELECT id FROM welfare_fund WHERE id IN %s ORDER BY id FOR UPDATE)""",
                tuple(self.ids),
            )
        )
        self.invalidate_recordset(["advance_balance"])

    def _check_advance_fund(self):
        if not (self._type_rules()["recharge_employer"] and self.employer_id):
            raise UserError(
                self.env._(
                    "Only the funds an employer is invoiced for take an advance from it (%(fund)s).", fund=self.name
                )
            )

    def _employer_receivable(self):
        employer = self.employer_id.commercial_partner_id
        return employer.with_company(self.company_id).property_account_receivable_id

    def _employer_open_credit_lines(self):
        """The employer's payments (registered payments, bank statement lines) on its
        receivable not matched to anything yet, oldest first."""
        self.ensure_one()
        return (
            self.env["account.move.line"]
            .sudo()
            .search(
                [
                    ("company_id", "child_of", self.company_id.root_id.id),
                    ("partner_id", "child_of", self.employer_id.commercial_partner_id.id),
                    ("account_id", "=", self._employer_receivable().id),
                    ("parent_state", "=", "posted"),
                    ("reconciled", "=", False),
                    ("amount_residual", "<", 0),
                    # Money the employer paid: never a credit note, nor what was given back.
                    "|",
                    ("move_id.origin_payment_id", "!=", False),
                    ("move_id.statement_line_id", "!=", False),
                ],
                order="date, id",
            )
        )

    def _employer_open_credit(self):
        self.ensure_one()
        return self.currency_id.round(-sum(self._employer_open_credit_lines().mapped("amount_residual")))

    def _register_advance(self, operation, amount, date):
        """The employer's advance (provvista, c.c. art. 1719: the means of the mandate),
        money and not a supply: a debt to the employer, outside VAT (DPR 633/72 art. 2
        c.3 lett. a), never a down payment on services (docs/fiscal-model.md, flow g).

        ``receive``: what the employer paid on its receivable and is matched to nothing
        (a payment registered the usual way, from the bank) becomes the fund's advance;
        it pays the fund's open invoices at once, and each later one as it is issued.
        ``return``: what is left of the advance goes back to the employer's receivable,
        where accounting pays it back the usual way. Returns the journal entry."""
        self.ensure_one()
        self._welfare_check_group("account.group_account_invoice")
        self._check_advance_fund()
        currency = self.currency_id
        if operation not in ("receive", "return"):
            raise UserError(self.env._("Unknown advance operation."))
        if currency.compare_amounts(amount, 0) <= 0:
            raise UserError(self.env._("The amount must be positive."))
        if operation == "receive" and self.state != "open":
            raise UserError(self.env._("%(fund)s is not open: it takes no advance.", fund=self.name))
        self._lock_advance()
        receivable = self._employer_receivable()
        accounts = self.company_id._welfare_accounts()
        if operation == "receive":
            credit_lines = self._employer_open_credit_lines()
            open_credit = currency.round(-sum(credit_lines.mapped("amount_residual")))
            if currency.compare_amounts(amount, open_credit) > 0:
                raise UserError(
                    self.env._(
                        "%(employer)s has %(credit)s paid and not matched yet: register its payment first "
                        "(Accounting), then make it the fund's advance.",
                        employer=self.employer_id.name,
                        credit=currency.format(open_credit),
                    )
                )
            label = self.env._("Welfare %(fund)s: advance from the employer", fund=self.name)
            entry = self._advance_entry("receive", date, label, [(receivable, amount), (accounts["advance"], -amount)])
            (credit_lines | entry.line_ids.filtered(lambda l: l.account_id == receivable)).reconcile()
            for invoice in self._open_recharge_invoices():
                self._use_advance(invoice)
        else:
            if currency.compare_amounts(amount, self.advance_balance) > 0:
                raise UserError(
                    self.env._(
                        "Only %(balance)s of the advance is left to give back.",
                        balance=currency.format(self.advance_balance),
                    )
                )
            label = self.env._("Welfare %(fund)s: unused advance given back", fund=self.name)
            entry = self._advance_entry("return", date, label, [(accounts["advance"], amount), (receivable, -amount)])
        self.sudo().message_post(
            body=self.env._(
                "%(label)s: %(amount)s (%(entry)s).", label=label, amount=currency.format(amount), entry=entry.name
            )
        )
        return entry

    def _advance_entry(self, operation, date, label, lines):
        """A posted entry of the fund's advance in the welfare operations journal, the
        employer on every line, linked to the fund. ``lines``: (account, amount)."""
        self.ensure_one()
        employer = self.employer_id.commercial_partner_id
        entry = self.company_id._welfare_post_entry(
            date,
            label,
            [(account, employer, amount, label) for account, amount in lines],
            welfare_fund_id=self.id,
            welfare_advance_operation=operation,
        )
        self.invalidate_recordset(["advance_balance"])
        return entry

    def _open_recharge_invoices(self):
        """The fund's posted employer invoices still to be paid, oldest first."""
        self.ensure_one()
        invoices = (
            self.env["welfare.voucher.move"]
            .sudo()
            .search([("fund_id", "=", self.id), ("recharge_invoice_id", "!=", False)])
            .recharge_invoice_id
        )
        return invoices.filtered(
            lambda m: (
                m.move_type == "out_invoice" and m.state == "posted" and m.payment_state in ("not_paid", "partial")
            )
        ).sorted(lambda m: (m.invoice_date, m.id))

    def _use_advance(self, invoice):
        """Pay the employer's invoice from the fund's advance, as far as it goes: Dr
        advances / Cr the employer's receivable, reconciled with the invoice."""
        self.ensure_one()
        if invoice.move_type != "out_invoice" or invoice.state != "posted":
            return self.env["account.move"]
        self._lock_advance()
        currency = self.currency_id
        due = invoice.line_ids.filtered(lambda l: l.display_type == "payment_term" and not l.reconciled)
        amount = currency.round(min(self.advance_balance, sum(due.mapped("amount_residual"))))
        if currency.compare_amounts(amount, 0) <= 0:
            return self.env["account.move"]
        receivable = due.account_id[:1]
        label = self.env._("Welfare %(fund)s: advance used for %(invoice)s", fund=self.name, invoice=invoice.name)
        date = max(invoice.invoice_date, fields.Date.context_today(self))
        entry = self._advance_entry(
            "use", date, label, [(self.company_id._welfare_accounts()["advance"], amount), (receivable, -amount)]
        )
        (due | entry.line_ids.filtered(lambda l: l.account_id == receivable)).reconcile()
        return entry

    def _advance_totals(self):
        """{operation: WLF05 balance} of this fund's posted advance entries."""
        self.ensure_one()
        return self._advance_totals_by_fund().get(self, {})

    def _check_advance_consistent(self):
        """After a change to the advance entries: the fund never owes the employer less
        than nothing, and credit notes never gave back more than the advance paid."""
        for fund in self:
            fund.invalidate_recordset(["advance_balance"])
            currency = fund.currency_id
            totals = fund._advance_totals()
            if (
                currency.compare_amounts(fund.advance_balance, 0) < 0
                or currency.compare_amounts(totals.get("use", 0.0) + totals.get("credit_note", 0.0), 0) < 0
            ):
                raise UserError(
                    self.env._(
                        "This would take from the advance of %(fund)s more than it holds or was given back "
                        "(%(balance)s after it): reverse the later uses, credit notes or returns first.",
                        fund=fund.name,
                        balance=currency.format(fund.advance_balance),
                    )
                )

    def _credit_note_to_advance(self, credit_note):
        """A recharge credit note of a fund that holds the employer's advance gives the
        money back to the advance (Dr the employer's receivable / Cr advances, reconciled
        with the credit note): it stays the employer's, to be used or given back."""
        self.ensure_one()
        if credit_note.move_type != "out_refund" or credit_note.state != "posted":
            return self.env["account.move"]
        due = credit_note.line_ids.filtered(lambda l: l.display_type == "payment_term" and not l.reconciled)
        # First what the original invoices still owe: a credit note of an unpaid
        # invoice settles it, it is no money of the employer's.
        origins = credit_note._welfare_recharged_origins()
        open_origins = origins.line_ids.filtered(lambda l: l.display_type == "payment_term" and not l.reconciled)
        if open_origins:
            (due | open_origins.filtered(lambda l: l.account_id in due.account_id)).reconcile()
            due = due.filtered(lambda l: not l.reconciled)
        if not due:
            return self.env["account.move"]
        self._lock_advance()
        currency = self.currency_id
        # Then, back to the advance (if the fund holds one), never more than the advance
        # paid and has not had back.
        totals = self._advance_totals()
        if not totals:
            return self.env["account.move"]
        room = totals.get("use", 0.0) + totals.get("credit_note", 0.0)
        amount = currency.round(min(-sum(due.mapped("amount_residual")), room))
        if currency.compare_amounts(amount, 0) <= 0:
            return self.env["account.move"]
        receivable = due.account_id[:1]
        label = self.env._(
            "Welfare %(fund)s: credit note %(name)s back to the advance", fund=self.name, name=credit_note.name
        )
        date = max(credit_note.invoice_date, fields.Date.context_today(self))
        entry = self._advance_entry(
            "credit_note",
            date,
            label,
            [(receivable, amount), (self.company_id._welfare_accounts()["advance"], -amount)],
        )
        (due | entry.line_ids.filtered(lambda l: l.account_id == receivable)).reconcile()
        return entry

    def _recharge_line_values(self, move):
        """The recharge invoice line of one use of single-purpose credit: the service at
        the price the credit paid, with its VAT (the shop's order line, or the listing
        redeemed in person). None when the use cannot carry VAT of its own: it was already
        invoiced to the worker, or it names no taxed service."""
        self.ensure_one()
        sign = 1 if move.move_type == "redeem" else -1
        gross = -move.amount * sign
        currency = self.currency_id
        number = move.service_voucher_number or (move.origin_move_id.service_voucher_number or "")
        # No health data on the employer's invoice: the voucher's number and the service
        # category (docs/fiscal-model.md, flow f); the services themselves are in the ledger.
        label = f"{number} {move.category_id.name or ''}".strip()
        sale_line = move.sale_order_line_id
        if sale_line:
            # Never linked to the order line: the employer's invoice is not the worker's
            # order document (portal), the line has nothing left to invoice anyway.
            documented = sale_line.invoice_lines.filtered(lambda l: l.move_id.state != "cancel")
            if documented or not sale_line.tax_id or currency.compare_amounts(gross, sale_line.price_total):
                return None
            return Command.create(
                {
                    "product_id": sale_line.product_id.id,
                    "name": label,
                    "quantity": sale_line.product_uom_qty * sign,
                    "product_uom_id": sale_line.product_uom.id,
                    "price_unit": sale_line.price_unit,
                    "discount": sale_line.discount,
                    "tax_ids": [Command.set(sale_line.tax_id.ids)],
                }
            )
        listing = move.listing_id or move.origin_move_id.listing_id
        taxes = self.env["welfare.settlement.line"]._service_taxes(move, self.company_id)
        if not listing or not taxes:
            return None
        price = listing.list_price
        if currency.compare_amounts(taxes.compute_all(price, currency=currency)["total_included"], gross):
            price = self.env["welfare.settlement.line"]._untaxed(taxes, gross, currency)
        return Command.create(
            {
                "product_id": listing.product_variant_id.id,
                "name": label,
                "quantity": sign,
                "price_unit": price,
                "tax_ids": [Command.set(taxes.ids)],
            }
        )

    def _create_recharge_invoice(self, lines, date_to, origins):
        """The employer's invoice (a credit note when refunds exceed the period's uses,
        referring to the invoice of the uses it gives back, TD04 with DatiFattureCollegate
        when there is one), posted: it goes to the employer as FatturaPA through
        l10n_it_edi."""
        self.ensure_one()
        employer = self.employer_id
        # The employer's fiscal position maps the services' VAT: a public administration's
        # "Split Payment" one (DPR 633/72 art. 17-ter) pays the VAT to the State itself.
        fiscal_position = (
            self.env["account.fiscal.position"].with_company(self.company_id)._get_fiscal_position(employer)
        )
        for command in lines:
            values = command[2]
            taxes = self.env["account.tax"].browse(values["tax_ids"][0][2])
            values["tax_ids"] = [Command.set(fiscal_position.map_tax(taxes).ids)]
        values = {
            "move_type": "out_invoice",
            "partner_id": employer.id,
            "invoice_date": date_to,
            "company_id": self.company_id.id,
            "fiscal_position_id": fiscal_position.id,
            "ref": self.env._("Welfare %(fund)s", fund=self.name),
            "invoice_line_ids": lines,
            "welfare_deferred_invoice": True,
        }
        if employer.commercial_partner_id._l10n_it_edi_is_public_administration():
            if not (self.employer_order_type and self.employer_order_ref):
                raise UserError(
                    self.env._(
                        "%(employer)s is a public administration: give the order, contract or agreement by "
                        "which it buys this welfare (and its CIG, when it has one) on the fund %(fund)s before "
                        "invoicing it.",
                        employer=employer.name,
                        fund=self.name,
                    )
                )
            if self.employer_order_date and self.employer_order_date > date_to:
                raise UserError(
                    self.env._(
                        "The employer's order on the fund %(fund)s is dated after the invoice: check its date.",
                        fund=self.name,
                    )
                )
            values.update(
                l10n_it_origin_document_type=self.employer_order_type,
                l10n_it_origin_document_name=self.employer_order_ref,
                l10n_it_origin_document_date=self.employer_order_date,
                l10n_it_cig=self.employer_cig,
                l10n_it_cup=self.employer_cup,
            )
        invoice = self.env["account.move"].sudo().create(values)
        if invoice.currency_id.compare_amounts(invoice.amount_total, 0) < 0:
            invoice.action_switch_move_type()
            invoice.welfare_deferred_invoice = False
            origins = origins.filtered(lambda m: m.move_type == "out_invoice")
            if len(origins) == 1:
                invoice.reversed_entry_id = origins
        invoice._welfare_set_stamp_duty()
        invoice.action_post()
        return invoice

    def _reconcile_recharged_shop_uses(self, moves, entry):
        """The welfare payment paid, on the worker's receivable, a service the employer
        is invoiced for: reconcile it with the clearing entry."""
        transactions = moves.transaction_id
        payments = (transactions | transactions.child_transaction_ids).payment_id.move_id.line_ids
        for worker, lines in (
            entry.line_ids.filtered(lambda l: l.account_id.account_type == "asset_receivable")
            .grouped("partner_id")
            .items()
        ):
            open_payments = payments.filtered(
                lambda l, worker=worker, lines=lines: (
                    l.partner_id.commercial_partner_id == worker
                    and l.account_id in lines.account_id
                    and not l.reconciled
                )
            )
            if open_payments:
                (lines + open_payments).reconcile()

    def _statement_values(self, date_from, date_to):
        """Figures of the funder's statement (rendicontazione) for a period."""
        self.ensure_one()
        return self.env["report.welfare_voucher.report_welfare_fund_statement"]._fund_statement_values(
            self, date_from, date_to
        )

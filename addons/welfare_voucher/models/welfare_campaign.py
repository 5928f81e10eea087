from odoo import Command, api, fields, models
from odoo.exceptions import UserError, ValidationError

# Lines issued per batch: one lock, one journal entry, one commit by the cron. A batch costs
# about 60 queries whatever its size, plus its INSERTs (a hundred rows each): 10,000
# vouchers in two batches take fewer queries than Odoo's eWallet generation (issue 11), and
# a batch with its e-mails stays well within a cron's time limit.
BATCH_SIZE = 5000


class WelfareCampaign(models.Model):
    """Issues vouchers from a fund to a selection of workers, in resumable batches."""

    _name = "welfare.campaign"
    _description = "Welfare Voucher Campaign"
    _inherit = ["mail.thread", "mail.activity.mixin", "welfare.action.guard.mixin"]
    _order = "id desc"
    _welfare_guarded_fields = frozenset({"state", "line_ids"})
    _check_company_auto = True

    name = fields.Char(required=True, tracking=True)
    fund_id = fields.Many2one(
        "welfare.fund", required=True, tracking=True, check_company=True, domain="[('state', '=', 'open')]"
    )
    fund_type = fields.Selection(related="fund_id.fund_type")
    company_id = fields.Many2one(related="fund_id.company_id", store=True)
    currency_id = fields.Many2one(related="fund_id.currency_id")
    state = fields.Selection(
        [("draft", "Draft"), ("ready", "Ready"), ("issuing", "Issuing"), ("done", "Issued"), ("undone", "Undone")],
        default="draft",
        required=True,
        tracking=True,
        copy=False,
    )
    # --- selection ---------------------------------------------------------
    employer_ids = fields.Many2many(
        "res.partner",
        string="Members",
        domain="[('welfare_member_type', '!=', False)]",
        help="Leave empty for the workers of every member.",
    )
    ambit_ids = fields.Many2many("welfare.ambit", string="Residence Ambits")
    family_criterion = fields.Selection(
        [
            ("none", "No family criterion"),
            ("child_age", "Has a child in an age range"),
            ("elderly_or_dependent", "Cares for a relative aged 75+ or non-self-sufficient"),
        ],
        default="none",
        required=True,
    )
    child_age_min = fields.Integer(default=0)
    child_age_max = fields.Integer(default=3)
    # --- amount rule -------------------------------------------------------
    amount_fixed = fields.Monetary(string="Fixed Amount", tracking=True)
    amount_per_child = fields.Monetary(
        string="Amount per Qualifying Child",
        tracking=True,
        help="Added for each child in the age range (with the child criterion) or each "
        "fiscally dependent child otherwise.",
    )
    date_start = fields.Date(string="Vouchers Valid From", required=True, default=fields.Date.context_today)
    date_end = fields.Date(string="Vouchers Valid Until", required=True)
    c3_year = fields.Integer(
        string="Fringe-benefit Tax Year",
        compute="_compute_c3_year",
        store=True,
        readonly=False,
        help="Fringe-benefit funds (TUIR art. 51 c.3): the tax year whose ceiling the vouchers "
        "count in, the year they are made available (by 12 January: the year before).",
    )
    send_email = fields.Boolean(
        default=True, help="Email each worker a link to their voucher in the portal, where they can download its PDF."
    )
    # --- progress ----------------------------------------------------------
    line_ids = fields.One2many("welfare.campaign.line", "campaign_id", string="Workers")
    line_count = fields.Integer(compute="_compute_progress")
    issued_count = fields.Integer(compute="_compute_progress")
    progress = fields.Float(compute="_compute_progress")
    amount_total = fields.Monetary(string="Total", compute="_compute_progress")

    _sql_constraints = [
        ("dates_order", "CHECK(date_end >= date_start)", "Vouchers cannot expire before they start."),
        ("amounts_positive", "CHECK(amount_fixed >= 0 AND amount_per_child >= 0)", "Amounts cannot be negative."),
    ]

    @api.depends("date_start")
    def _compute_c3_year(self):
        for campaign in self:
            campaign.c3_year = campaign.date_start and self.env["welfare.voucher"]._c3_tax_year(campaign.date_start)

    @api.constrains("fund_id", "ambit_ids", "family_criterion", "amount_per_child", "employer_ids")
    def _check_fund_type_rules(self):
        """Employer welfare (TUIR art. 51 c.2) reaches all the employees, or the
        categories of employees its regulation names, all alike: never a selection by
        residence or family, never a different amount per worker."""
        for campaign in self:
            rules = campaign.fund_id._type_rules()
            if (rules["needs_regulation"] or rules["from_bonus_choice"]) and (
                campaign.ambit_ids
                or campaign.family_criterion != "none"
                or campaign.amount_per_child
                or (campaign.employer_ids and campaign.employer_ids != campaign.fund_id.employer_id)
            ):
                raise ValidationError(
                    self.env._(
                        "%(fund)s is employer welfare: its campaigns reach the employees its regulation "
                        "names (or those who chose to convert their bonus), with no selection by residence "
                        "or family and no amount per child.",
                        fund=campaign.fund_id.name,
                    )
                )

    @api.depends("line_ids.state", "line_ids.amount")
    def _compute_progress(self):
        for campaign in self:
            lines = campaign.line_ids
            campaign.line_count = len(lines)
            campaign.issued_count = len(lines.filtered(lambda l: l.state == "issued"))
            campaign.progress = 100.0 * campaign.issued_count / len(lines) if lines else 0.0
            campaign.amount_total = sum(lines.mapped("amount"))

    def _selected_workers(self):
        self.ensure_one()
        fund = self.fund_id
        if fund.regulation_id:
            return self.env["res.partner"].search(fund.regulation_id._worker_domain())
        domain = [("is_welfare_worker", "=", True), ("welfare_worker_state", "=", "active")]
        employers = self.employer_ids or self.fund_id.employer_id
        if employers:
            domain.append(("welfare_employer_id", "in", employers.ids))
        if self.ambit_ids:
            domain.append(("welfare_ambit_id", "in", self.ambit_ids.ids))
        workers = self.env["res.partner"].search(domain)
        if self.family_criterion == "child_age":
            workers = workers.filtered(
                lambda w: w._welfare_has_child_aged(self.child_age_min, self.child_age_max, on_date=self.date_start)
            )
        elif self.family_criterion == "elderly_or_dependent":
            workers = workers.filtered(lambda w: w._welfare_cares_for_elderly_or_dependent(on_date=self.date_start))
        return workers

    def _bonus_choices(self):
        """The confirmed productivity-bonus choices of the fund's employer not yet issued
        (another campaign may have prepared them: they stay with the first)."""
        self.ensure_one()
        choices = self.env["welfare.bonus.conversion"].search(
            [
                ("employer_id", "=", self.fund_id.employer_id.id),
                ("state", "=", "confirmed"),
                ("company_id", "=", self.company_id.id),
            ]
        )
        taken = self.env["welfare.campaign.line"].search(
            [("bonus_conversion_id", "in", choices.ids), ("campaign_id", "!=", self.id), ("state", "!=", "skipped")]
        )
        return choices - taken.bonus_conversion_id

    def _amount_for(self, worker):
        """Fixed amount plus an amount per qualifying child, capped by the fund's maximum.

        Without an age criterion a qualifying child is a dependent one: for funds under
        TUIR's family rules, a child declared for the campaign's tax year
        (welfare.c3.declaration); for public calls, as the worker states it to the call."""
        self.ensure_one()
        if self.family_criterion == "child_age":
            children = worker._welfare_family_members_matching(
                relations=["child"], min_age=self.child_age_min, max_age=self.child_age_max, on_date=self.date_start
            )
        elif self.fund_id.family_rules:
            # Art. 12 c.2 TUIR: a child is dependent in a tax year, on that year's income, as
            # the worker declares it with the child's codice fiscale; never a lasting flag.
            year = self.env["welfare.voucher"]._c3_tax_year(self.date_start)
            children = (
                self.env["welfare.c3.declaration.line"]
                .sudo()
                .search([("declaration_id.worker_id", "=", worker.id), ("declaration_id.year", "=", year)])
                .child_id
            )
        else:
            # A public call names its own family criteria: the worker's statement to the call.
            children = worker._welfare_family_members_matching(relations=["child"], dependent=True)
        amount = self.amount_fixed + self.amount_per_child * len(children)
        if self.fund_id.max_per_worker:
            amount = min(amount, self.fund_id.max_per_worker)
        return self.currency_id.round(amount)

    def action_prepare(self):
        """Compute who receives how much; nothing is issued yet."""
        self._welfare_check_group("welfare_network.group_welfare_backoffice")
        self.check_access("write")
        for campaign in self:
            if campaign.state not in ("draft", "ready"):
                raise UserError(self.env._("Only draft campaigns can be prepared."))
            lines = [Command.clear()]
            if campaign.fund_id._type_rules()["from_bonus_choice"]:
                # L. 208/2015 c.184: only what each worker chose to convert, once.
                lines += [
                    Command.create(
                        {"worker_id": choice.worker_id.id, "amount": choice.amount, "bonus_conversion_id": choice.id}
                    )
                    for choice in campaign._bonus_choices()
                ]
            else:
                for worker in campaign._selected_workers():
                    amount = campaign._amount_for(worker)
                    if campaign.currency_id.compare_amounts(amount, 0) > 0:
                        lines.append(Command.create({"worker_id": worker.id, "amount": amount}))
            campaign._welfare_action_write({"line_ids": lines, "state": "ready"})
            if not campaign.line_ids:
                raise UserError(self.env._("No worker matches the campaign's criteria."))
            total = sum(campaign.line_ids.mapped("amount"))
            campaign.fund_id.invalidate_recordset(["amount_allocated", "amount_lapsed", "amount_available"])
            if campaign.currency_id.compare_amounts(total, campaign.fund_id.amount_available) > 0:
                raise UserError(
                    self.env._(
                        "The campaign needs %(total)s but the fund has %(available)s available.",
                        total=campaign.currency_id.format(total),
                        available=campaign.currency_id.format(campaign.fund_id.amount_available),
                    )
                )
        return True

    def action_issue(self):
        """Start issuing: batches run in the background and can be resumed."""
        self._welfare_check_group("welfare_network.group_welfare_backoffice")
        self.check_access("write")
        for campaign in self:
            if campaign.state not in ("ready", "issuing"):
                raise UserError(self.env._("Prepare the campaign before issuing it."))
        self._welfare_action_write({"state": "issuing"})
        self.env.ref("welfare_voucher.ir_cron_welfare_campaign_issue")._trigger()
        return True

    def _issue_batch(self, limit=BATCH_SIZE):
        """Issue up to ``limit`` pending vouchers of this campaign as one batch (see
        welfare.campaign.line._issue). A line that cannot be issued (the worker left, the
        fund's rules refuse it...) is marked failed with the reason, and the others go
        on: one bad line never blocks a campaign. The issue e-mails are queued after the
        batch (the mail queue sends them) and the campaign gets one summary message.
        Returns the vouchers issued."""
        self.ensure_one()
        Line = self.env["welfare.campaign.line"]
        pending = Line.search_fetch(
            [("campaign_id", "=", self.id), ("state", "=", "pending")],
            ["worker_id", "amount", "bonus_conversion_id"],
            limit=limit,
        )
        vouchers = self.env["welfare.voucher"]
        if pending:
            # What issuing (and the e-mail) reads of the workers, in one query for the
            # batch: the ORM would read them a thousand at a time.
            pending.worker_id.fetch(
                ["name", "email", "lang", "is_welfare_worker", "welfare_employer_id", "welfare_ambit_id"]
            )
            try:
                with self.env.cr.savepoint():
                    vouchers = pending._issue()
            except (UserError, ValidationError):
                # Refused by a rule checked only when writing: find the line, one at a time.
                vouchers = self.env["welfare.voucher"]
                for line in pending:
                    try:
                        with self.env.cr.savepoint():
                            vouchers |= line._issue()
                    except (UserError, ValidationError) as e:
                        line._welfare_action_write({"state": "failed", "error_message": e.args[0]})
            if vouchers and self.send_email:
                vouchers._send_issue_email()
            # Every line of the batch is now issued (it has a voucher) or failed.
            failed = len(pending) - len(vouchers)
            amount = self.currency_id.format(sum(vouchers.mapped("value")))
            self.message_post(
                body=self.env._(
                    "%(count)s vouchers issued for %(amount)s; %(failed)s workers could not receive theirs "
                    "(see the failed lines).",
                    count=len(vouchers),
                    amount=amount,
                    failed=failed,
                )
                if failed
                else self.env._("%(count)s vouchers issued for %(amount)s.", count=len(vouchers), amount=amount),
                subtype_xmlid="mail.mt_note",
            )
        # A batch shorter than the limit took every pending line.
        if len(pending) < limit or not Line.search_count(
            [("campaign_id", "=", self.id), ("state", "=", "pending")], limit=1
        ):
            self._welfare_action_write({"state": "done"})
        return vouchers

    @api.model
    def _cron_issue(self):
        """Issue one batch per campaign and report progress: the cron framework commits
        each run and runs again while lines remain, so an interrupted issue resumes."""
        campaigns = self.search([("state", "=", "issuing")])
        issued = self.env["welfare.voucher"]
        for campaign in campaigns:
            issued |= campaign._issue_batch()
        remaining = self.env["welfare.campaign.line"].search_count(
            [("campaign_id", "in", campaigns.ids), ("state", "=", "pending")]
        )
        self.env["ir.cron"]._notify_progress(done=len(issued), remaining=remaining)
        return remaining

    def action_undo(self):
        """Cancel the campaign's unused vouchers; used ones stay and are listed."""
        self._welfare_check_group("welfare_network.group_welfare_backoffice")
        self.check_access("write")
        for campaign in self:
            vouchers = campaign.line_ids.voucher_id
            used = vouchers.filtered(
                lambda v: v.state != "active" or v.currency_id.compare_amounts(v.balance, v.value) != 0
            )
            if used:
                raise UserError(
                    self.env._(
                        "These vouchers were already used and cannot be undone: %(codes)s",
                        codes=", ".join(used.mapped("code")),
                    )
                )
            vouchers.action_cancel()
            campaign.line_ids.filtered(lambda l: l.state == "pending")._welfare_action_write({"state": "skipped"})
            campaign._welfare_action_write({"state": "undone"})
        return True

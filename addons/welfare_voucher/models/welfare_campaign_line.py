from odoo import Command, api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL


class WelfareCampaignLine(models.Model):
    """A worker selected by a campaign, the amount they receive and their voucher."""

    _name = "welfare.campaign.line"
    _description = "Welfare Campaign Line"
    _order = "id"
    _inherit = ["welfare.action.guard.mixin"]
    # Who gets how much is decided when the campaign is prepared; issuing fills the rest.
    _welfare_guarded_fields = frozenset(
        {"campaign_id", "worker_id", "amount", "state", "voucher_id", "error_message", "bonus_conversion_id"}
    )

    campaign_id = fields.Many2one("welfare.campaign", required=True, ondelete="cascade", index=True)
    worker_id = fields.Many2one("res.partner", required=True, index=True)
    employer_id = fields.Many2one(related="worker_id.welfare_employer_id")
    currency_id = fields.Many2one(related="campaign_id.currency_id")
    amount = fields.Monetary(required=True)
    state = fields.Selection(
        [("pending", "Pending"), ("issued", "Issued"), ("skipped", "Skipped"), ("failed", "Failed")],
        default="pending",
        required=True,
        index=True,
    )
    error_message = fields.Char(string="Why It Failed", readonly=True)
    voucher_id = fields.Many2one("welfare.voucher", readonly=True)
    bonus_conversion_id = fields.Many2one(
        "welfare.bonus.conversion",
        string="Bonus Choice",
        readonly=True,
        index="btree_not_null",
        help="Productivity bonus: the worker's recorded choice this line issues.",
    )

    def _issue(self):
        """Issue the vouchers of these pending lines of one campaign as one batch, within
        the fund's budget: one lock and availability check for the batch, the vouchers,
        their ledger lines and one journal entry each created at once, no chatter per
        voucher. A line that cannot be issued (the worker is no longer a welfare worker,
        over the per-worker maximum, over what the fund has left) is marked failed with
        the reason; the others are issued. Returns the vouchers issued."""
        campaign = self.campaign_id
        campaign.ensure_one()
        refused = {
            line: self.env._("Vouchers are nominative: %(name)s is not a welfare worker.", name=line.worker_id.name)
            for line in self
            if not line.worker_id.is_welfare_worker
        }
        candidates = self.filtered(lambda l: l not in refused)
        refused.update(
            campaign.fund_id._check_allocations([(line, line.worker_id, line.amount) for line in candidates])
        )
        if campaign.fund_id.apply_c3_ceiling:
            refused.update(candidates.filtered(lambda l: l not in refused)._check_c3_ceiling())
        for message, lines in self.filtered(lambda l: l in refused).grouped(lambda l: refused[l]).items():
            lines._welfare_action_write({"state": "failed", "error_message": message})
        return candidates.filtered(lambda l: l not in refused)._create_vouchers()

    def _check_c3_ceiling(self):
        """Fringe benefits (TUIR art. 51 c.3) count when they are made available: a
        voucher is refused when, with what the worker already received in the tax year
        (vouchers and benefits declared outside the platform), it would pass the year's
        ceiling, which would make the whole amount taxable. Returns {line: why}."""
        campaign = self.campaign_id
        year = campaign.c3_year
        workers = self.worker_id
        Voucher = self.env["welfare.voucher"]
        ceilings, used = Voucher._c3_ceilings(workers, year), Voucher._c3_used(workers, year)
        currency = campaign.currency_id
        refused = {}
        for line in self:
            worker = line.worker_id
            total = used[worker.id] + line.amount
            if currency.compare_amounts(total, ceilings[worker.id]) > 0:
                refused[line] = self.env._(
                    "%(worker)s would receive %(total)s of fringe benefits in %(year)s, over the exempt "
                    "ceiling of %(ceiling)s (TUIR art. 51 c.3): above it the whole amount is taxable.",
                    worker=worker.name,
                    total=currency.format(total),
                    year=year,
                    ceiling=currency.format(ceilings[worker.id]),
                )
            else:
                used[worker.id] = total
        return refused

    def _create_vouchers(self):
        """The vouchers of these lines (checked already), their "issue" ledger lines and
        one journal entry for the whole batch; the lines are marked issued."""
        if not self:
            return self.env["welfare.voucher"]
        campaign = self.campaign_id
        fund = campaign.fund_id
        # No chatter per voucher: the campaign gets one summary message per batch.
        quiet = {"tracking_disable": True, "mail_create_nolog": True, "mail_create_nosubscribe": True}
        company = fund.company_id
        Move = self.env["welfare.voucher.move"].sudo()
        day = fields.Date.context_today(Move)
        # One journal entry for the batch, aggregated per fund and funder as
        # welfare.voucher.move._post_accounting_entries books a batch: posted first, so
        # that each ledger line is INSERTed with it instead of UPDATEd after.
        counterpart, funder = Move._welfare_counterpart_of(
            "issue", fund, self.env["res.partner"], company._welfare_accounts()
        )
        entry = Move._post_aggregated_entry(
            company,
            day,
            self.env._("Campaign %(campaign)s: %(count)s vouchers issued", campaign=campaign.name, count=len(self)),
            {(counterpart, funder, fund): sum(self.mapped("amount"))},
        )
        categories = [Command.set(fund.category_ids.ids)]
        c3_year = campaign.c3_year if fund.apply_c3_ceiling else 0
        # Each voucher is created with its "issue" ledger line and the values its stored
        # computed columns take (a new voucher's balance is its value, its state active;
        # the copied columns are the worker's and the fund's; the line's are copied from
        # the voucher by welfare.voucher.move.create): they are in the INSERT, never
        # computed again nor UPDATEd (below).
        vouchers = (
            self.env["welfare.voucher"]
            .sudo()
            .with_context(**quiet)
            .create(
                [
                    {
                        "worker_id": line.worker_id.id,
                        "employer_id": line.worker_id.welfare_employer_id.id,
                        "fund_id": fund.id,
                        "currency_id": fund.currency_id.id,
                        "company_id": company.id,
                        "campaign_id": campaign.id,
                        "value": line.amount,
                        "balance": line.amount,
                        "state": "active",
                        "category_ids": categories,
                        "date_start": campaign.date_start,
                        "date_end": campaign.date_end,
                        "c3_year": c3_year,
                        "move_ids": [
                            Command.create(
                                {
                                    "move_type": "issue",
                                    "amount": line.amount,
                                    "reason_code": "campaign",
                                    "reason_params": {"campaign": campaign.name},
                                    "date": day,
                                    "account_move_id": entry.id,
                                }
                            )
                        ],
                    }
                    for line in self
                ]
            )
        )
        # The stored computed columns are in the INSERT with the values their computation
        # gives (tests/test_welfare_campaign.py checks it): not computed again for the
        # batch, whose ledger lines would be read back to do it.
        for records, fnames in (
            (vouchers, ("employer_id", "company_id", "currency_id", "balance", "state")),
            (vouchers.move_ids, ("fund_id", "worker_id", "company_id")),
        ):
            for fname in fnames:
                self.env.remove_to_compute(records._fields[fname], records)
        # One UPDATE for the batch (the ORM would write each line's own voucher apart).
        self.flush_recordset()
        self.env.cr.execute(
            SQL(
                """UPDATE welfare_campaign_line AS line
                      SET state = 'issued', voucher_id = issued.voucher_id, error_message = NULL,
                          write_uid = %s, write_date = %s
                     FROM unnest(%s::int[], %s::int[]) AS issued(line_id, voucher_id)
                    WHERE line.id = issued.line_id""",
                self.env.uid,
                self.env.cr.now(),
                self.ids,
                vouchers.ids,
            )
        )
        fnames = ["state", "voucher_id", "error_message", "write_uid", "write_date"]
        self.invalidate_recordset(fnames)
        self.modified(fnames)
        if choices := self.bonus_conversion_id:
            choices._welfare_action_write({"state": "issued"})
        return vouchers

    @api.model_create_multi
    def create(self, vals_list):
        """Who gets how much comes from preparing the campaign, never from adding lines."""
        if not self._welfare_in_action() and not self.env.su:
            raise UserError(self.env._("Change the campaign's criteria and prepare it again instead."))
        return super().create(vals_list)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_before_issue(self):
        """A campaign's selection changes only by preparing it again (employer welfare
        must reach whole categories of employees, TUIR art. 51 c.2)."""
        if self.filtered(lambda l: l.state != "pending" or l.campaign_id.state not in ("draft", "ready")):
            raise UserError(self.env._("Workers of a campaign being issued or issued cannot be removed."))
        if not self._welfare_in_action() and not self.env.su:
            raise UserError(self.env._("Change the campaign's criteria and prepare it again instead."))

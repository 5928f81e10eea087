from odoo import api, fields, models
from odoo.exceptions import UserError


class WelfareCampaignLine(models.Model):
    """A worker selected by a campaign, the amount they receive and their voucher."""

    _name = "welfare.campaign.line"
    _description = "Welfare Campaign Line"
    _order = "id"
    _inherit = ["welfare.action.guard.mixin"]
    # Who gets how much is decided when the campaign is prepared; issuing fills the rest.
    _welfare_guarded_fields = frozenset({"campaign_id", "worker_id", "amount", "state", "voucher_id", "error_message"})

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

    def _issue(self):
        """Issue this line's voucher with its ledger line, within the fund's budget."""
        self.ensure_one()
        campaign = self.campaign_id
        fund = campaign.fund_id
        fund._check_allocation(self.amount, worker=self.worker_id)
        voucher = (
            self.env["welfare.voucher"]
            .sudo()
            .create(
                {
                    "worker_id": self.worker_id.id,
                    "fund_id": fund.id,
                    "campaign_id": campaign.id,
                    "value": self.amount,
                    "category_ids": [fields.Command.set(fund.category_ids.ids)],
                    "date_start": campaign.date_start,
                    "date_end": campaign.date_end,
                }
            )
        )
        voucher._add_move("issue", self.amount, self.env._("Issued by campaign %(campaign)s", campaign=campaign.name))
        self._welfare_action_write({"state": "issued", "voucher_id": voucher.id})
        if campaign.send_email:
            voucher._send_issue_email()
        return voucher

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

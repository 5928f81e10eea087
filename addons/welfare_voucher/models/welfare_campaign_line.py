from odoo import fields, models


class WelfareCampaignLine(models.Model):
    """A worker selected by a campaign, the amount they receive and their voucher."""

    _name = "welfare.campaign.line"
    _description = "Welfare Campaign Line"
    _order = "id"

    campaign_id = fields.Many2one("welfare.campaign", required=True, ondelete="cascade", index=True)
    worker_id = fields.Many2one("res.partner", required=True, index=True)
    employer_id = fields.Many2one(related="worker_id.welfare_employer_id")
    currency_id = fields.Many2one(related="campaign_id.currency_id")
    amount = fields.Monetary(required=True)
    state = fields.Selection(
        [("pending", "Pending"), ("issued", "Issued"), ("skipped", "Skipped")], default="pending", required=True
    )
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
        self.write({"state": "issued", "voucher_id": voucher.id})
        if campaign.send_email:
            voucher._send_issue_email()
        return voucher

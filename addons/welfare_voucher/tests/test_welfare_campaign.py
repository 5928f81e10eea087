from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestWelfareCampaign(WelfareVoucherCommon):
    def _campaign(self, **vals):
        return self.env["welfare.campaign"].create(
            {
                "name": "Nidi",
                "fund_id": self.fund_grant.id,
                "send_email": False,
                "employer_ids": [(6, 0, (self.employer_a | self.employer_b).ids)],
                "date_start": "2026-01-01",
                "date_end": "2099-12-31",
                **vals,
            }
        )

    def test_family_criterion_and_amount_rule(self):
        campaign = self._campaign(
            family_criterion="child_age", child_age_min=0, child_age_max=3, amount_fixed=100, amount_per_child=50
        )
        campaign.action_prepare()
        self.assertEqual(campaign.line_ids.worker_id, self.worker_a)
        self.assertEqual(campaign.line_ids.amount, 150.0)

    def test_batches_resume_and_finish(self):
        campaign = self._campaign(amount_fixed=100)
        campaign.action_prepare()
        self.assertEqual(campaign.line_count, 2)
        campaign.action_issue()
        campaign._issue_batch(limit=1)
        self.assertEqual(campaign.state, "issuing")
        self.assertEqual(campaign.issued_count, 1)
        self.assertEqual(campaign.progress, 50.0)
        remaining = self.env["welfare.campaign"]._cron_issue()
        self.assertEqual(remaining, 0)
        self.assertEqual(campaign.state, "done")
        self.assertEqual(len(campaign.line_ids.voucher_id), 2)
        self.assertEqual(set(campaign.line_ids.voucher_id.mapped("balance")), {100.0})

    def test_undo_cancels_unused_vouchers(self):
        campaign = self._campaign(amount_fixed=100)
        campaign.action_prepare()
        campaign._issue_batch()
        used = campaign.line_ids.filtered(lambda l: l.worker_id == self.worker_a).voucher_id
        used._redeem(10.0, self.cat_nido, "test")
        with self.assertRaisesRegex(UserError, "already used"), self.cr.savepoint():
            campaign.action_undo()
        self.env.invalidate_all()
        self.assertEqual(campaign.state, "done")
        used.move_ids.filtered(lambda m: m.move_type == "redeem")._refund("test")
        campaign.action_undo()
        self.assertEqual(campaign.state, "undone")
        self.assertEqual(set(campaign.line_ids.voucher_id.mapped("state")), {"cancelled"})
        self.fund_grant.invalidate_recordset()
        self.assertEqual(self.fund_grant.amount_available, 1000.0)

    def test_over_budget_campaign_is_refused_before_issuing(self):
        campaign = self._campaign(amount_fixed=600)
        with self.assertRaisesRegex(UserError, "available"), self.cr.savepoint():
            campaign.action_prepare()
        self.assertFalse(self.env["welfare.voucher"].search([("campaign_id", "=", campaign.id)]))

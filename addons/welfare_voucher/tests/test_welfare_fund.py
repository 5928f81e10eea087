from odoo.exceptions import UserError, ValidationError
from odoo.tests import tagged

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestWelfareFund(WelfareVoucherCommon):
    def test_amounts_follow_the_ledger(self):
        voucher = self.issue(self.fund_grant, self.worker_a, 400.0)
        fund = self.fund_grant
        fund.invalidate_recordset()
        self.assertEqual(fund.amount_allocated, 400.0)
        self.assertEqual(fund.amount_available, 600.0)
        self.assertEqual(fund.amount_open, 400.0)
        self.assertEqual(fund.worker_count, 1)
        voucher._redeem(150.0, self.cat_nido, "note", reason_params={"note": "test"})
        fund.invalidate_recordset()
        self.assertEqual(fund.amount_spent, 150.0)
        self.assertEqual(fund.amount_open, 250.0)

    def test_allocation_never_exceeds_budget(self):
        self.issue(self.fund_grant, self.worker_a, 600.0)
        with self.assertRaisesRegex(UserError, "available"), self.cr.savepoint():
            self.issue(self.fund_grant, self.worker_b, 500.0)
        self.fund_grant.invalidate_recordset()
        self.assertEqual(self.fund_grant.amount_allocated, 600.0)
        with self.assertRaisesRegex(ValidationError, "lower than what is already allocated"):
            self.fund_grant.budget = 500.0

    def test_max_per_worker(self):
        """The call's maximum per worker holds across campaigns: the line that would
        exceed it is not issued and says why (the rest of the campaign goes on)."""
        self.issue(self.fund_grant, self.worker_a, 400.0)
        self.assertFalse(self.issue(self.fund_grant, self.worker_a, 300.0))
        line = self.env["welfare.campaign.line"].search(
            [("worker_id", "=", self.worker_a.id), ("state", "=", "failed")]
        )
        self.assertIn("over the maximum", line.error_message)
        self.fund_grant.invalidate_recordset()
        self.assertEqual(self.fund_grant.amount_allocated, 400.0)

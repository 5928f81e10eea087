from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.fields import Date
from odoo.tests import tagged

from .common import WelfareVoucherCommon


@tagged("post_install", "-at_install")
class TestNightlyJobs(WelfareVoucherCommon):
    """Crons never lose a night's work: batches that commit as they go, one bad line
    never blocks a campaign, and nothing stays stranded on a closed voucher."""

    def test_expiry_runs_in_batches(self):
        """Expiry is enforced (the unspent credit lapses back to the fund) batch by batch."""
        today = Date.today()
        vouchers = self.issue(self.fund_grant, self.worker_a, 50.0, date_end=today + relativedelta(days=5))
        vouchers |= self.issue(self.fund_grant, self.worker_a, 70.0, date_end=today + relativedelta(days=5))
        with freeze_time(today + relativedelta(days=6)):
            first, _ = self.env["welfare.voucher"]._cron_lapse_and_remind(batch_size=1)
            self.assertEqual(len(first), 1)
            self.assertEqual(len(vouchers.filtered(lambda v: v.state == "expired")), 1)
            self.env["welfare.voucher"]._cron_lapse_and_remind(batch_size=1)
        self.assertEqual(set(vouchers.mapped("state")), {"expired"})
        self.assertEqual(set(vouchers.mapped("balance")), {0.0})

    def test_refund_on_an_expired_voucher_goes_back_to_the_fund(self):
        """A refund landing on an expired voucher lapses at once: credit never stays
        stranded on a voucher that cannot be spent."""
        today = Date.today()
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0, date_end=today + relativedelta(days=5))
        redeem = voucher._redeem(60.0, self.cat_nido, "note", reason_params={"note": "Retta"})
        with freeze_time(today + relativedelta(days=6)):
            self.env["welfare.voucher"]._cron_lapse_and_remind()
            self.assertEqual(voucher.state, "expired")
            self.fund_grant.invalidate_recordset()
            lapsed_before = self.fund_grant.amount_lapsed
            redeem._refund("note", reason_params={"note": "Servizio non erogato"})
        self.assertEqual(voucher.balance, 0.0)
        self.assertEqual(voucher.state, "expired")
        self.fund_grant.invalidate_recordset()
        self.assertAlmostEqual(self.fund_grant.amount_lapsed - lapsed_before, 60.0)

    def test_one_bad_line_never_blocks_a_campaign(self):
        campaign = self.env["welfare.campaign"].create(
            {
                "name": "Tutti",
                "fund_id": self.fund_grant.id,
                "send_email": False,
                "employer_ids": [(6, 0, (self.employer_a | self.employer_b).ids)],
                "amount_fixed": 100,
                "date_start": Date.today(),
                "date_end": Date.today() + relativedelta(months=2),
            }
        )
        campaign.action_prepare()
        campaign.action_issue()
        # worker_b stops being a welfare worker between preparing and issuing.
        self.worker_b.is_welfare_worker = False
        self.env["welfare.campaign"]._cron_issue()
        self.assertEqual(campaign.state, "done")
        line_a = campaign.line_ids.filtered(lambda l: l.worker_id == self.worker_a)
        line_b = campaign.line_ids - line_a
        self.assertEqual(line_a.state, "issued")
        self.assertEqual(line_b.state, "failed")
        self.assertTrue(line_b.error_message)
        self.assertFalse(line_b.voucher_id)

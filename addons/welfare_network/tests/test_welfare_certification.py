from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.fields import Date
from odoo.tests import tagged

from .common import WelfareNetworkCommon


@tagged("post_install", "-at_install")
class TestWelfareCertification(WelfareNetworkCommon):
    def test_expiry_is_flagged_automatically(self):
        valid_until = Date.today() + relativedelta(days=10)
        certification = self.env["welfare.certification"].create(
            {
                "partner_id": self.provider.id,
                "name": "Ecolabel UE",
                "kind": "environmental",
                "issuer": "ISPRA",
                "date_valid_until": valid_until,
            }
        )
        self.assertFalse(certification.is_expired)
        self.assertTrue(self.provider.welfare_has_valid_certification)

        with freeze_time(valid_until + relativedelta(days=1)):
            flagged = self.env["welfare.certification"]._cron_flag_expired()
            self.assertEqual(flagged, certification)
        self.env.invalidate_all()
        self.assertTrue(certification.is_expired)
        self.assertFalse(self.provider.welfare_has_valid_certification)
        self.assertIn(
            self.provider,
            self.env["res.partner"].search(
                [("welfare_has_valid_certification", "=", False), ("id", "=", self.provider.id)]
            ),
        )
        self.assertIn("expired", certification.message_ids[0].body)
        # Stored flag: the list view can filter and colour on it.
        self.assertIn(certification, self.env["welfare.certification"].search([("is_expired", "=", True)]))

    def test_past_date_is_expired_at_once(self):
        certification = self.env["welfare.certification"].create(
            {
                "partner_id": self.provider.id,
                "name": "Bilancio sociale",
                "kind": "social",
                "issuer": "Confcooperative",
                "date_valid_until": Date.today() - relativedelta(days=1),
            }
        )
        self.assertTrue(certification.is_expired)

    def test_no_end_date_never_expires(self):
        certification = self.env["welfare.certification"].create(
            {
                "partner_id": self.provider.id,
                "name": "Km 0",
                "kind": "territorial",
                "issuer": "Rete",
            }
        )
        with freeze_time(Date.today() + relativedelta(years=10)):
            self.env["welfare.certification"]._cron_flag_expired()
        self.assertFalse(certification.is_expired)

import base64

from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo.exceptions import UserError
from odoo.fields import Date
from odoo.tests import tagged

from .common import WelfareNetworkCommon


@tagged("post_install", "-at_install")
class TestWelfareConvention(WelfareNetworkCommon):
    def _convention(self, **vals):
        return self.env["welfare.convention"].create(
            {
                "partner_id": self.provider.id,
                "commission_percent": 6.0,
                "date_start": Date.today() - relativedelta(months=1),
                "date_end": Date.today() + relativedelta(months=11),
                "signed_file": base64.b64encode(b"%PDF convention"),
                **vals,
            }
        )

    def test_activation_and_validity(self):
        convention = self._convention()
        self.assertFalse(self.provider.welfare_has_active_convention)
        convention.action_activate()
        self.assertTrue(self.provider.welfare_has_active_convention)
        self.assertIn(self.provider, self.env["res.partner"].search([("welfare_has_active_convention", "=", True)]))
        with self.assertRaisesRegex(UserError, "cannot change"):
            convention.commission_percent = 2.0
        self.assertEqual(convention.commission_percent, 6.0)

    def test_cron_expires_past_conventions(self):
        convention = self._convention()
        convention.action_activate()
        with freeze_time(convention.date_end + relativedelta(days=1)):
            expired = self.env["welfare.convention"]._cron_expire()
            self.assertIn(convention, expired)
            self.assertEqual(convention.state, "expired")
            self.assertFalse(self.provider.welfare_has_active_convention)

    def test_terminate_needs_reason(self):
        convention = self._convention()
        convention.action_activate()
        with self.assertRaisesRegex(UserError, "terminated"):
            convention.action_terminate()
        convention.termination_reason = "Chiusura del servizio"
        convention.action_terminate()
        self.assertEqual(convention.state, "terminated")
        self.assertEqual(convention.date_end, Date.today())

import base64

from odoo.exceptions import UserError, ValidationError
from odoo.fields import Date
from odoo.tests import tagged

from .common import WelfareNetworkCommon

PACT = base64.b64encode(b"%PDF-1.4 signed pact")


@tagged("post_install", "-at_install")
class TestWelfareMembership(WelfareNetworkCommon):
    def _propose(self, partner, **vals):
        return (
            self.env["welfare.membership"]
            .with_user(self.user_backoffice)
            .create({"partner_id": partner.id, "employee_count": 40, **vals})
        )

    def test_full_lifecycle(self):
        membership = self._propose(self.employer_a)
        self.assertEqual(membership.state, "draft")
        self.assertTrue(membership.name.startswith("ADES/"))
        self.assertFalse(self.employer_a.is_welfare_member)

        membership.action_submit()
        self.assertEqual(membership.state, "review")
        with self.assertRaisesRegex(UserError, "signed pact"):
            membership.action_activate()
        self.assertEqual(membership.state, "review")

        membership.write({"date_signed": Date.today(), "pact_file": PACT})
        membership.action_activate()
        self.assertEqual(membership.state, "active")
        self.assertEqual(membership.date_start, Date.today())
        self.assertTrue(self.employer_a.is_welfare_member)
        self.assertEqual(self.employer_a.welfare_membership_state, "active")

        with self.assertRaisesRegex(UserError, "reason"):
            membership.action_suspend()
        membership.suspension_reason = "Quota non versata"
        membership.action_suspend()
        self.assertEqual(membership.state, "suspended")
        self.assertFalse(self.employer_a.is_welfare_member)
        membership.action_resume()
        self.assertEqual(membership.state, "active")
        self.assertFalse(membership.suspension_reason)

        membership.with_user(self.user_manager).action_end()
        self.assertEqual(membership.state, "ended")
        self.assertEqual(membership.date_end, Date.today())
        self.assertFalse(self.employer_a.is_welfare_member)

    def test_wrong_transitions_change_nothing(self):
        membership = self._propose(self.employer_a)
        for action in ("action_activate", "action_suspend", "action_resume", "action_end"):
            with self.assertRaises(UserError):
                getattr(membership, action)()
            self.assertEqual(membership.state, "draft")

    def test_member_type_required_for_review(self):
        partner = self.env["res.partner"].create({"name": "Nuova Srl", "is_company": True})
        membership = self._propose(partner)
        with self.assertRaisesRegex(UserError, "member type"):
            membership.action_submit()
        membership.member_type = "company"
        membership.action_submit()
        self.assertEqual(partner.welfare_member_type, "company")

    def test_union_without_employees(self):
        union = self.env["res.partner"].create(
            {"name": "CISL Test", "is_company": True, "welfare_member_type": "union"}
        )
        membership = self._propose(union, employee_count=0, date_signed=Date.today(), pact_file=PACT)
        membership.action_submit()
        membership.action_activate()
        self.assertTrue(union.is_welfare_member)

    def test_single_open_membership(self):
        self._propose(self.employer_a).action_submit()
        second = self._propose(self.employer_a)
        with self.assertRaisesRegex(ValidationError, "already has an open membership"), self.cr.savepoint():
            second.action_submit()
        second.invalidate_recordset()
        self.assertEqual(second.state, "draft")

    def test_only_drafts_are_deleted(self):
        membership = self._propose(self.employer_a)
        membership.action_submit()
        with self.assertRaises(UserError):
            membership.unlink()
        self.assertTrue(membership.exists())

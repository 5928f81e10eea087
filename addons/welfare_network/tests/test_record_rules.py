from datetime import date

from odoo.exceptions import AccessError
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import WelfareNetworkCommon, make_fiscalcode


@tagged("post_install", "-at_install")
class TestRecordRules(WelfareNetworkCommon):
    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_hr_referent_sees_only_own_workers(self):
        Partner = self.env["res.partner"].with_user(self.user_hr_a)
        workers = Partner.search([("is_welfare_worker", "=", True)])
        self.assertIn(self.worker_a, workers)
        self.assertNotIn(self.worker_b, workers)
        # Reading another employer's worker directly is refused.
        with self.assertRaises(AccessError):
            self.worker_b.with_user(self.user_hr_a).read(["name", "fiscalcode"])
        # Non-worker contacts (companies, the employer) remain readable.
        self.assertEqual(self.employer_b.with_user(self.user_hr_a).read(["name"])[0]["name"], "Coop Beta")

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_hr_referent_cannot_write_other_workers(self):
        with self.assertRaises(AccessError):
            self.worker_b.with_user(self.user_hr_a).write({"name": "Hacked"})
        self.assertEqual(self.worker_b.name, "Bruno Bianchi")
        with self.assertRaises(AccessError):
            self.employer_b.with_user(self.user_hr_a).write({"name": "Hacked"})
        self.assertEqual(self.employer_b.name, "Coop Beta")
        # Moving one's own worker to another employer is refused too.
        with self.assertRaises(AccessError):
            self.worker_a.with_user(self.user_hr_a).write({"welfare_employer_id": self.employer_b.id})
        self.assertEqual(self.worker_a.welfare_employer_id, self.employer_a)
        # Own workers are editable.
        self.worker_a.with_user(self.user_hr_a).write({"mobile": "+39 333 0000000"})
        self.assertEqual(self.worker_a.mobile, "+39 333 0000000")

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_hr_referent_creates_only_own_workers(self):
        Partner = self.env["res.partner"].with_user(self.user_hr_a)
        worker = Partner.create(
            {
                "name": "Nuovo Assunto",
                "is_welfare_worker": True,
                "fiscalcode": make_fiscalcode("SSN", "NVO", date(1995, 2, 2)),
                "welfare_employer_id": self.employer_a.id,
            }
        )
        self.assertEqual(worker.welfare_employer_id, self.employer_a)
        with self.assertRaises(AccessError):
            Partner.create(
                {
                    "name": "Intruso",
                    "is_welfare_worker": True,
                    "fiscalcode": make_fiscalcode("NTR", "SNT", date(1995, 3, 3)),
                    "welfare_employer_id": self.employer_b.id,
                }
            )
        self.assertFalse(self.env["res.partner"].search([("name", "=", "Intruso")]))

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_hr_referent_family_members(self):
        FamilyMember = self.env["welfare.family.member"].with_user(self.user_hr_a)
        self.assertEqual(FamilyMember.search([]), self.child_a)
        with self.assertRaises(AccessError):
            self.parent_b.with_user(self.user_hr_a).read(["name"])
        with self.assertRaises(AccessError):
            self.parent_b.with_user(self.user_hr_a).write({"is_non_self_sufficient": True})
        self.assertFalse(self.parent_b.is_non_self_sufficient)
        with self.assertRaises(AccessError):
            FamilyMember.create(
                {
                    "worker_id": self.worker_b.id,
                    "name": "Intrusa",
                    "relation": "child",
                    "birth_date": date(2022, 1, 1),
                }
            )

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_worker_sees_only_own_data(self):
        as_worker = self.env["res.partner"].with_user(self.user_worker_a)
        self.assertEqual(as_worker.browse(self.worker_a.id).read(["name"])[0]["name"], "Alda Alfieri")
        with self.assertRaises(AccessError):
            as_worker.browse(self.worker_b.id).read(["name"])
        FamilyMember = self.env["welfare.family.member"].with_user(self.user_worker_a)
        self.assertEqual(FamilyMember.search([]), self.child_a)
        with self.assertRaises(AccessError):
            self.parent_b.with_user(self.user_worker_a).read(["name"])
        with self.assertRaises(AccessError):
            self.child_a.with_user(self.user_worker_a).write({"name": "Changed"})

    def test_backoffice_sees_everyone(self):
        Partner = self.env["res.partner"].with_user(self.user_backoffice)
        self.assertEqual(
            Partner.search([("id", "in", (self.worker_a | self.worker_b).ids)]),
            self.worker_a | self.worker_b,
        )
        self.assertEqual(
            self.env["welfare.family.member"]
            .with_user(self.user_backoffice)
            .search([("id", "in", (self.child_a | self.parent_b).ids)]),
            self.child_a | self.parent_b,
        )

    def test_portal_invitation_grants_worker_role(self):
        worker = self.worker_b
        wizard = self.env["portal.wizard"].with_context(active_ids=worker.ids, active_model="res.partner").create({})
        wizard.user_ids.action_grant_access()
        user = worker.user_ids
        self.assertTrue(user.has_group("base.group_portal"))
        self.assertTrue(user.has_group("welfare_network.group_welfare_portal_worker"))
        self.assertFalse(user.has_group("welfare_network.group_welfare_portal_provider"))

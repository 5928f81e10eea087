import base64

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common import WelfareNetworkCommon

MUTED = ("odoo.models", "odoo.addons.base.models.ir_rule", "odoo.addons.base.models.ir_model")


@tagged("post_install", "-at_install")
class TestPrivacy(WelfareNetworkCommon):
    """GDPR data minimisation: each role reads exactly the personal data its job needs,
    field by field, also through res.users (which inherits the partner's fields) and
    through attachments; sensitive fields never reach the chatter."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        portal = cls.env.ref("base.group_portal")
        cls.provider.fiscalcode = "00743110157"
        cls.user_public = new_test_user(cls.env, login="privacy_public", groups="base.group_public")
        # A salesman, an accountant, any colleague without a welfare group.
        cls.user_internal = new_test_user(cls.env, login="privacy_internal", groups="base.group_user")
        cls.user_provider = cls.env["res.users"].create(
            {
                "login": "privacy_provider",
                "name": "Nadia Nido",
                "partner_id": cls.env["res.partner"].create({"name": "Nadia Nido", "parent_id": cls.provider.id}).id,
                "groups_id": [
                    Command.set([portal.id, cls.env.ref("welfare_network.group_welfare_portal_provider").id])
                ],
            }
        )
        cls.user_worker_b = cls.env["res.users"].create(
            {
                "login": "privacy_worker_b",
                "partner_id": cls.worker_b.id,
                "groups_id": [Command.set([portal.id, cls.env.ref("welfare_network.group_welfare_portal_worker").id])],
            }
        )
        cls.worker_a.welfare_hire_date = "2020-02-01"
        cls.child_a.is_non_self_sufficient = True
        cls.certification = cls.env["welfare.certification"].create(
            {
                "partner_id": cls.provider.id,
                "name": "Bilancio sociale",
                "kind": "social",
                "issuer": "Confcooperative",
                "reference": "BS-2025-17",
                "evidence_file": base64.b64encode(b"%PDF evidence"),
                "evidence_filename": "bilancio.pdf",
            }
        )

    def assertDenied(self, record, fields):
        for field in fields:
            with self.subTest(user=record.env.user.login, model=record._name, field=field):
                with self.assertRaises(AccessError):
                    record.read([field])

    # ------------------------------------------------------------------
    # workers' data
    # ------------------------------------------------------------------
    @mute_logger(*MUTED)
    def test_codice_fiscale_only_for_whoever_manages_the_worker(self):
        # A colleague without a welfare group reads the worker (orders, invoices) but not
        # the codice fiscale, neither on the contact nor on the worker's user, nor by search.
        self.assertEqual(self.worker_a.with_user(self.user_internal).read(["name"])[0]["name"], "Alda Alfieri")
        self.assertDenied(self.worker_a.with_user(self.user_internal), ["fiscalcode"])
        self.assertDenied(self.user_worker_a.with_user(self.user_internal), ["fiscalcode"])
        with self.assertRaises(AccessError):
            self.env["res.partner"].with_user(self.user_internal).search(
                [("fiscalcode", "=", self.worker_a.fiscalcode)]
            )
        # On the portal: not another worker, through res.users neither; not a provider,
        # even its own company's; not the public user, even its own.
        self.assertDenied(self.worker_a.with_user(self.user_worker_b), ["name", "fiscalcode"])
        self.assertDenied(self.user_worker_a.with_user(self.user_worker_b), ["name", "fiscalcode"])
        self.assertDenied(self.provider.with_user(self.user_provider), ["fiscalcode"])
        public_partner = self.user_public.partner_id.with_user(self.user_public)
        self.assertDenied(public_partner, ["fiscalcode"])
        # Those who manage the worker, and the worker, read it.
        for user in (self.user_worker_a, self.user_hr_a, self.user_backoffice):
            with self.subTest(user=user.login):
                self.assertEqual(
                    self.worker_a.with_user(user).read(["fiscalcode"])[0]["fiscalcode"], self.worker_a.fiscalcode
                )
        self.assertEqual(
            self.user_worker_a.with_user(self.user_hr_a).read(["fiscalcode"])[0]["fiscalcode"],
            self.worker_a.fiscalcode,
        )

    @mute_logger(*MUTED)
    def test_employer_employment_and_family_count_stay_off_the_portal(self):
        # A provider or the public user reads its own contact, none of the welfare fields.
        for user, partner in ((self.user_provider, self.provider), (self.user_public, self.user_public.partner_id)):
            self.assertEqual(partner.with_user(user).read(["name"])[0]["name"], partner.name)
            self.assertDenied(
                partner.with_user(user),
                ["welfare_employer_id", "welfare_family_member_count", "welfare_hire_date", "welfare_leave_date"],
            )
        # A colleague without a welfare group reads the employer (workplace delivery), not
        # the family count nor the employment dates.
        worker = self.worker_a.with_user(self.user_internal)
        self.assertEqual(worker.read(["welfare_employer_id"])[0]["welfare_employer_id"][0], self.employer_a.id)
        self.assertDenied(worker, ["welfare_family_member_count", "welfare_hire_date", "welfare_leave_date"])
        # The worker reads their own employer and family count, not another worker's.
        own = self.worker_a.with_user(self.user_worker_a).read(["welfare_employer_id", "welfare_family_member_count"])
        self.assertEqual(own[0]["welfare_family_member_count"], 1)
        self.assertDenied(self.worker_b.with_user(self.user_worker_a), ["welfare_employer_id"])
        self.assertDenied(self.worker_a.with_user(self.user_worker_a), ["welfare_hire_date"])
        # The HR referent and the back office read the employment dates.
        for user in (self.user_hr_a, self.user_backoffice):
            with self.subTest(user=user.login):
                self.assertEqual(str(self.worker_a.with_user(user).welfare_hire_date), "2020-02-01")

    @mute_logger(*MUTED)
    def test_health_flag_hidden_from_the_hr_referent(self):
        member = self.child_a.with_user(self.user_hr_a)
        self.assertEqual(member.read(["name", "relation", "is_dependent"])[0]["name"], "Carla Alfieri")
        self.assertNotIn("is_non_self_sufficient", member.read()[0])
        self.assertDenied(member, ["is_non_self_sufficient"])
        with self.assertRaises(AccessError):
            member.search([("is_non_self_sufficient", "=", True)])
        with self.assertRaises(AccessError):
            member.write({"is_non_self_sufficient": False})
        self.assertNotIn("is_non_self_sufficient", member.fields_get())
        self.assertTrue(self.child_a.is_non_self_sufficient)
        # The back office checks eligibility to care services; the worker reads their own.
        for user in (self.user_backoffice, self.user_worker_a):
            with self.subTest(user=user.login):
                found = (
                    self.env["welfare.family.member"]
                    .with_user(user)
                    .search(
                        [
                            ("is_non_self_sufficient", "=", True),
                            ("worker_id", "in", (self.worker_a | self.worker_b).ids),
                        ]
                    )
                )
                self.assertEqual(found, self.child_a)
                self.assertTrue(
                    self.child_a.with_user(user).read(["is_non_self_sufficient"])[0]["is_non_self_sufficient"]
                )

    def test_sensitive_fields_are_not_tracked(self):
        """What is tracked is copied into the chatter, read by whoever reads the record."""
        for model, field in (
            ("res.partner", "fiscalcode"),
            ("welfare.family.member", "fiscalcode"),
            ("welfare.family.member", "is_non_self_sufficient"),
        ):
            with self.subTest(model=model, field=field):
                self.assertFalse(getattr(self.env[model]._fields[field], "tracking", False))
                self.assertNotIn(field, self.env[model]._track_get_fields())

    # ------------------------------------------------------------------
    # providers' certifications
    # ------------------------------------------------------------------
    @mute_logger(*MUTED)
    def test_certifications_show_what_the_shop_shows(self):
        shown = ["name", "kind", "issuer", "date_valid_until", "is_expired", "partner_id"]
        evidence = (
            self.env["ir.attachment"]
            .sudo()
            .search(
                [
                    ("res_model", "=", "welfare.certification"),
                    ("res_id", "=", self.certification.id),
                    ("res_field", "=", "evidence_file"),
                ]
            )
        )
        self.assertEqual(len(evidence), 1)
        for user in (self.user_public, self.user_worker_a, self.user_provider, self.user_internal, self.user_hr_a):
            with self.subTest(user=user.login):
                certification = self.certification.with_user(user)
                self.assertEqual(certification.read(shown)[0]["name"], "Bilancio sociale")
                self.assertDenied(certification, ["evidence_file", "evidence_filename"])
                with self.assertRaises(AccessError):
                    evidence.with_user(user).read(["datas"])
        # The register entry: internal users only.
        for user in (self.user_public, self.user_worker_a, self.user_provider):
            self.assertDenied(self.certification.with_user(user), ["reference"])
        self.assertEqual(
            self.certification.with_user(self.user_internal).read(["reference"])[0]["reference"], "BS-2025-17"
        )
        # The back office, which checks the evidence, reads it.
        certification = self.certification.with_user(self.user_backoffice)
        self.assertEqual(certification.read(["evidence_filename"])[0]["evidence_filename"], "bilancio.pdf")
        self.assertEqual(base64.b64decode(evidence.with_user(self.user_backoffice).datas), b"%PDF evidence")

from datetime import date

from dateutil.relativedelta import relativedelta

from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import WelfareNetworkCommon


@tagged("post_install", "-at_install")
class TestWelfareFamilyMember(WelfareNetworkCommon):
    def test_age_and_age_search(self):
        today = date.today()
        three = self.env["welfare.family.member"].create(
            {
                "worker_id": self.worker_a.id,
                "name": "Gino Alfieri",
                "relation": "child",
                "birth_date": today - relativedelta(years=3),  # third birthday today
            }
        )
        almost_four = self.env["welfare.family.member"].create(
            {
                "worker_id": self.worker_a.id,
                "name": "Gina Alfieri",
                "relation": "child",
                "birth_date": today - relativedelta(years=4) + relativedelta(days=1),
            }
        )
        self.assertEqual(self.child_a.age, 2)
        self.assertEqual(three.age, 3)
        self.assertEqual(almost_four.age, 3)
        FamilyMember = self.env["welfare.family.member"]
        zero_to_three = FamilyMember.search([("worker_id", "=", self.worker_a.id), ("age", "<=", 3)])
        self.assertEqual(zero_to_three, self.child_a | three | almost_four)
        self.assertEqual(
            FamilyMember.search([("worker_id", "=", self.worker_a.id), ("age", "=", 3)]),
            three | almost_four,
        )
        self.assertEqual(FamilyMember.search([("id", "=", self.parent_b.id), ("age", ">=", 75)]), self.parent_b)

    def test_family_rules_for_vouchers(self):
        self.assertTrue(self.worker_a._welfare_has_child_aged(0, 3))
        self.assertFalse(self.worker_a._welfare_has_child_aged(3, 14))
        self.assertFalse(self.worker_b._welfare_has_child_aged(0, 3))
        self.assertTrue(self.worker_b._welfare_cares_for_elderly_or_dependent())
        self.assertFalse(self.worker_a._welfare_cares_for_elderly_or_dependent())
        self.child_a.is_non_self_sufficient = True
        self.assertTrue(self.worker_a._welfare_cares_for_elderly_or_dependent())
        # On a past date the child was not born yet.
        self.assertFalse(
            self.worker_a._welfare_has_child_aged(0, 3, on_date=self.child_a.birth_date - relativedelta(days=1))
        )

    def test_birth_date_not_in_future_and_worker_only(self):
        with self.assertRaisesRegex(ValidationError, "in the future"):
            self.env["welfare.family.member"].create(
                {
                    "worker_id": self.worker_a.id,
                    "name": "Nascituro",
                    "relation": "child",
                    "birth_date": date.today() + relativedelta(days=10),
                }
            )
        with self.assertRaisesRegex(ValidationError, "not a welfare worker"):
            self.env["welfare.family.member"].create(
                {
                    "worker_id": self.employer_a.id,
                    "name": "Nobody",
                    "relation": "child",
                    "birth_date": date(2020, 1, 1),
                }
            )

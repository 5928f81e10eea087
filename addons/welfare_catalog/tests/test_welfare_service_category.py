from odoo.tests import tagged

from .common import WelfareCatalogCommon


@tagged("post_install", "-at_install")
class TestWelfareServiceCategory(WelfareCatalogCommon):
    def test_seeded_tree_and_shop_mirror(self):
        self.assertEqual(self.cat_nido.parent_id, self.cat_infanzia)
        self.assertEqual(self.cat_nido.fiscal_basis, "art51_2_f_bis")
        self.assertEqual(self.cat_sad.fiscal_basis, "art51_2_f_ter")
        self.assertEqual(self.cat_nido.public_categ_id.parent_id, self.cat_infanzia.public_categ_id)
        self.assertEqual(self.cat_nido.public_categ_id.name, self.cat_nido.name)

    def test_one_taxonomy_stays_in_sync(self):
        new = self.env["welfare.service.category"].create(
            {
                "name": "Ludoteca",
                "code": "LUDO",
                "parent_id": self.cat_infanzia.id,
                "fiscal_basis": "art51_2_f_bis",
                "eligibility": "child_age",
                "child_age_min": 0,
                "child_age_max": 6,
            }
        )
        self.assertTrue(new.public_categ_id)
        self.assertEqual(new.public_categ_id.parent_id, self.cat_infanzia.public_categ_id)
        new.write({"name": "Ludoteca comunale", "parent_id": False})
        self.assertEqual(new.public_categ_id.name, "Ludoteca comunale")
        self.assertFalse(new.public_categ_id.parent_id)
        # A listing shows in the shop category of its welfare category.
        self.assertIn(self.cat_nido.public_categ_id, self.listing_nido.public_categ_ids)

    def test_family_eligibility(self):
        # worker_a has a child aged 2; worker_b cares for a parent aged 80.
        self.assertTrue(self.cat_nido._is_worker_eligible(self.worker_a))
        self.assertFalse(self.cat_nido._is_worker_eligible(self.worker_b))
        self.assertTrue(self.cat_sad._is_worker_eligible(self.worker_b))
        self.assertFalse(self.cat_sad._is_worker_eligible(self.worker_a))
        self.assertTrue(self.cat_km0._is_worker_eligible(self.worker_a))
        self.assertIn("0-3", self.cat_nido.eligibility_summary)

from odoo.tests import HttpCase, tagged

from .common import WelfareCatalogCommon


@tagged("post_install", "-at_install")
class TestShopTours(WelfareCatalogCommon, HttpCase):
    def test_worker_filters_km0_and_opens_producer_page(self):
        self.publish(self.listing_a, self.listing_b, self.listing_nido)
        self.start_tour(
            f"/shop/category/{self.cat_km0.public_categ_id.id}", "welfare_catalog_shop_km0", login="worker_alfa"
        )

    def test_producer_listing_published_by_manager_appears_in_shop(self):
        self.start_tour("/my/listings", "welfare_catalog_portal_new_listing", login="producer_alfa")
        listing = self.env["product.template"].search([("name", "=", "Miele di tarassaco")])
        self.assertEqual(listing.welfare_provider_id, self.producer_a)
        self.assertEqual(listing.welfare_listing_state, "submitted")
        self.assertOnShop(listing, False)
        self.assertNotIn("Miele di tarassaco", self.url_open("/shop?search=tarassaco").text)

        listing.with_user(self.user_manager).action_welfare_publish()
        self.assertOnShop(listing)
        shop = self.url_open("/shop?search=tarassaco")
        self.assertIn("Miele di tarassaco", shop.text)

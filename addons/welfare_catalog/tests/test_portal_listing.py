import base64

from odoo.tests import HttpCase, tagged
from odoo.tools import mute_logger

from .common import WelfareCatalogCommon


@tagged("post_install", "-at_install")
class TestPortalListing(WelfareCatalogCommon, HttpCase):
    def _post(self, url, data, files=None):
        return self.url_open(url, data={**data, "csrf_token": self.csrf_token()}, files=files)

    def csrf_token(self):
        response = self.url_open("/my/listings/new")
        return (
            response.text.split('name="csrf_token" value="')[1].split('"')[0]
            if 'name="csrf_token"' in response.text
            else ""
        )

    def test_producer_creates_and_submits_listing(self):
        self.authenticate("producer_alfa", "producer_alfa")
        response = self._post(
            "/my/listings/new",
            {
                "name": "Miele di castagno",
                "list_price": "9,50",
                "welfare_category_id": str(self.cat_km0.id),
                "description_sale": "Dal Sebino",
                "welfare_available_sent": "1",
                "welfare_available": "1",
            },
        )
        self.assertEqual(response.status_code, 200)
        listing = self.env["product.template"].search([("name", "=", "Miele di castagno")])
        self.assertEqual(listing.welfare_provider_id, self.producer_a)
        self.assertEqual(listing.list_price, 9.5)
        self.assertEqual(listing.welfare_listing_state, "draft")
        # Issue 12: a provider's listing is submitted with its photo.
        self._post(f"/my/listings/{listing.id}/submit", {})
        self.assertEqual(listing.welfare_listing_state, "draft", "no photo yet: not submitted")
        png = base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg=="
        )
        self._post(
            f"/my/listings/{listing.id}",
            {"name": "Miele di castagno", "list_price": "9,50", "welfare_category_id": str(self.cat_km0.id)},
            files={"image_1920": ("miele.png", png, "image/png")},
        )
        self.assertTrue(listing.image_1920)
        self._post(f"/my/listings/{listing.id}/submit", {})
        self.assertEqual(listing.welfare_listing_state, "submitted")
        page = self.url_open("/my/listings")
        self.assertIn("Miele di castagno", page.text)
        self.assertNotIn("Salame di Fattoria Beta", page.text)

    @mute_logger("odoo.http", "odoo.addons.base.models.ir_rule", "odoo.models")
    def test_producer_cannot_touch_another_producers_listing(self):
        self.publish(self.listing_b)
        self.authenticate("producer_alfa", "producer_alfa")
        for url, data in (
            (f"/my/listings/{self.listing_b.id}", {"name": "Rubato", "list_price": "1"}),
            (f"/my/listings/{self.listing_b.id}/withdraw", {}),
        ):
            response = self._post(url, data)
            self.assertEqual(response.status_code, 403, url)
        self.listing_b.invalidate_recordset()
        self.assertEqual(self.listing_b.name, "Salame di Fattoria Beta")
        self.assertEqual(self.listing_b.list_price, 9.0)
        self.assertEqual(self.listing_b.welfare_listing_state, "published")
        # Reading it in the portal editor is refused too (back to the list).
        response = self.url_open(f"/my/listings/{self.listing_b.id}")
        self.assertTrue(response.url.endswith("/my/listings"), response.url)

    def test_worker_has_no_listings(self):
        self.authenticate("worker_alfa", "worker_alfa")
        with mute_logger("odoo.http"):
            response = self.url_open("/my/listings")
        self.assertEqual(response.status_code, 403)

    def test_provider_page(self):
        self.publish(self.listing_a)
        self.producer_a.welfare_story = "<p>Olio dalle terrazze</p><script>alert(1)</script>"
        response = self.url_open(self.producer_a.welfare_page_url)
        self.assertEqual(response.status_code, 200)
        self.assertIn("Cascina Alfa", response.text)
        self.assertIn("Olio del Sebino", response.text)
        self.assertIn("Olio dalle terrazze", response.text)
        self.assertNotIn("alert(1)", response.text)
        # A producer with nothing on sale has no public page.
        with mute_logger("odoo.http"):
            self.assertEqual(self.url_open(self.producer_b.welfare_page_url).status_code, 404)

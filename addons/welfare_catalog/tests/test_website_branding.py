from unittest import SkipTest

from odoo.tests import HttpCase, tagged

ALLIANCE = "Alleanza Val Cavallina – Basso Sebino"
# Odoo's placeholders (English and Italian) that must not reach a worker.
PLACEHOLDERS = (
    "My Website",
    "+1 555-555-5556",
    "+1555-555-5556",
    "info@yourcompany.example.com",
    "Fake Buena Vista",
    "prodotti rivoluzionari",
    "disruptive products",
)
# The Alliance's colours, saved by its demo data as the website builder saves them.
COLOURS_URL = "/_custom/web.assets_frontend/website/static/src/scss/options/colors/user_color_palette.scss"
# The top categories of Odoo's generic demo catalogue (website_sale demo data).
GENERIC_CATEGORIES = (
    "desks",
    "furnitures",
    "boxes",
    "drawers",
    "cabinets",
    "bins",
    "lamps",
    "services",
    "multimedia",
)


@tagged("post_install", "-at_install")
class TestWebsiteBranding(HttpCase):
    """The demo website is the Alliance's: its name, contacts and pictures, none of
    Odoo's placeholders or generic furniture catalogue (demo data only)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.website = cls.env.ref("website.default_website")
        # demo/website_demo.xml is noupdate: it is all loaded when the module is installed
        # with demo data; an update of an older database only adds its new views. Its
        # colours (a <function>, run at install only) tell the two apart.
        colours = cls.env["ir.attachment"].search_count(
            [("url", "=", COLOURS_URL), ("website_id", "=", cls.website.id)]
        )
        if not cls.env.ref("welfare_catalog.homepage_alleanza", raise_if_not_found=False) or not colours:
            raise SkipTest("The Alliance's website is demo data, loaded when welfare_catalog is installed with it.")

    def test_pages_show_the_alliance_not_placeholders(self):
        company = self.website.company_id
        self.assertEqual(self.website.name, ALLIANCE)
        self.assertNotEqual(self.website.logo, self.website._default_logo())
        for url in ("/", "/shop", "/contactus"):
            response = self.url_open(url)
            self.assertEqual(response.status_code, 200, url)
            self.assertIn(ALLIANCE, response.text, url)
            self.assertIn(company.phone, response.text, url)
            for placeholder in PLACEHOLDERS:
                self.assertNotIn(placeholder, response.text, f"{placeholder!r} on {url}")
        home = self.url_open("/").text
        for words in ("Chi può usarlo", "Come funziona il voucher", "Serve aiuto?", "Le organizzazioni dell'Alleanza"):
            self.assertIn(words, home)
        self.assertIn('href="/my/welfare"', home)

    def test_shop_without_generic_catalogue(self):
        categories = self.env["product.public.category"].browse(
            [
                category.id
                for name in GENERIC_CATEGORIES
                if (category := self.env.ref(f"website_sale.public_category_{name}", raise_if_not_found=False))
            ]
        )
        if not categories:
            self.skipTest("Odoo's generic demo catalogue is not installed.")
        on_site = self.env["product.public.category"].search(self.website.website_domain())
        self.assertFalse(categories & on_site)
        shop = self.url_open("/shop").text
        lang = self.website.default_lang_id.code
        for category in categories.with_context(lang=lang):
            self.assertNotIn(f"/shop/category/{self.env['ir.http']._slug(category)}", shop)

    def test_every_demo_listing_has_a_picture(self):
        demo_ids = (
            self.env["ir.model.data"]
            .search([("module", "=", "welfare_catalog"), ("model", "=", "product.template")])
            .mapped("res_id")
        )
        listings = self.env["product.template"].browse(demo_ids).filtered("welfare_provider_id")
        published = listings.filtered(lambda t: t.welfare_listing_state == "published")
        self.assertTrue(published)
        for listing in listings:
            self.assertTrue(listing.image_1920, f"{listing.name} has no picture")

from contextlib import contextmanager

from odoo.tests import HttpCase, tagged

from .common import WelfareCatalogCommon


@tagged("post_install", "-at_install")
class TestShopQueries(WelfareCatalogCommon, HttpCase):
    """Issue 11: the shop with the network's filters and badges costs a number of
    queries per page that does not grow with the catalogue; the whole request is
    counted, server side included (the test cursor serves it)."""

    @contextmanager
    def _counting(self):
        counted = []
        self.env.flush_all()
        self.env.invalidate_all()
        start = self.cr.sql_log_count
        yield counted
        counted.append(self.cr.sql_log_count - start)

    def _page_queries(self, url):
        for _warm_up in range(2):
            self.url_open(url)
        with self._counting() as counted:
            page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        return counted[0], page.text

    def _more_listings(self, count, start=0):
        listings = self.env["product.template"].create(
            [
                {
                    "name": f"Prodotto km 0 n. {index}",
                    "list_price": 5.0 + index,
                    "type": "consu",
                    "welfare_provider_id": (self.producer_a, self.producer_b)[index % 2].id,
                    "welfare_category_id": self.cat_km0.id,
                }
                for index in range(start, start + count)
            ]
        )
        listings.action_welfare_submit()
        listings.with_user(self.user_backoffice).action_welfare_publish()
        return listings

    def test_shop_page_does_not_grow_with_the_catalogue(self):
        """A full page of 20 costs the same with 25 welfare listings as with 85: the
        badges, filters and eligibility are read per page, never per catalogue item."""
        self.publish(self.listing_a, self.listing_b, self.listing_nido)
        self._more_listings(25)
        self.authenticate(None, None)
        urls = ("/shop?ppg=20", "/shop?ppg=20&welfare_km0=1", f"/shop/category/{self.cat_km0.public_categ_id.id}")
        before = {url: self._page_queries(url)[0] for url in urls}
        self._more_listings(60, start=25)
        for url in urls:
            queries, text = self._page_queries(url)
            with self.subTest(url=url):
                self.assertEqual(text.count("oe_product_cart"), 20, "a full page of 20")
                self.assertEqual(queries, before[url], f"{url}: more queries with 60 more listings")

    def test_cached_ambits_follow_every_change(self):
        """The shop's ambits are cached (issue #11): a new, renamed, translated or archived
        ambit shows on the next page, in the visitor's language."""
        Ambit = self.env["welfare.ambit"].with_context(lang="it_IT")
        self.assertIn((self.ambit_vc.id, self.ambit_vc.name), Ambit._welfare_shop_ambits())
        new = Ambit.create({"name": "Alto Sebino", "code": "AS", "sequence": 99})
        self.assertEqual(Ambit._welfare_shop_ambits()[-1], (new.id, "Alto Sebino"))
        new.name = "Alto Sebino e Val Borlezza"
        self.assertIn((new.id, "Alto Sebino e Val Borlezza"), Ambit._welfare_shop_ambits())
        new.update_field_translations("name", {"it_IT": "Alto Sebino - Val Borlezza"})
        self.assertIn((new.id, "Alto Sebino - Val Borlezza"), Ambit._welfare_shop_ambits())
        new.active = False
        self.assertNotIn(new.id, dict(Ambit._welfare_shop_ambits()))
        self.authenticate(None, None)
        page = self.url_open("/shop")
        self.assertIn(f'<option value="{self.ambit_vc.id}"', page.text)
        self.assertNotIn(f'<option value="{new.id}"', page.text)

    def test_workers_pages_skip_the_editors_description(self):
        """A worker (portal user) never opens the website editor: the listing page does
        not describe its record for it (four fields_get() of the product, about 40% of
        the page's server time); an internal user still gets the description, and the
        page is the same for both otherwise."""
        self.publish(self.listing_a)
        url = self.listing_a.website_url
        self.authenticate("worker_alfa", "worker_alfa")
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("Olio del Sebino", page.text)
        self.assertNotIn("data-can-publish", page.text)
        self.authenticate("admin", "admin")
        page = self.url_open(url)
        self.assertEqual(page.status_code, 200)
        self.assertIn("data-can-publish", page.text)

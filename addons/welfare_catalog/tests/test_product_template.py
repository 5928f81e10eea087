from dateutil.relativedelta import relativedelta
from freezegun import freeze_time

from odoo import Command
from odoo.exceptions import AccessError, UserError
from odoo.fields import Date
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import WelfareCatalogCommon


@tagged("post_install", "-at_install")
class TestListing(WelfareCatalogCommon):
    def test_workflow_and_shop_visibility(self):
        listing = self.listing_nido
        self.assertEqual(listing.welfare_listing_state, "draft")
        self.assertOnShop(listing, False)
        listing.action_welfare_submit()
        self.assertEqual(listing.welfare_listing_state, "submitted")
        self.assertOnShop(listing, False)
        # Only the back office publishes.
        with self.assertRaises(AccessError):
            listing.with_user(self.user_hr_a).action_welfare_publish()
        listing.with_user(self.user_backoffice).action_welfare_publish()
        self.assertEqual(listing.welfare_listing_state, "published")
        self.assertTrue(listing.welfare_sellable)
        self.assertOnShop(listing)
        listing.action_welfare_withdraw()
        self.assertOnShop(listing, False)

    def test_reject_needs_reason(self):
        listing = self.listing_a
        listing.action_welfare_submit()
        with self.assertRaisesRegex(UserError, "why"):
            listing.with_user(self.user_backoffice).action_welfare_reject(" ")
        self.assertEqual(listing.welfare_listing_state, "submitted")
        wizard = (
            self.env["welfare.listing.reject"]
            .with_user(self.user_backoffice)
            .with_context(active_ids=listing.ids)
            .create({"reason": "Manca la foto"})
        )
        wizard.action_reject()
        self.assertEqual(listing.welfare_listing_state, "rejected")
        self.assertEqual(listing.welfare_reject_reason, "Manca la foto")
        listing.action_welfare_submit()
        self.assertFalse(listing.welfare_reject_reason)

    def test_submit_requires_price_and_category(self):
        listing = self.env["product.template"].create(
            {
                "name": "Senza prezzo",
                "list_price": 0,
                "welfare_provider_id": self.producer_a.id,
                "welfare_category_id": self.cat_km0.id,
            }
        )
        with self.assertRaisesRegex(UserError, "price"):
            listing.action_welfare_submit()

    def test_convention_must_cover_category(self):
        listing = self.env["product.template"].create(
            {
                "name": "Assistenza a casa",
                "list_price": 20,
                "type": "service",
                "welfare_provider_id": self.provider.id,
                "welfare_category_id": self.cat_sad.id,
            }
        )
        self.publish(listing)
        self.assertEqual(listing.welfare_listing_state, "published")
        self.assertFalse(listing.welfare_sellable, "the nursery's convention does not cover home care")
        self.assertOnShop(listing, False)

    def test_listing_leaves_shop_when_convention_ends(self):
        self.publish(self.listing_nido)
        self.assertOnShop(self.listing_nido)
        self.convention_provider.termination_reason = "Chiusura"
        self.convention_provider.action_terminate()
        # Terminated today: still valid today, gone tomorrow.
        with freeze_time(Date.today() + relativedelta(days=1)):
            self.env["product.template"]._cron_welfare_refresh_listings()
            self.assertFalse(self.listing_nido.welfare_sellable)
            self.assertOnShop(self.listing_nido, False)

    def test_listing_leaves_shop_when_certification_expires(self):
        self.publish(self.listing_a)
        self.assertOnShop(self.listing_a)
        certification = self.certifications[0]
        with freeze_time(certification.date_valid_until + relativedelta(days=1)):
            self.env["welfare.certification"]._cron_flag_expired()
            self.assertFalse(self.listing_a.welfare_sellable)
            self.assertOnShop(self.listing_a, False)

    def test_km0_rule(self):
        # Predore is in the Basso Sebino ambit; Milano is outside every ambit.
        self.assertTrue(self.listing_a.welfare_is_km0)
        self.assertIn("Basso Sebino", self.listing_a.welfare_km0_rule)
        self.assertFalse(self.listing_b.welfare_is_km0)
        self.assertFalse(self.listing_nido.welfare_is_km0, "services are never km 0")
        # Within a configured distance of the network's seat it is km 0 too.
        self.env.company.partner_id.write({"partner_latitude": 45.69, "partner_longitude": 9.84})
        self.producer_b.write({"partner_latitude": 45.60, "partner_longitude": 9.70})
        settings = self.env["res.config.settings"].create({"welfare_km0_max_distance_km": 30})
        settings.execute()
        self.assertTrue(self.listing_b.welfare_is_km0)
        self.assertIn("30 km", self.listing_b.welfare_km0_rule)
        settings = self.env["res.config.settings"].create({"welfare_km0_max_distance_km": 5})
        settings.execute()
        self.assertFalse(self.listing_b.welfare_is_km0)

    @mute_logger("odoo.addons.base.models.ir_rule", "odoo.models")
    def test_portal_write_guard(self):
        self.publish(self.listing_a)
        as_producer = self.listing_a.with_user(self.user_producer_a)
        with self.assertRaises(AccessError):
            as_producer.write({"welfare_listing_state": "published", "list_price": 1})
        with self.assertRaises(AccessError):
            as_producer.write({"welfare_provider_id": self.producer_b.id})
        with self.assertRaises(AccessError):
            self.listing_b.with_user(self.user_producer_a).write({"list_price": 1})
        self.assertEqual(self.listing_b.list_price, 9.0)
        # Editing a published listing sends it back to review, off the shop.
        as_producer.write({"list_price": 13.0})
        self.assertEqual(self.listing_a.list_price, 13.0)
        self.assertEqual(self.listing_a.welfare_listing_state, "submitted")
        self.assertOnShop(self.listing_a, False)
        # Availability does not need a new review.
        self.listing_a.with_user(self.user_backoffice).action_welfare_publish()
        as_producer.write({"welfare_available": False})
        self.assertEqual(self.listing_a.welfare_listing_state, "published")
        self.assertOnShop(self.listing_a, False)

    def test_vat_is_set_at_review_from_the_category(self):
        """DPR 633/72 (docs/fiscal-model.md): the VAT of a listing is the back office's,
        taken from its service category when it is published (a subcategory uses its
        parent's); the provider never chooses it, and without a VAT for the category
        nothing is published."""
        provider_tax = self.env["account.tax"].create(
            {"name": "IVA 4% scelta dal fornitore", "amount": 4.0, "type_tax_use": "sale"}
        )
        with self.assertRaises(AccessError):
            self.listing_a.with_user(self.user_producer_a).write({"taxes_id": [Command.set(provider_tax.ids)]})
        self.listing_a.sudo().taxes_id = provider_tax
        self.publish(self.listing_a)
        self.assertEqual(self.listing_a.taxes_id, self.tax_category, "the category's VAT, not the provider's")
        self.assertFalse(self.cat_nido.tax_ids, "a subcategory without its own VAT...")
        self.publish(self.listing_nido)
        self.assertEqual(self.listing_nido.taxes_id, self.tax_category, "...uses its parent's")
        self.cat_km0.tax_ids = False
        self.listing_b.action_welfare_submit()
        with self.assertRaisesRegex(UserError, "Set the VAT"):
            self.listing_b.with_user(self.user_backoffice).action_welfare_publish()
        self.assertEqual(self.listing_b.welfare_listing_state, "submitted")

    def test_shop_filter_domain(self):
        self.publish(self.listing_a, self.listing_b, self.listing_nido)
        Template = self.env["product.template"]
        km0 = Template.search(
            Template._welfare_shop_filter_domain({"welfare_km0": "1"}) + [("welfare_provider_id", "!=", False)]
        )
        self.assertIn(self.listing_a, km0)
        self.assertNotIn(self.listing_b, km0)
        self.listing_nido.welfare_ambit_ids = self.ambit_vc
        in_vc = Template.search(Template._welfare_shop_filter_domain({"welfare_ambit": str(self.ambit_vc.id)}))
        self.assertEqual(in_vc & (self.listing_a | self.listing_nido), self.listing_nido)
        environmental = Template.search(
            Template._welfare_shop_filter_domain({"welfare_certification": "environmental"})
        )
        self.assertIn(self.listing_a, environmental)
        social = Template.search(Template._welfare_shop_filter_domain({"welfare_certification": "social"}))
        self.assertNotIn(self.listing_a, social)
        # As the shop's visitors search, who cannot read certifications themselves: they
        # find every certified listing they may see (the demo's published ones among them).
        for user in (self.env.ref("base.public_user"), self.user_worker_a):
            as_visitor = Template.with_user(user)
            visible = as_visitor.search([("id", "in", environmental.ids)])
            found = as_visitor.search(
                as_visitor._welfare_shop_filter_domain({"welfare_certification": "environmental"})
            )
            self.assertTrue(visible, user.login)
            self.assertEqual(found, visible, user.login)

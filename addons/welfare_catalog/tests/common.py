import base64

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.fields import Date

from odoo.addons.welfare_network.tests.common import WelfareNetworkCommon


class WelfareCatalogCommon(WelfareNetworkCommon):
    """Two km-0 producers and a nursery with conventions, certifications and listings."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.cat_nido = cls.env.ref("welfare_catalog.cat_asilo_nido")
        cls.cat_infanzia = cls.env.ref("welfare_catalog.cat_prima_infanzia")
        cls.cat_km0 = cls.env.ref("welfare_catalog.cat_km0")
        cls.cat_sad = cls.env.ref("welfare_catalog.cat_assistenza_domiciliare")
        # The back office's VAT per category (docs/fiscal-model.md): listings get it at review.
        cls.tax_category = cls.env["account.tax"].create(
            {
                "name": "IVA 22% (categorie)",
                "amount": 22.0,
                "amount_type": "percent",
                "type_tax_use": "sale",
                "company_id": cls.env.company.id,
            }
        )
        cls.env["welfare.service.category"].search([("parent_id", "=", False)]).tax_ids = cls.tax_category
        Partner = cls.env["res.partner"]
        cls.producer_a, cls.producer_b = Partner.create(
            [
                {"name": "Cascina Alfa", "is_company": True, "is_welfare_producer": True, "city": "Predore"},
                {"name": "Fattoria Beta", "is_company": True, "is_welfare_producer": True, "city": "Milano"},
            ]
        )
        cls.provider.city = "Endine Gaiano"
        signed = base64.b64encode(b"%PDF convention")
        today = Date.today()
        cls.conventions = cls.env["welfare.convention"].create(
            [
                {
                    "partner_id": partner.id,
                    "commission_percent": 5.0,
                    "signed_file": signed,
                    "date_start": today - relativedelta(months=1),
                    "date_end": today + relativedelta(months=11),
                    "service_category_ids": [Command.set(categories.ids)],
                }
                for partner, categories in (
                    (cls.producer_a, cls.cat_km0),
                    (cls.producer_b, cls.cat_km0),
                    (cls.provider, cls.cat_infanzia),
                )
            ]
        )
        cls.conventions.action_activate()
        cls.convention_provider = cls.conventions[2]
        cls.certifications = cls.env["welfare.certification"].create(
            [
                {
                    "partner_id": partner.id,
                    "name": "Biologico",
                    "kind": "environmental",
                    "issuer": "ICEA",
                    "date_valid_until": today + relativedelta(months=6),
                }
                for partner in (cls.producer_a, cls.producer_b, cls.provider)
            ]
        )
        Template = cls.env["product.template"]
        cls.listing_a = Template.create(
            {
                "name": "Olio del Sebino",
                "list_price": 12.0,
                "type": "consu",
                "welfare_provider_id": cls.producer_a.id,
                "welfare_category_id": cls.cat_km0.id,
            }
        )
        cls.listing_b = Template.create(
            {
                "name": "Salame di Fattoria Beta",
                "list_price": 9.0,
                "type": "consu",
                "welfare_provider_id": cls.producer_b.id,
                "welfare_category_id": cls.cat_km0.id,
            }
        )
        cls.listing_nido = Template.create(
            {
                "name": "Retta nido test",
                "list_price": 500.0,
                "type": "service",
                "welfare_provider_id": cls.provider.id,
                "welfare_category_id": cls.cat_nido.id,
            }
        )
        group_producer = cls.env.ref("welfare_network.group_welfare_portal_producer")
        group_portal = cls.env.ref("base.group_portal")
        cls.user_producer_a, cls.user_producer_b = cls.env["res.users"].create(
            [
                {
                    "login": login,
                    "password": login,
                    "name": name,
                    "partner_id": Partner.create({"name": name, "parent_id": company.id}).id,
                    "groups_id": [Command.set([group_portal.id, group_producer.id])],
                }
                for login, name, company in (
                    ("producer_alfa", "Piero Alfa", cls.producer_a),
                    ("producer_beta", "Bice Beta", cls.producer_b),
                )
            ]
        )

    def assertOnShop(self, listing, expected=True):
        """Publication follows sellability when changes reach the database."""
        self.env.flush_all()
        listing.invalidate_recordset(["is_published"])
        self.assertEqual(listing.is_published, expected)

    @classmethod
    def publish(cls, *listings):
        for listing in listings:
            listing.action_welfare_submit()
            listing.with_user(cls.user_backoffice).action_welfare_publish()

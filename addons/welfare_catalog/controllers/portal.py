import base64

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class WelfareCatalogPortal(CustomerPortal):
    """Providers and producers manage their listings and see their orders under /my."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        partner = request.env.user.commercial_partner_id
        is_seller = partner.is_welfare_provider or partner.is_welfare_producer
        if "welfare_listing_count" in counters:
            values["welfare_listing_count"] = (
                request.env["product.template"].search_count([("welfare_provider_id", "=", partner.id)])
                if is_seller
                else 0
            )
        if "welfare_order_line_count" in counters:
            values["welfare_order_line_count"] = (
                request.env["sale.order.line"].search_count(self._welfare_order_line_domain(partner))
                if is_seller
                else 0
            )
        return values

    def _welfare_seller(self):
        """The provider or producer of the logged-in portal user, or AccessError."""
        partner = request.env.user.commercial_partner_id
        if not (partner.is_welfare_provider or partner.is_welfare_producer):
            raise AccessError(request.env._("Only network providers and producers have listings."))
        return partner

    def _welfare_listing(self, listing_id):
        """One of the seller's own listings; controller check on top of the record rules."""
        partner = self._welfare_seller()
        listing = request.env["product.template"].browse(listing_id).exists()
        if not listing:
            raise MissingError(request.env._("This listing does not exist."))
        listing.check_access("write")
        if listing.welfare_provider_id != partner:
            raise AccessError(request.env._("This listing belongs to another provider."))
        return listing

    def _welfare_order_line_domain(self, partner):
        return [
            ("product_id.product_tmpl_id.welfare_provider_id", "=", partner.id),
            ("state", "=", "sale"),
        ]

    def _welfare_listing_values(self, post):
        """Whitelisted, validated values from the portal form."""
        env = request.env
        values = {}
        if "name" in post:
            values["name"] = (post.get("name") or "").strip()
            if not values["name"]:
                raise UserError(env._("The listing needs a name."))
        if "description_sale" in post:
            values["description_sale"] = post.get("description_sale") or False
        if "list_price" in post:
            try:
                values["list_price"] = float(str(post["list_price"]).replace(",", "."))
            except ValueError as e:
                raise UserError(env._("The price must be a number.")) from e
            if values["list_price"] < 0:
                raise UserError(env._("The price cannot be negative."))
        if post.get("welfare_category_id"):
            category = env["welfare.service.category"].browse(int(post["welfare_category_id"]))
            if not category.exists():
                raise UserError(env._("Choose a welfare category."))
            values["welfare_category_id"] = category.id
        if post.get("uom_id"):
            uom = env["uom.uom"].browse(int(post["uom_id"])).exists()
            if not uom:
                raise UserError(env._("Choose a unit of measure."))
            values["uom_id"] = values["uom_po_id"] = uom.id
        if post.get("welfare_delivery_place") in ("provider", "home", "workplace"):
            values["welfare_delivery_place"] = post["welfare_delivery_place"]
        if "welfare_available_sent" in post:
            values["welfare_available"] = bool(post.get("welfare_available"))
        image = post.get("image_1920")
        if image and hasattr(image, "read"):
            content = image.read()
            if content:
                values["image_1920"] = base64.b64encode(content)
        return values

    def _welfare_form_values(self, listing=None, error=None):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "welfare_listing",
                "listing": listing,
                "error": error,
                "categories": request.env["welfare.service.category"].search([]),
                "uoms": request.env["uom.uom"].search(
                    [
                        (
                            "category_id",
                            "in",
                            [
                                request.env.ref("uom.product_uom_categ_unit").id,
                                request.env.ref("uom.product_uom_categ_kgm").id,
                                request.env.ref("uom.uom_categ_wtime").id,
                            ],
                        )
                    ]
                ),
            }
        )
        return values

    @http.route(["/my/listings"], type="http", auth="user", website=True)
    def portal_my_listings(self, **kw):
        partner = self._welfare_seller()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "welfare_listing",
                "listings": request.env["product.template"]
                .with_context(active_test=False)
                .search([("welfare_provider_id", "=", partner.id)]),
            }
        )
        return request.render("welfare_catalog.portal_my_listings", values)

    @http.route(["/my/listings/new"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_my_listing_new(self, **post):
        partner = self._welfare_seller()
        if request.httprequest.method == "POST":
            try:
                values = self._welfare_listing_values(post)
                if not values.get("name"):
                    raise UserError(request.env._("The listing needs a name."))
                values.update(
                    {
                        "welfare_provider_id": partner.id,
                        "type": "service"
                        if partner.is_welfare_provider and not partner.is_welfare_producer
                        else "consu",
                        "sale_ok": True,
                        "purchase_ok": False,
                    }
                )
                # Whitelisted values, provider forced: created as superuser so that the
                # product's defaults (taxes, company) need no back-office rights.
                listing = request.env["product.template"].sudo().create(values).sudo(False)
                listing.check_access("write")
            except (UserError, ValidationError) as e:
                return request.render(
                    "welfare_catalog.portal_my_listing_form", self._welfare_form_values(error=e.args[0])
                )
            return request.redirect(f"/my/listings/{listing.id}")
        return request.render("welfare_catalog.portal_my_listing_form", self._welfare_form_values())

    @http.route(["/my/listings/<int:listing_id>"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_my_listing(self, listing_id, **post):
        try:
            listing = self._welfare_listing(listing_id)
        except (AccessError, MissingError):
            if request.httprequest.method == "POST":
                raise
            return request.redirect("/my/listings")
        if request.httprequest.method == "POST":
            try:
                listing.write(self._welfare_listing_values(post))
            except (UserError, ValidationError) as e:
                return request.render(
                    "welfare_catalog.portal_my_listing_form", self._welfare_form_values(listing, error=e.args[0])
                )
            return request.redirect(f"/my/listings/{listing.id}")
        return request.render("welfare_catalog.portal_my_listing_form", self._welfare_form_values(listing))

    @http.route(
        ["/my/listings/<int:listing_id>/<string:action>"], type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_my_listing_action(self, listing_id, action, **post):
        listing = self._welfare_listing(listing_id)
        actions = {"submit": listing.action_welfare_submit, "withdraw": listing.action_welfare_withdraw}
        if action not in actions:
            raise AccessError(request.env._("Unknown action."))
        try:
            actions[action]()
        except UserError as e:
            return request.render(
                "welfare_catalog.portal_my_listing_form", self._welfare_form_values(listing, error=e.args[0])
            )
        return request.redirect(f"/my/listings/{listing.id}")

    @http.route(["/my/listing-orders"], type="http", auth="user", website=True)
    def portal_my_listing_orders(self, **kw):
        partner = self._welfare_seller()
        values = self._prepare_portal_layout_values()
        lines = request.env["sale.order.line"].search(self._welfare_order_line_domain(partner), order="id desc")
        values.update(
            {
                "page_name": "welfare_listing_orders",
                # The order header belongs to the worker: show only what fulfilment needs.
                "order_lines": [(line, line.order_id.sudo()) for line in lines],
            }
        )
        return request.render("welfare_catalog.portal_my_listing_orders", values)

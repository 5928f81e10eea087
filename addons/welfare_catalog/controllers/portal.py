from werkzeug.datastructures import FileStorage
from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

# What the listing form's buttons may do, by the URL's last segment.
WELFARE_LISTING_ACTIONS = {"submit": "action_welfare_submit", "withdraw": "action_welfare_withdraw"}


class WelfareCatalogPortal(CustomerPortal):
    """Providers and producers manage their listings and see their orders under /my.

    Thin controllers: checks and writes are product.template's ``_welfare_portal_*``
    methods; here HTTP only (uploaded files, status codes, the form shown again with
    its error when the model refuses, nothing of a refused save committed)."""

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
        """The provider or producer of the logged-in portal user, or AccessError (403)."""
        return request.env["product.template"]._welfare_portal_seller()

    def _welfare_listing(self, listing_id):
        """One of the seller's own listings: 404 when there is none, 403 when it is another seller's."""
        try:
            return request.env["product.template"]._welfare_portal_listing(listing_id)
        except MissingError as e:
            raise NotFound(e.args[0]) from e

    def _welfare_order_line_domain(self, partner):
        return [
            ("product_id.product_tmpl_id.welfare_provider_id", "=", partner.id),
            ("state", "=", "sale"),
        ]

    def _welfare_form_data(self, post):
        """The posted form as the model reads it: the photo as its bytes, other
        uploaded files left as they are (the model refuses them)."""
        data = dict(post)
        image = data.get("image_1920")
        if isinstance(image, FileStorage):
            data["image_1920"] = image.read() if image.filename else None
            if data["image_1920"] is None:
                del data["image_1920"]
        return data

    def _welfare_form_values(self, listing=None, error=None, post=None):
        listing = listing or request.env["product.template"]
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "welfare_listing",
                "listing": listing,
                "error": error,
                # What was typed, shown again with the error (text only).
                "form": {key: value for key, value in (post or {}).items() if isinstance(value, str)},
                "categories": request.env["welfare.service.category"].search([]),
                "uoms": request.env["uom.uom"].search(listing._welfare_portal_uom_domain()) | listing.uom_id,
            }
        )
        return values

    def _welfare_render_form(self, listing=None, error=None, post=None):
        values = self._welfare_form_values(listing, error=error, post=post)
        return request.render("welfare_catalog.portal_my_listing_form", values)

    def _welfare_save(self, listing, post):
        """Save the form in a savepoint: a refusal commits nothing and shows the form
        again with the (translated) reason; another seller's listing is a 403."""
        try:
            with request.env.cr.savepoint():
                listing = listing._welfare_portal_save(self._welfare_form_data(post))
        except AccessError:
            raise
        except UserError as e:
            return self._welfare_render_form(listing, error=e.args[0], post=post)
        return request.redirect(f"/my/listings/{listing.id}")

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
        self._welfare_seller()
        if request.httprequest.method == "POST":
            return self._welfare_save(request.env["product.template"], post)
        return self._welfare_render_form()

    @http.route(["/my/listings/<int:listing_id>"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_my_listing(self, listing_id, **post):
        if request.httprequest.method == "POST":
            return self._welfare_save(self._welfare_listing(listing_id), post)
        try:
            listing = self._welfare_listing(listing_id)
        except (AccessError, NotFound):
            return request.redirect("/my/listings")
        return self._welfare_render_form(listing)

    @http.route(
        ["/my/listings/<int:listing_id>/<string:action>"], type="http", auth="user", website=True, methods=["POST"]
    )
    def portal_my_listing_action(self, listing_id, action, **post):
        if action not in WELFARE_LISTING_ACTIONS:
            raise NotFound()
        listing = self._welfare_listing(listing_id)
        try:
            with request.env.cr.savepoint():
                getattr(listing, WELFARE_LISTING_ACTIONS[action])()
        except AccessError:
            raise
        except UserError as e:
            return self._welfare_render_form(listing, error=e.args[0])
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

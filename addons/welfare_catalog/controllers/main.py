from werkzeug.exceptions import NotFound

from odoo import http
from odoo.exceptions import UserError
from odoo.http import request

from odoo.addons.website_sale.controllers.main import WebsiteSale

WELFARE_FILTERS = ("welfare_ambit", "welfare_km0", "welfare_certification")
# What the km-0 switch sends when on (a link may say true).
WELFARE_KM0_ON = ("1", "on", "true", "True")
MAX_ID = 2**31 - 1


class WelfareWebsiteSale(WebsiteSale):
    """Shop filters by ambit, km 0 and certification, and providers' public pages."""

    @http.route()
    def shop(self, page=0, category=None, search="", min_price=0.0, max_price=0.0, ppg=False, **post):
        """The shop, once its welfare filters are known to be valid: a 400 telling,
        in the visitor's language, which filter is wrong (never a server error)."""
        self._welfare_check_shop_filters(post)
        return super().shop(
            page=page, category=category, search=search, min_price=min_price, max_price=max_price, ppg=ppg, **post
        )

    def _welfare_check_shop_filters(self, post):
        env = request.env
        ambit = post.get("welfare_ambit")
        if ambit:
            valid = isinstance(ambit, str) and ambit.isascii() and ambit.isdigit() and 0 < int(ambit) <= MAX_ID
            ambit_id = int(ambit) if valid else None
            if not ambit_id or not env["welfare.ambit"].sudo().browse(ambit_id).exists():
                raise UserError(env._("This ambit does not exist: choose one from the list."))
        km0 = post.get("welfare_km0")
        if km0 and km0 not in WELFARE_KM0_ON:
            raise UserError(env._("The km 0 filter is either on or off."))
        kind = post.get("welfare_certification")
        if kind and (not isinstance(kind, str) or kind not in dict(self._welfare_certification_kinds())):
            raise UserError(env._("This kind of certification does not exist: choose one from the list."))

    def _welfare_certification_kinds(self):
        return request.env["welfare.certification"]._fields["kind"]._description_selection(request.env)

    def _get_search_options(
        self, category=None, attrib_values=None, tags=None, min_price=0.0, max_price=0.0, conversion_rate=1, **post
    ):
        options = super()._get_search_options(
            category=category,
            attrib_values=attrib_values,
            tags=tags,
            min_price=min_price,
            max_price=max_price,
            conversion_rate=conversion_rate,
            **post,
        )
        options.update({key: post.get(key) for key in WELFARE_FILTERS if post.get(key)})
        return options

    def _shop_get_query_url_kwargs(
        self, category, search, min_price, max_price, order=None, tags=None, attribute_value=None, **post
    ):
        kwargs = super()._shop_get_query_url_kwargs(
            category, search, min_price, max_price, order=order, tags=tags, attribute_value=attribute_value, **post
        )
        kwargs.update({key: post.get(key) for key in WELFARE_FILTERS if post.get(key)})
        return kwargs

    def _get_additional_extra_shop_values(self, values, **post):
        values = super()._get_additional_extra_shop_values(values, **post)
        values.update(
            {
                # (id, name) pairs, cached: no query per page.
                "welfare_ambits": request.env["welfare.ambit"]._welfare_shop_ambits(),
                "welfare_filters": {key: post.get(key) for key in WELFARE_FILTERS},
                "welfare_certification_kinds": self._welfare_certification_kinds(),
            }
        )
        return values

    @http.route(["/shop/welfare/provider/<int:partner_id>"], type="http", auth="public", website=True, sitemap=False)
    def welfare_provider_page(self, partner_id, **kw):
        partner = request.env["res.partner"].sudo().browse(partner_id if 0 < partner_id <= MAX_ID else []).exists()
        listings = (
            request.env["product.template"].search(
                [
                    ("welfare_provider_id", "=", partner.id),
                    ("is_published", "=", True),
                ]
            )
            if partner
            else None
        )
        if not partner or not (partner.is_welfare_provider or partner.is_welfare_producer) or not listings:
            raise NotFound()
        return request.render(
            "welfare_catalog.welfare_provider_page",
            {
                "provider": partner,
                "listings": listings,
                "certifications": partner.welfare_certification_ids.filtered(lambda c: not c.is_expired),
            },
        )

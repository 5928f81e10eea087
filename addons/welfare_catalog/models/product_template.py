import base64
import math
import re

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, MissingError, UserError, ValidationError
from odoo.tools.misc import formatLang

LISTING_STATES = [
    ("draft", "Draft"),
    ("submitted", "Submitted"),
    ("published", "Published"),
    ("rejected", "Rejected"),
]

# Fields a provider or producer may change on its own listings from the portal.
PORTAL_FIELDS = {
    "name",
    "description_sale",
    "list_price",
    "uom_id",
    "uom_po_id",
    "image_1920",
    "welfare_available",
    "welfare_category_id",
    "welfare_delivery_place",
    "welfare_ambit_ids",
    "welfare_provider_id",
    "type",
    "sale_ok",
    "purchase_ok",
}
# Changes that send a published listing back to review.
REVIEWED_FIELDS = {
    "name",
    "description_sale",
    "list_price",
    "uom_id",
    "image_1920",
    "welfare_category_id",
    "welfare_delivery_place",
}

# Portal form limits: what a seller can type, nothing a script could make the database choke on.
PORTAL_MAX_ID = 2**31 - 1
PORTAL_MAX_NAME = 200
PORTAL_MAX_DESCRIPTION = 10_000
PORTAL_MAX_PRICE = 1_000_000
PORTAL_MAX_IMAGE_MB = 10
PORTAL_PRICE_RE = re.compile(r"^[+-]?[0-9]{1,12}(\.[0-9]*)?$|^[+-]?\.[0-9]+$")
# Control characters (NUL breaks PostgreSQL) and Unicode's non-characters; a
# description keeps its line breaks and tabs.
PORTAL_LINE_FORBIDDEN = re.compile(r"[\x00-\x1f\x7f\ufffe\uffff]")
PORTAL_MULTILINE_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff]")


def distance_km(lat1, lon1, lat2, lon2):
    """Great-circle (haversine) distance in km."""
    lat1, lon1, lat2, lon2 = map(math.radians, (lat1, lon1, lat2, lon2))
    a = math.sin((lat2 - lat1) / 2) ** 2 + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    return 6371.0 * 2 * math.asin(math.sqrt(a))


class ProductTemplate(models.Model):
    _inherit = "product.template"

    welfare_provider_id = fields.Many2one(
        "res.partner",
        string="Provider / Producer",
        index=True,
        tracking=True,
        domain="['|', ('is_welfare_provider', '=', True), ('is_welfare_producer', '=', True)]",
        help="The network provider or km-0 producer that sells this listing.",
    )
    welfare_category_id = fields.Many2one(
        "welfare.service.category",
        index=True,
        tracking=True,
    )
    welfare_fiscal_basis = fields.Selection(related="welfare_category_id.fiscal_basis")
    welfare_delivery_place = fields.Selection(
        [("provider", "At the provider"), ("home", "At home"), ("workplace", "At the workplace")],
        string="Delivered",
        default="provider",
        tracking=True,
    )
    welfare_ambit_ids = fields.Many2many("welfare.ambit", string="Ambits Served")
    welfare_certification_ids = fields.Many2many(
        "welfare.certification",
        string="Listing Certifications",
        domain="[('partner_id', '=', welfare_provider_id)]",
        help="Certifications of this listing; the provider's certifications apply as well.",
    )
    welfare_all_certification_ids = fields.Many2many(
        "welfare.certification",
        string="Valid Certifications",
        compute="_compute_welfare_all_certification_ids",
    )
    welfare_is_km0 = fields.Boolean(
        string="Km 0",
        compute="_compute_welfare_is_km0",
        store=True,
        index=True,
        help="Produced by a producer inside the network's ambits or within the configured distance.",
    )
    welfare_km0_rule = fields.Char(string="Km 0 Rule", compute="_compute_welfare_km0_rule")
    welfare_listing_state = fields.Selection(
        LISTING_STATES,
        string="Listing Status",
        default="draft",
        tracking=True,
        copy=False,
        index=True,
    )
    welfare_reject_reason = fields.Text(string="Rejection Reason", tracking=True, copy=False)
    welfare_available = fields.Boolean(
        string="Available",
        default=True,
        tracking=True,
        help="Untick to take the listing off the shop for a while (holidays, sold out).",
    )
    welfare_sellable = fields.Boolean(
        string="On Sale",
        compute="_compute_welfare_sellable",
        store=True,
        index=True,
        help="Published, available, of a provider with an active convention covering its "
        "category and a valid certification.",
    )

    # ------------------------------------------------------------------
    # computes
    # ------------------------------------------------------------------
    @api.depends("welfare_certification_ids.is_expired", "welfare_provider_id.welfare_certification_ids.is_expired")
    def _compute_welfare_all_certification_ids(self):
        # One search for the whole batch (a shop page), not one per listing: the valid
        # certifications of the listings' providers and of the listings themselves, with
        # what the badges show (one query, where reading the providers' certifications
        # and then their expiry took two), then each listing's share of them.
        holders = self.welfare_provider_id.commercial_partner_id._origin
        valid = self.env["welfare.certification"].search_fetch(
            [
                ("is_expired", "=", False),
                "|",
                ("partner_id", "in", holders.ids),
                ("id", "in", self.welfare_certification_ids._origin.ids),
            ],
            ["name", "kind", "issuer", "partner_id"],
        )
        by_holder = valid.grouped("partner_id")
        for template in self:
            holder = template.welfare_provider_id.commercial_partner_id._origin
            template.welfare_all_certification_ids = template.welfare_certification_ids.filtered(
                lambda c: c._origin in valid
            ) | by_holder.get(holder, valid.browse())

    @api.depends(
        "welfare_provider_id.is_welfare_producer",
        "welfare_provider_id.welfare_ambit_id",
        "welfare_provider_id.partner_latitude",
        "welfare_provider_id.partner_longitude",
    )
    def _compute_welfare_is_km0(self):
        max_km = self._welfare_km0_max_distance()
        for template in self:
            template.welfare_is_km0 = template._welfare_km0_reason(max_km) is not None

    def _welfare_km0_max_distance(self):
        return float(self.env["ir.config_parameter"].sudo().get_param("welfare_catalog.km0_max_distance_km", 0) or 0)

    def _welfare_km0_reason(self, max_km):
        """Why a listing is km 0: ("ambit", ambit) when its producer is in one of the
        network's ambits, ("distance", km) when within ``max_km`` of the network's
        seat; None when it is not km 0 (services are never km 0)."""
        self.ensure_one()
        producer = self.welfare_provider_id.commercial_partner_id
        if not producer.is_welfare_producer:
            return None
        if producer.welfare_ambit_id:
            return ("ambit", producer.welfare_ambit_id)
        seat = self.env.company.partner_id
        if (
            max_km
            and (producer.partner_latitude or producer.partner_longitude)
            and (seat.partner_latitude or seat.partner_longitude)
        ):
            km = distance_km(
                seat.partner_latitude, seat.partner_longitude, producer.partner_latitude, producer.partner_longitude
            )
            if km <= max_km:
                return ("distance", km)
        return None

    @api.depends("welfare_is_km0", "welfare_provider_id")
    def _compute_welfare_km0_rule(self):
        max_km = self._welfare_km0_max_distance()
        ambit_names = dict(self.env["welfare.ambit"]._welfare_shop_ambits())
        for template in self:
            reason = template._welfare_km0_reason(max_km) if template.welfare_is_km0 else None
            if not reason:
                template.welfare_km0_rule = False
            elif reason[0] == "ambit":
                # The shop's cached names: no read of the ambits on a shop page.
                ambit = reason[1]
                template.welfare_km0_rule = self.env._(
                    "Km 0: made by a producer in the %(ambit)s ambit of the network.",
                    ambit=ambit_names.get(ambit.id) or ambit.name,
                )
            else:
                template.welfare_km0_rule = self.env._(
                    "Km 0: made %(km).0f km from the network, within %(max).0f km.", km=reason[1], max=max_km
                )

    @api.depends(
        "welfare_listing_state",
        "welfare_available",
        "welfare_category_id",
        "welfare_provider_id.welfare_convention_ids.state",
        "welfare_provider_id.welfare_convention_ids.date_start",
        "welfare_provider_id.welfare_convention_ids.date_end",
        "welfare_provider_id.welfare_convention_ids.service_category_ids",
        "welfare_provider_id.welfare_certification_ids.is_expired",
        "welfare_certification_ids.is_expired",
    )
    def _compute_welfare_sellable(self):
        today = fields.Date.context_today(self)
        for template in self:
            template.welfare_sellable = bool(
                template.welfare_provider_id
                and template.welfare_listing_state == "published"
                and template.welfare_available
                and template._welfare_convention_on(today)
                and template.welfare_all_certification_ids
            )

    def _write_multi(self, vals_list):
        """A listing is on the shop exactly when it is sellable: whenever the stored
        ``welfare_sellable`` changes (workflow, convention, certification, daily job),
        the website publication follows, in the same low-level update."""
        synced = self.browse()
        for template, vals in zip(self, vals_list):
            if "welfare_sellable" in vals and template.welfare_provider_id:
                vals["is_published"] = vals["welfare_sellable"]
                synced |= template
        result = super()._write_multi(vals_list)
        synced.invalidate_recordset(["is_published"], flush=False)
        return result

    def _welfare_redeem_price(self, provider, category):
        """The price, taxes included, of one unit of this listing when ``provider``
        redeems a full-value voucher for it in person: the listing must be the
        provider's own, on sale, in ``category`` (or one of its subcategories).
        0.0 when it is not such a listing."""
        self.ensure_one()
        listing = self.sudo()
        if (
            listing.welfare_provider_id.commercial_partner_id != provider.commercial_partner_id
            or not listing.welfare_sellable
            or not listing.welfare_category_id
            or not listing.welfare_category_id._is_within(category)
        ):
            return 0.0
        taxes = listing.taxes_id.filtered(lambda t: t.company_id in listing.env.companies or not t.company_id)
        result = taxes.compute_all(listing.list_price, currency=listing.currency_id, product=listing)
        return result["total_included"]

    def _welfare_convention_on(self, on_date):
        """The provider's convention valid on ``on_date`` that covers this listing's category."""
        self.ensure_one()
        if not self.welfare_category_id:
            return self.env["welfare.convention"]
        return self.welfare_provider_id.commercial_partner_id.welfare_convention_ids.filtered(
            lambda c: c._is_valid_on(on_date) and c._covers_category(self.welfare_category_id)
        )[:1]

    # ------------------------------------------------------------------
    # write guard for providers editing from the portal
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        if self.env.user._is_portal() and not self.env.su:
            partner = self.env.user.commercial_partner_id
            for vals in vals_list:
                forbidden = set(vals) - PORTAL_FIELDS
                if forbidden or vals.get("welfare_provider_id", partner.id) != partner.id:
                    raise AccessError(self.env._("You can only create listings of your own with the portal fields."))
        templates = super().create(vals_list)
        templates._welfare_sync_shop_category()
        return templates

    def write(self, vals):
        if self.env.user._is_portal() and not self.env.su:
            forbidden = set(vals) - PORTAL_FIELDS
            partner = self.env.user.commercial_partner_id
            if forbidden or vals.get("welfare_provider_id", partner.id) != partner.id:
                raise AccessError(
                    self.env._(
                        "You cannot change %(fields)s of a listing.",
                        fields=", ".join(sorted(forbidden)) or "welfare_provider_id",
                    )
                )
            if REVIEWED_FIELDS & set(vals):
                vals = dict(vals)
                to_review = self.filtered(lambda t: t.welfare_listing_state == "published")
                result = super().write(vals)
                if to_review:
                    to_review.sudo().write({"welfare_listing_state": "submitted"})
                self._welfare_sync_shop_category()
                return result
        result = super().write(vals)
        if "welfare_category_id" in vals:
            self._welfare_sync_shop_category()
        return result

    def _welfare_sync_shop_category(self):
        """One taxonomy: a listing appears in the shop category of its welfare category."""
        for template in self.filtered("welfare_category_id.public_categ_id"):
            public_categ = template.welfare_category_id.public_categ_id
            if public_categ not in template.public_categ_ids:
                template.sudo().public_categ_ids = [Command.link(public_categ.id)]

    @api.constrains("welfare_provider_id", "welfare_certification_ids")
    def _check_welfare_certifications(self):
        for template in self:
            foreign = template.welfare_certification_ids.filtered(
                lambda c, t=template: c.partner_id != t.welfare_provider_id.commercial_partner_id
            )
            if foreign:
                raise ValidationError(self.env._("A listing can only carry certifications of its own provider."))

    # ------------------------------------------------------------------
    # listing workflow
    # ------------------------------------------------------------------
    def _welfare_check_state(self, allowed):
        for template in self:
            if template.welfare_listing_state not in allowed:
                raise UserError(
                    self.env._("The listing %(name)s cannot do this in its current status.", name=template.name)
                )

    def action_welfare_submit(self):
        """Provider: send a draft or rejected listing to the network for review."""
        self.check_access("write")
        self._welfare_check_state(("draft", "rejected"))
        for template in self:
            if not template.welfare_provider_id or not template.welfare_category_id:
                raise UserError(
                    self.env._(
                        "Set the provider and the welfare category of %(name)s before submitting it.",
                        name=template.name,
                    )
                )
            if template.list_price <= 0:
                raise UserError(self.env._("Set a price for %(name)s before submitting it.", name=template.name))
            if self.env.user._is_portal() and not template.sudo().image_1920:
                # Workers choose on a phone, by the picture: a provider's listing has one.
                raise UserError(
                    self.env._("Add a photo of %(name)s before submitting it for review.", name=template.name)
                )
        self.sudo().write({"welfare_listing_state": "submitted", "welfare_reject_reason": False})
        return True

    def action_welfare_withdraw(self):
        """Provider: take a submitted or published listing back to draft."""
        self.check_access("write")
        self._welfare_check_state(("submitted", "published"))
        self.sudo().write({"welfare_listing_state": "draft"})
        return True

    def _welfare_check_reviewer(self):
        if not self.env.user.has_group("welfare_network.group_welfare_backoffice"):
            raise AccessError(self.env._("Only the network back office reviews listings."))

    def action_welfare_publish(self):
        """Back office: publish submitted listings (they are on sale when the provider
        has an active convention for the category and a valid certification)."""
        self._welfare_check_reviewer()
        self._welfare_check_state(("submitted",))
        # VAT is the back office's, from the category, never the provider's (docs/fiscal-model.md).
        for category, listings in self.grouped("welfare_category_id").items():
            for company, company_listings in listings.grouped(lambda l: l.company_id or self.env.company).items():
                taxes = category._welfare_taxes(company) if category else self.env["account.tax"]
                if not taxes:
                    raise UserError(
                        self.env._(
                            "Set the VAT of the category %(category)s before publishing its listings.",
                            category=category.display_name or "-",
                        )
                    )
                company_listings.write({"taxes_id": [Command.set(taxes.ids)]})
        self.write({"welfare_listing_state": "published", "welfare_reject_reason": False})
        return True

    def action_welfare_reject(self, reason):
        """Back office: reject submitted listings, telling the provider why."""
        self._welfare_check_reviewer()
        self._welfare_check_state(("submitted",))
        if not reason or not reason.strip():
            raise UserError(self.env._("Write why the listing is rejected."))
        self.write({"welfare_listing_state": "rejected", "welfare_reject_reason": reason})
        for template in self:
            template.message_post(
                body=self.env._("Listing rejected: %(reason)s", reason=reason),
                partner_ids=template.welfare_provider_id.commercial_partner_id.ids,
            )
        return True

    def action_welfare_open_reject(self):
        return {
            "type": "ir.actions.act_window",
            "res_model": "welfare.listing.reject",
            "view_mode": "form",
            "target": "new",
            "context": {"active_ids": self.ids, "active_model": "product.template"},
        }

    @api.model
    def _cron_welfare_refresh_listings(self):
        """Daily: re-evaluate which listings are on sale (conventions starting or ending,
        certifications expiring)."""
        listings = self.with_context(active_test=False).search([("welfare_provider_id", "!=", False)])
        # Time passed, nothing was written: mark the dependents as modified ourselves.
        listings.modified(["welfare_listing_state"])
        listings.flush_recordset(["welfare_sellable", "is_published"])
        return listings

    @api.model
    def _welfare_demo_hide_foreign_products(self):
        """Demo only: keep Odoo's generic demo products (furniture...) out of the welfare shop."""
        foreign = self.search([("welfare_provider_id", "=", False), ("is_published", "=", True)])
        foreign.write({"is_published": False})

    # ------------------------------------------------------------------
    # portal: a provider's or producer's own listings (the controller only
    # translates HTTP; everything a form may send is checked here)
    # ------------------------------------------------------------------
    @api.model
    def _welfare_portal_seller(self):
        """The provider or producer of the logged-in portal user, or AccessError."""
        partner = self.env.user.commercial_partner_id
        if not (partner.is_welfare_provider or partner.is_welfare_producer):
            raise AccessError(self.env._("Only network providers and producers have listings."))
        return partner

    @api.model
    def _welfare_portal_listing(self, listing_id):
        """One of the seller's own listings: MissingError when there is no such
        listing, AccessError when it is another seller's (on top of the record rules)."""
        partner = self._welfare_portal_seller()
        listing = self.browse(listing_id if 0 < listing_id <= PORTAL_MAX_ID else []).exists()
        if not listing:
            raise MissingError(self.env._("This listing does not exist."))
        if listing.sudo().welfare_provider_id != partner:
            raise AccessError(self.env._("This listing belongs to another provider."))
        listing.check_access("write")
        return listing

    @api.model
    def _welfare_portal_uom_domain(self):
        """Units a seller may choose: units, weights and working time."""
        categories = ("uom.product_uom_categ_unit", "uom.product_uom_categ_kgm", "uom.uom_categ_wtime")
        return [("category_id", "in", [self.env.ref(xmlid).id for xmlid in categories])]

    @api.model
    def _welfare_portal_text(self, form, key, max_length, messages, multiline=False):
        """A text field of the form, stripped; None when the form does not send it.
        ``messages``: the errors when it is not text, too long, or has characters
        that are not allowed (control characters: NUL breaks PostgreSQL)."""
        not_text, too_long, forbidden = messages
        value = form.get(key)
        if value is None:
            return None
        if not isinstance(value, str):
            raise UserError(not_text)
        value = value.strip()
        if len(value) > max_length:
            raise UserError(too_long)
        if (PORTAL_MULTILINE_FORBIDDEN if multiline else PORTAL_LINE_FORBIDDEN).search(value):
            raise UserError(forbidden)
        return value

    @api.model
    def _welfare_portal_id(self, value):
        """A record id sent by a select of the form: digits only, or None."""
        if isinstance(value, str) and value.isascii() and value.isdigit() and 0 < int(value) <= PORTAL_MAX_ID:
            return int(value)
        return None

    @api.model
    def _welfare_portal_price(self, value):
        """The price typed in the form ("9,50" or "9.50"), in euro with at most two decimals."""
        env = self.env
        if not isinstance(value, str):
            raise UserError(env._("The price must be a number."))
        text = value.strip().replace(",", ".")
        if not text:
            raise UserError(env._("Set the price."))
        if not PORTAL_PRICE_RE.match(text):
            raise UserError(env._("The price must be a number."))
        if text.startswith("-") and float(text):
            raise UserError(env._("The price cannot be negative."))
        if "." in text and len(text.split(".")[1].rstrip("0")) > 2:
            raise UserError(env._("The price can have at most two decimals."))
        price = float(text)
        if not math.isfinite(price) or price > PORTAL_MAX_PRICE:
            raise UserError(
                env._(
                    "The price cannot be higher than %(max)s.",
                    max=formatLang(env, PORTAL_MAX_PRICE, currency_obj=env.company.currency_id),
                )
            )
        return abs(price)

    def _welfare_portal_values(self, form):
        """Whitelisted, validated values from the portal form (for a new listing on
        the empty recordset, or for this listing): only the fields it sends; UserError
        (in the user's language) for anything a seller could not have typed."""
        env = self.env
        values = {}
        name = self._welfare_portal_text(
            form,
            "name",
            PORTAL_MAX_NAME,
            (
                env._("The name must be text."),
                env._("The name can be at most %(max)s characters long.", max=PORTAL_MAX_NAME),
                env._("The name contains characters that are not allowed."),
            ),
        )
        if name is not None:
            if not name:
                raise UserError(env._("The listing needs a name."))
            values["name"] = name
        description = self._welfare_portal_text(
            form,
            "description_sale",
            PORTAL_MAX_DESCRIPTION,
            (
                env._("The description must be text."),
                env._("The description can be at most %(max)s characters long.", max=PORTAL_MAX_DESCRIPTION),
                env._("The description contains characters that are not allowed."),
            ),
            multiline=True,
        )
        if description is not None:
            values["description_sale"] = description or False
        if "list_price" in form:
            values["list_price"] = self._welfare_portal_price(form["list_price"])
        if "welfare_category_id" in form:
            category_id = self._welfare_portal_id(form["welfare_category_id"])
            category = env["welfare.service.category"].search([("id", "=", category_id)]) if category_id else None
            if not category:
                raise UserError(env._("Choose a welfare category."))
            values["welfare_category_id"] = category.id
        if "uom_id" in form:
            uom_id = self._welfare_portal_id(form["uom_id"])
            # The listing's own unit stays allowed (set in the back office, maybe litres).
            uom = env["uom.uom"].search([("id", "=", uom_id), *self._welfare_portal_uom_domain()]) if uom_id else None
            if not uom and not (uom_id and len(self) == 1 and self.uom_id.id == uom_id):
                raise UserError(env._("Choose a unit of measure."))
            values["uom_id"] = uom_id
            if not (len(self) == 1 and self.uom_id.id == uom_id):
                values["uom_po_id"] = uom_id
        if "welfare_delivery_place" in form:
            places = dict(self._fields["welfare_delivery_place"].selection)
            place = form["welfare_delivery_place"]
            if not isinstance(place, str) or place not in places:
                raise UserError(env._("Choose where the listing is delivered."))
            values["welfare_delivery_place"] = place
        if "welfare_available_sent" in form:
            values["welfare_available"] = bool(form.get("welfare_available"))
        image = form.get("image_1920")
        if image is not None:
            if not isinstance(image, bytes):
                raise UserError(env._("Upload the photo as an image file."))
            if len(image) > PORTAL_MAX_IMAGE_MB * 1024 * 1024:
                raise UserError(env._("The photo is too large: at most %(max)s MB.", max=PORTAL_MAX_IMAGE_MB))
            if image:
                values["image_1920"] = base64.b64encode(image)
        return values

    def _welfare_portal_check_name(self, partner, name):
        """A seller's listings have different names: a form sent twice creates one listing."""
        others = self.with_context(active_test=False).search(
            [("welfare_provider_id", "=", partner.id), ("id", "not in", self.ids)]
        )
        if any((other.name or "").strip().casefold() == name.casefold() for other in others):
            raise UserError(self.env._("You already have a listing named %(name)s: open it to change it.", name=name))

    def _welfare_portal_save(self, form):
        """Create (on the empty recordset) or update (on one of the seller's listings)
        a listing from the portal form, ``form`` holding the posted strings and the
        photo's bytes. Only the values that change are written, so a form sent again
        changes nothing. Raises UserError, in the user's language, on bad input: call
        it in a savepoint."""
        partner = self._welfare_portal_seller()
        values = self._welfare_portal_values(form)
        if self:
            self.ensure_one()
            if self.welfare_provider_id != partner:
                raise AccessError(self.env._("This listing belongs to another provider."))
            changes = {key: value for key, value in values.items() if not self._welfare_portal_same(key, value)}
            if "name" in changes:
                self._welfare_portal_check_name(partner, changes["name"])
            if changes:
                self.write(changes)
            return self
        for key, message in (
            ("name", self.env._("The listing needs a name.")),
            ("welfare_category_id", self.env._("Choose a welfare category.")),
            ("list_price", self.env._("Set the price.")),
        ):
            if key not in values:
                raise UserError(message)
        self._welfare_portal_check_name(partner, values["name"])
        values.update(
            {
                "welfare_provider_id": partner.id,
                "type": "service" if partner.is_welfare_provider and not partner.is_welfare_producer else "consu",
                "sale_ok": True,
                "purchase_ok": False,
            }
        )
        # Whitelisted values, provider forced: created as superuser so that the
        # product's defaults (taxes, company) need no back-office rights.
        listing = self.sudo().create(values).sudo(False)
        listing.check_access("write")
        return listing

    def _welfare_portal_same(self, key, value):
        """Whether the listing already has this value of the portal form."""
        current = self[key]
        if key == "image_1920":
            return False
        if isinstance(current, models.BaseModel):
            return current.id == value
        if key == "list_price":
            return not self.currency_id.compare_amounts(current, value)
        return (current or False) == (value or False)

    # ------------------------------------------------------------------
    # shop filters
    # ------------------------------------------------------------------
    @api.model
    def _search_get_detail(self, website, order, options):
        result = super()._search_get_detail(website, order, options)
        domain = self._welfare_shop_filter_domain(options)
        if domain:
            result["base_domain"] = [*result["base_domain"], domain]
        return result

    @api.model
    def _welfare_shop_filter_domain(self, options):
        """Domain for the shop's welfare filters: ambit, km 0, certification kind."""
        domain = []
        ambit = str(options.get("welfare_ambit") or "")
        if ambit:
            # The options also come from the shop's autocomplete, as the client sends them.
            domain.append(("welfare_ambit_ids", "in", [int(ambit)] if ambit.isdigit() and len(ambit) < 10 else []))
        if options.get("welfare_km0"):
            domain.append(("welfare_is_km0", "=", True))
        kind = options.get("welfare_certification")
        if kind:
            # Certifications are not the shop visitor's to read: which listings carry one
            # is found as the system, the visitor's own rules then apply to the listings.
            certified = (
                self.env["welfare.certification"].sudo()._search([("kind", "=", kind), ("is_expired", "=", False)])
            )
            listings = self.sudo()._search(
                [
                    "|",
                    ("welfare_certification_ids", "in", certified),
                    ("welfare_provider_id.welfare_certification_ids", "in", certified),
                ]
            )
            domain.append(("id", "in", listings))
        return domain

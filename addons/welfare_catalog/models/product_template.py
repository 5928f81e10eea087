import math

from odoo import Command, api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

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
    "taxes_id",
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
        for template in self:
            template.welfare_all_certification_ids = (
                template.welfare_certification_ids
                | template.welfare_provider_id.commercial_partner_id.welfare_certification_ids
            ).filtered(lambda c: not c.is_expired)

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
        for template in self:
            reason = template._welfare_km0_reason(max_km) if template.welfare_is_km0 else None
            if not reason:
                template.welfare_km0_rule = False
            elif reason[0] == "ambit":
                template.welfare_km0_rule = self.env._(
                    "Km 0: made by a producer in the %(ambit)s ambit of the network.", ambit=reason[1].name
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
        if options.get("welfare_ambit"):
            domain.append(("welfare_ambit_ids", "in", [int(options["welfare_ambit"])]))
        if options.get("welfare_km0"):
            domain.append(("welfare_is_km0", "=", True))
        kind = options.get("welfare_certification")
        if kind:
            certified = (
                self.env["welfare.certification"].sudo()._search([("kind", "=", kind), ("is_expired", "=", False)])
            )
            domain += [
                "|",
                ("welfare_certification_ids", "in", certified),
                ("welfare_provider_id.welfare_certification_ids", "in", certified),
            ]
        return domain

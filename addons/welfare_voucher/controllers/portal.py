from dateutil.relativedelta import relativedelta

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.welfare_redeem import PIN_MINUTES, RedeemBlockedError


class WelfareVoucherPortal(CustomerPortal):
    """ "Il mio welfare" for workers; voucher redemption for providers."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "welfare_voucher_count" in counters:
            Voucher = request.env["welfare.voucher"]
            values["welfare_voucher_count"] = (
                Voucher.search_count([("worker_id", "=", request.env.user.partner_id.id)])
                if Voucher.has_access("read")
                else 0
            )
        if "welfare_settlement_count" in counters:
            partner = request.env.user.commercial_partner_id
            values["welfare_settlement_count"] = (
                request.env["welfare.settlement.line"]
                .sudo()
                .search_count([("provider_id", "=", partner.id), ("settlement_id.state", "!=", "cancelled")])
                if partner.is_welfare_provider or partner.is_welfare_producer
                else 0
            )
        if "welfare_redeem_count" in counters:
            partner = request.env.user.commercial_partner_id
            values["welfare_redeem_count"] = 1 if (partner.is_welfare_provider or partner.is_welfare_producer) else 0
        return values

    @http.route(["/my/welfare"], type="http", auth="user", website=True)
    def portal_my_welfare(self, **kw):
        worker = request.env.user.partner_id
        vouchers = request.env["welfare.voucher"].search([("worker_id", "=", worker.id)])
        today = fields.Date.context_today(request.env.user)
        active = vouchers.filtered(lambda v: v._is_usable_on(today))
        by_fund = {}
        # The worker reads the name and currency of their own vouchers' funds, not the
        # funds themselves (welfare.fund is back office and accounting only).
        for voucher in active:
            fund = voucher.sudo().fund_id
            by_fund[fund] = by_fund.get(fund, 0.0) + voucher.balance
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "welfare_vouchers",
                "vouchers": vouchers,
                "balance_by_fund": by_fund,
                "expiring": active.filtered(lambda v: v.date_end <= today + relativedelta(days=30)),
                "moves": request.env["welfare.voucher.move"].search([("worker_id", "=", worker.id)], limit=50),
                "currency": request.env.company.currency_id,
            }
        )
        return request.render("welfare_voucher.portal_my_welfare", values)

    @http.route(["/my/welfare/voucher/<int:voucher_id>"], type="http", auth="user", website=True)
    def portal_my_voucher(self, voucher_id, report_type=None, access_token=None, download=False, **kw):
        try:
            voucher = self._document_check_access("welfare.voucher", voucher_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my/welfare")
        if report_type in ("html", "pdf", "text"):
            return self._show_report(
                model=voucher,
                report_type=report_type,
                report_ref="welfare_voucher.action_report_welfare_voucher",
                download=download,
            )
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "welfare_vouchers", "voucher": voucher, "pin_minutes": PIN_MINUTES})
        return request.render("welfare_voucher.portal_my_voucher", values)

    @http.route(["/my/welfare/voucher/<int:voucher_id>/pin"], type="http", auth="user", website=True, methods=["POST"])
    def portal_my_voucher_pin(self, voucher_id, **kw):
        """The worker makes a one-time PIN to let a provider redeem this voucher in person."""
        try:
            voucher = self._document_check_access("welfare.voucher", voucher_id)
        except (AccessError, MissingError):
            return request.redirect("/my/welfare")
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "welfare_vouchers", "voucher": voucher, "pin_minutes": PIN_MINUTES})
        try:
            # As the user (the checked record is in superuser mode): only its worker makes a PIN.
            values["pin"] = request.env["welfare.voucher"].browse(voucher.id)._welfare_new_redeem_pin()[0]
        except UserError as e:
            values["pin_error"] = e.args[0]
        return request.render("welfare_voucher.portal_my_voucher", values)

    @http.route(["/my/settlements"], type="http", auth="user", website=True)
    def portal_my_settlements(self, **kw):
        provider = request.env.user.commercial_partner_id
        if not (provider.is_welfare_provider or provider.is_welfare_producer):
            raise AccessError(request.env._("Only network providers have settlements."))
        # A settlement covers every provider: show only this provider's own statement lines
        # and documents.
        lines = (
            request.env["welfare.settlement.line"]
            .sudo()
            .search(
                [("provider_id", "=", provider.id), ("settlement_id.state", "!=", "cancelled")],
                order="id desc",
                limit=200,
            )
        )
        bills = (
            request.env["account.move"]
            .sudo()
            .search(
                [
                    ("welfare_settlement_id", "!=", False),
                    ("state", "!=", "cancel"),
                    "|",
                    ("commercial_partner_id", "=", provider.id),
                    "&",
                    ("move_type", "=", "entry"),
                    ("line_ids.partner_id", "=", provider.id),
                ],
                order="date desc, id desc",
            )
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "welfare_settlements",
                "bills": bills,
                "statements": lines.grouped("settlement_id"),
                "uses": request.env["welfare.voucher.move"].search(
                    [("provider_id", "=", provider.id), ("move_type", "in", ("redeem", "refund"))], limit=100
                ),
            }
        )
        return request.render("welfare_voucher.portal_my_settlements", values)

    @http.route(["/my/redeem"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_redeem(self, **post):
        """In-person redemption by a provider: the form and its answer. The rules, the
        worker's consent, the throttle and the atomicity live in welfare.voucher._portal_redeem."""
        user = request.env.user
        provider = user.commercial_partner_id
        if not (provider.is_welfare_provider or provider.is_welfare_producer):
            raise AccessError(request.env._("Only network providers redeem vouchers."))
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "welfare_redeem",
                "post": {},
                "pin_minutes": PIN_MINUTES,
            }
        )
        if request.httprequest.method == "POST":
            try:
                move = request.env["welfare.voucher"]._portal_redeem(post, ip=request.httprequest.remote_addr)
            except RedeemBlockedError as e:
                values.update({"error": e.args[0], "blocked": True})
            except UserError as e:
                # Keep what was typed, but never the PIN (nor anything absurdly long).
                values.update(
                    {
                        "error": e.args[0],
                        "post": {
                            key: value[:200]
                            for key, value in post.items()
                            if key in ("code", "category_id", "listing_id", "amount", "description", "service_date")
                            and isinstance(value, str)
                        },
                    }
                )
            else:
                values["success"] = move.sudo()
        values.update(
            {
                "categories": provider.welfare_convention_ids.filtered(
                    lambda c: c._is_valid_on(fields.Date.context_today(user))
                ).service_category_ids,
                "listings": request.env["product.template"]
                .sudo()
                .search([("welfare_provider_id", "=", provider.id), ("welfare_sellable", "=", True)]),
                "redemptions": request.env["welfare.voucher.move"].search(
                    [("provider_id", "=", provider.id), ("move_type", "=", "redeem")], limit=20
                ),
                "today": fields.Date.context_today(user),
            }
        )
        values["listing_prices"] = {
            listing.id: listing._welfare_redeem_price(provider, listing.welfare_category_id)
            for listing in values["listings"]
        }
        return request.render("welfare_voucher.portal_redeem", values)

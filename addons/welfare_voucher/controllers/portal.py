from dateutil.relativedelta import relativedelta

from odoo import fields, http
from odoo.exceptions import AccessError, MissingError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal

from ..models.welfare_voucher import VoucherCodeError


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
                request.env["account.move"]
                .sudo()
                .search_count([("partner_id", "=", partner.id), ("welfare_settlement_id", "!=", False)])
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
        for voucher in active:
            by_fund[voucher.fund_id] = by_fund.get(voucher.fund_id, 0.0) + voucher.balance
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
        values.update({"page_name": "welfare_vouchers", "voucher": voucher})
        return request.render("welfare_voucher.portal_my_voucher", values)

    @http.route(["/my/settlements"], type="http", auth="user", website=True)
    def portal_my_settlements(self, **kw):
        provider = request.env.user.commercial_partner_id
        if not (provider.is_welfare_provider or provider.is_welfare_producer):
            raise AccessError(request.env._("Only network providers have settlements."))
        # The settlement covers every provider: show only this provider's own bills.
        bills = (
            request.env["account.move"]
            .sudo()
            .search(
                [
                    ("partner_id", "=", provider.id),
                    ("welfare_settlement_id", "!=", False),
                    ("state", "!=", "cancel"),
                ],
                order="invoice_date desc, id desc",
            )
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "welfare_settlements",
                "bills": bills,
                "uses": request.env["welfare.voucher.move"].search(
                    [("provider_id", "=", provider.id), ("move_type", "in", ("redeem", "refund"))], limit=100
                ),
            }
        )
        return request.render("welfare_voucher.portal_my_settlements", values)

    @http.route(["/my/redeem"], type="http", auth="user", website=True, methods=["GET", "POST"])
    def portal_redeem(self, **post):
        user = request.env.user
        provider = user.commercial_partner_id
        if not (provider.is_welfare_provider or provider.is_welfare_producer):
            raise AccessError(request.env._("Only network providers redeem vouchers."))
        categories = provider.welfare_convention_ids.filtered(
            lambda c: c._is_valid_on(fields.Date.context_today(user))
        ).service_category_ids
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "welfare_redeem",
                "categories": categories,
                "post": post,
                "redemptions": request.env["welfare.voucher.move"].search(
                    [("provider_id", "=", provider.id), ("move_type", "=", "redeem")], limit=20
                ),
            }
        )
        if request.httprequest.method == "POST":
            if user._welfare_redeem_blocked():
                values["error"] = request.env._("Too many wrong codes: try again in a few minutes.")
                values["blocked"] = True
                return request.render("welfare_voucher.portal_redeem", values)
            try:
                category = request.env["welfare.service.category"].browse(int(post.get("category_id") or 0)).exists()
                if not category:
                    raise UserError(request.env._("Choose the service."))
                try:
                    amount = float(str(post.get("amount") or "").replace(",", "."))
                except ValueError as e:
                    raise UserError(request.env._("The amount must be a number.")) from e
                on_date = fields.Date.to_date(post.get("date")) if post.get("date") else None
                move = request.env["welfare.voucher"]._redeem_at_provider(
                    post.get("code"), provider, category, amount, on_date=on_date, description=post.get("description")
                )
            except VoucherCodeError as e:
                user._welfare_redeem_failed()
                values["error"] = e.args[0]
                return request.render("welfare_voucher.portal_redeem", values)
            except UserError as e:
                values["error"] = e.args[0]
                return request.render("welfare_voucher.portal_redeem", values)
            user._welfare_redeem_succeeded()
            values.update({"success": move.sudo(), "post": {}})
        return request.render("welfare_voucher.portal_redeem", values)

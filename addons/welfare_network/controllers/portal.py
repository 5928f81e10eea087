from odoo import http
from odoo.exceptions import AccessError, MissingError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal


class WelfareNetworkPortal(CustomerPortal):
    """Worker's family and provider's conventions under /my."""

    def _prepare_home_portal_values(self, counters):
        values = super()._prepare_home_portal_values(counters)
        if "welfare_family_count" in counters:
            FamilyMember = request.env["welfare.family.member"]
            values["welfare_family_count"] = (
                FamilyMember.search_count([("worker_id", "=", request.env.user.partner_id.id)])
                if FamilyMember.has_access("read")
                else 0
            )
        if "welfare_convention_count" in counters:
            Convention = request.env["welfare.convention"]
            values["welfare_convention_count"] = Convention.search_count([]) if Convention.has_access("read") else 0
        return values

    @http.route(["/my/family"], type="http", auth="user", website=True)
    def portal_my_family(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "welfare_family",
                "family_members": request.env["welfare.family.member"].search(
                    [("worker_id", "=", request.env.user.partner_id.id)]
                ),
            }
        )
        return request.render("welfare_network.portal_my_family", values)

    @http.route(["/my/family/<int:member_id>"], type="http", auth="user", website=True)
    def portal_my_family_member(self, member_id, access_token=None, **kw):
        try:
            member = self._document_check_access("welfare.family.member", member_id, access_token)
        except (AccessError, MissingError):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "welfare_family", "member": member})
        return request.render("welfare_network.portal_my_family_member", values)

    @http.route(["/my/conventions"], type="http", auth="user", website=True)
    def portal_my_conventions(self, **kw):
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "welfare_conventions",
                "conventions": request.env["welfare.convention"].search([]),
            }
        )
        return request.render("welfare_network.portal_my_conventions", values)

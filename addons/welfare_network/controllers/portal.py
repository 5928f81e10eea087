from odoo import http
from odoo.exceptions import AccessError, UserError
from odoo.http import request

from odoo.addons.portal.controllers.portal import CustomerPortal
from odoo.addons.portal.controllers.portal import pager as portal_pager

MAX_ID = 2**31 - 1
MAX_PAGE = 100_000


class WelfareNetworkPortal(CustomerPortal):
    """Worker's family and provider's conventions under /my.

    Bad input is a 4xx with a message in the user's language, never a server
    error: another worker's family member sends back to /my, a page number or a
    sort that the pages never link to is a 400."""

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

    def _welfare_family_model(self):
        FamilyMember = request.env["welfare.family.member"]
        if not FamilyMember.has_access("read"):
            raise AccessError(request.env._("Only the network's workers have a family here."))
        return FamilyMember

    @http.route(["/my/family"], type="http", auth="user", website=True)
    def portal_my_family(self, **kw):
        FamilyMember = self._welfare_family_model()
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "welfare_family",
                "family_members": FamilyMember.search([("worker_id", "=", request.env.user.partner_id.id)]),
            }
        )
        return request.render("welfare_network.portal_my_family", values)

    @http.route(["/my/family/<int:member_id>"], type="http", auth="user", website=True)
    def portal_my_family_member(self, member_id, access_token=None, **kw):
        """One of the worker's own family members, read with the worker's rights (the
        record rules): family members have no access token, one in the URL is ignored."""
        member = request.env["welfare.family.member"].browse(member_id if 0 < member_id <= MAX_ID else [])
        if not member.exists() or not member.has_access("read"):
            return request.redirect("/my")
        values = self._prepare_portal_layout_values()
        values.update({"page_name": "welfare_family", "member": member})
        return request.render("welfare_network.portal_my_family_member", values)

    def _welfare_convention_sortings(self):
        return {
            "date": {"label": request.env._("Newest"), "order": "date_start desc, id desc"},
            "name": {"label": request.env._("Reference"), "order": "name, id"},
            "state": {"label": request.env._("Status"), "order": "state, date_start desc, id desc"},
        }

    def _welfare_page_number(self, page):
        """The page of a paged list: from the URL (an int) or the query string (text)."""
        if isinstance(page, str) and page.isascii() and page.isdigit():
            page = int(page)
        if isinstance(page, bool) or not isinstance(page, int) or not 0 < page <= MAX_PAGE:
            raise UserError(request.env._("This page number is not valid."))
        return page

    @http.route(["/my/conventions", "/my/conventions/page/<int:page>"], type="http", auth="user", website=True)
    def portal_my_conventions(self, page=1, sortby=None, **kw):
        Convention = request.env["welfare.convention"]
        if not Convention.has_access("read"):
            raise AccessError(request.env._("Only the network's providers and producers have conventions."))
        page = self._welfare_page_number(page)
        sortings = self._welfare_convention_sortings()
        sortby = sortby or "date"
        if sortby not in sortings:
            raise UserError(request.env._("Sort the conventions with one of the options of the list."))
        pager = portal_pager(
            url="/my/conventions",
            total=Convention.search_count([]),
            page=page,
            step=self._items_per_page,
            url_args={"sortby": sortby},
        )
        values = self._prepare_portal_layout_values()
        values.update(
            {
                "page_name": "welfare_conventions",
                "conventions": Convention.search(
                    [], order=sortings[sortby]["order"], limit=self._items_per_page, offset=pager["offset"]
                ),
                "pager": pager,
                "default_url": "/my/conventions",
                "searchbar_sortings": sortings,
                "sortby": sortby,
            }
        )
        return request.render("welfare_network.portal_my_conventions", values)

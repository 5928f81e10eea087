import importlib.resources
import importlib.util
import json
import unittest

from dateutil.relativedelta import relativedelta

from odoo import Command
from odoo.fields import Date
from odoo.tests import HttpCase, tagged

from .test_redeem_at_provider import RedeemCommon

# axe-core (Deque, MPL-2.0) is never copied into the repository: requirements-test.txt
# installs it inside the axe-core-python wheel, and the test reads it from there.
AXE_PACKAGE = "axe_core_python"
# Chromium asks the test for any address outside the test server (HttpCase.fetch_proxy):
# the page loads axe from this one, and the test answers with the installed file.
AXE_URL = "https://axe-core.test/axe.min.js"
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# WCAG 2.1's errata (and axe-core from 4.7 on) treat 4.1.1 Parsing as always met in
# HTML: duplicate ids count only where ARIA or a label refers to them (duplicate-id-aria).
OBSOLETE_RULES = ["duplicate-id", "duplicate-id-active"]
# Odoo's own widgets on these pages that fail, rendered by Odoo's templates and not by the
# welfare addons, each with why; the rest of every page is checked, Odoo's header and
# footer included.
ODOO_EXCLUDED = {
    # website_sale's shop: the filters of the sidebar and of the phone panel share their ids.
    "#o_wsale_offcanvas": "the shop's filter panel for phones, a copy of the sidebar with the same ids",
    "#o_wsale_price_range_option": "the price filter: its ids twice, its two sliders without a label",
    ".o_wsale_filmstip": "the strip of top categories: radio buttons without a label",
    "input.quantity[name='add_qty']": "the product page's quantity field, without a label",
    "input.js_quantity": "the cart's quantity fields, without a label",
    "#o_payment_form i.fa-exclamation-triangle": "the payment form's test-mode icon (the demo provider pays here)",
    # Exempt anyway: text of an inactive component (1.4.3).
    ".o_wizard .o_disabled": "checkout steps not reached yet, greyed on purpose",
}

# The website loads most of its scripts after the page (lazy): wait for them, then for
# the public widgets, which may still change the page, to have started.
READY = "odoo.loader.modules.has('root.widget')"
PAGE_STARTED = "await odoo.loader.modules.get('root.widget');"

AXE_RUN = """(async () => {
    try {
        %(page_started)s
        await new Promise((resolve, reject) => {
            const script = Object.assign(document.createElement("script"), { src: %(url)s });
            script.onload = resolve;
            script.onerror = () => reject(new Error("axe-core did not load"));
            document.head.append(script);
        });
        if (!document.querySelector(%(expect)s)) {
            throw new Error("the page does not show " + %(expect)s);
        }
        const result = await axe.run(
            { exclude: %(exclude)s },
            { runOnly: { type: "tag", values: %(tags)s }, rules: %(rules)s }
        );
        const violations = result.violations.map(({ id, help, nodes }) =>
            [`${id} (${help}):`, ...nodes.map((node) => `  ${node.html.slice(0, 160)}\\n  ${node.failureSummary}`)]
                .join("\\n")
        );
        if (violations.length) {
            console.error(`WCAG 2.1 AA violations on ${location.pathname}:\\n${violations.join("\\n")}`);
        } else {
            console.log("test successful");
        }
    } catch (error) {
        console.error(`axe-core could not check ${location.pathname}: ${error}`);
    }
})()"""

# The page's Tab order, as the browser builds it: what has a tabIndex of 0 or more and
# really takes the focus (not hidden, disabled or inert), positive tabIndex first. The
# targets are all in it, in the order of the page.
TAB_ORDER = """(async () => {
    try {
        %(page_started)s
        const targets = [...document.querySelectorAll(%(selector)s)];
        if (!targets.length) {
            throw new Error("nothing matches " + %(selector)s);
        }
        const candidates = [...document.querySelectorAll(
            "a[href], area[href], button, input, select, textarea, iframe, summary, [tabindex], [contenteditable]"
        )].filter((el) => el.tabIndex >= 0);
        const tabOrder = [
            ...candidates.filter((el) => el.tabIndex > 0).sort((a, b) => a.tabIndex - b.tabIndex),
            ...candidates.filter((el) => el.tabIndex === 0),
        ].filter((el) => {
            el.focus();
            return document.activeElement === el;
        });
        const reached = tabOrder.filter((el) => targets.includes(el));
        const name = (el) => el.id || el.name || el.className;
        if (reached.length < targets.length || reached.some((el, i) => el !== targets[i])) {
            console.error(
                `Tab reaches ${reached.map(name).join(", ") || "none"} of ${targets.map(name).join(", ")}`
            );
        } else {
            console.log("test successful");
        }
    } catch (error) {
        console.error(`keyboard check failed on ${location.pathname}: ${error}`);
    }
})()"""


@tagged("post_install", "-at_install")
@unittest.skipUnless(
    importlib.util.find_spec(AXE_PACKAGE),
    "axe-core-python is not installed: pip install -r requirements-test.txt to check accessibility",
)
class TestAccessibility(RedeemCommon, HttpCase):
    """Issue #12 (6): the welfare pages pass axe-core's WCAG 2.1 AA rules in Chromium,
    and their forms are reached with the Tab key."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.axe_source = importlib.resources.files(AXE_PACKAGE).joinpath("axe.min.js").read_bytes()
        today = Date.today()
        # Not submitted yet: its form offers to submit it for review.
        cls.listing_draft = cls.env["product.template"].create(
            {
                "name": "Baby sitting",
                "list_price": 15.0,
                "type": "service",
                "welfare_provider_id": cls.provider.id,
                "welfare_category_id": cls.cat_nido.id,
            }
        )
        cls.voucher = cls.issue(cls.fund_grant, cls.worker_a, 300.0)
        # A second one about to expire: "My welfare" warns about it.
        cls.issue(cls.fund_employer, cls.worker_a, 50.0, date_end=today + relativedelta(days=10))
        # The shop sells in the company's currency (as in the checkout tour).
        cls.env["product.pricelist"].search([]).action_archive()
        cls.shop_pricelist = cls.env["product.pricelist"].create(
            {"name": "Welfare", "currency_id": cls.env.company.currency_id.id}
        )
        cls.worker_a.write(
            {
                "street": "Via Roma 1",
                "zip": "24069",
                "state_id": cls.env.ref("base.state_it_bg").id,
                "country_id": cls.env.ref("base.it").id,
                "phone": "+39 035 000000",
            }
        )
        cls.env.ref("payment.payment_provider_demo").write({"state": "test", "is_published": True})
        # The worker's cart on the website, with a listing the grant can pay.
        cls.env["sale.order"].create(
            {
                "partner_id": cls.worker_a.id,
                "website_id": cls.env["website"].get_current_website().id,
                "pricelist_id": cls.shop_pricelist.id,
                "order_line": [Command.create({"product_id": cls.listing_nido.product_variant_id.id})],
            }
        )

    def fetch_proxy(self, url):
        if url == AXE_URL:
            response = self.make_fetch_proxy_response(self.axe_source)
            response["responseHeaders"].append({"name": "content-type", "value": "text/javascript"})
            return response
        return super().fetch_proxy(url)

    def assertAccessible(self, url, login, expect):
        """axe-core finds no WCAG 2.1 A/AA violation on the page, which shows ``expect``."""
        code = AXE_RUN % {
            "page_started": PAGE_STARTED,
            "url": json.dumps(AXE_URL),
            "expect": json.dumps(expect),
            "exclude": json.dumps([[selector] for selector in ODOO_EXCLUDED]),
            "tags": json.dumps(WCAG_21_AA),
            "rules": json.dumps({rule: {"enabled": False} for rule in OBSOLETE_RULES}),
        }
        with self.subTest(url=url, login=login):
            self.browser_js(url, code, ready=READY, login=login)

    def assertTabReaches(self, url, login, selector):
        """Every element matching ``selector`` is in the page's Tab order, in the page's order."""
        code = TAB_ORDER % {
            "page_started": PAGE_STARTED,
            "selector": json.dumps(selector),
        }
        self.browser_js(url, code, ready=READY, login=login)

    def test_worker_pages(self):
        for url, expect in (
            ("/shop", ".o_welfare_filters ~ * .o_welfare_badge_voucher"),
            ("/shop?welfare_km0=1", ".o_welfare_filters ~ * .o_welfare_badge_km0"),
            (self.listing_a.website_url, ".o_welfare_badge_certification"),
            (self.listing_nido.website_url, ".o_welfare_badge_voucher"),
            (self.provider.welfare_page_url, ".o_welfare_provider_listing"),
            ("/shop/cart", "#cart_products"),
            ("/shop/payment", ".o_welfare_checkout .o_welfare_apply"),
            ("/my/welfare", ".o_welfare_expiring"),
            (self.voucher.access_url, ".o_welfare_voucher_card img"),
        ):
            self.assertAccessible(url, "worker_alfa", expect)

    def test_provider_pages(self):
        for url, expect in (
            ("/my/redeem", ".o_welfare_redeem_form"),
            ("/my/listings", ".o_welfare_listing_row"),
            (f"/my/listings/{self.listing_nido.id}", ".o_welfare_withdraw"),
            (f"/my/listings/{self.listing_draft.id}", ".o_welfare_submit"),
            ("/my/listings/new", ".o_welfare_listing_form"),
        ):
            self.assertAccessible(url, "nido_user", expect)

    def test_keyboard(self):
        """The shop's filters, the redeem form and "pay with welfare credit" are reached with Tab."""
        self.assertTabReaches("/shop", "worker_alfa", ".o_welfare_filters :is(select, input:not([type=hidden]))")
        self.assertTabReaches(
            "/my/redeem",
            "nido_user",
            ".o_welfare_redeem_form :is(input:not([type=hidden]), select, button[type=submit])",
        )
        self.assertTabReaches("/shop/payment", "worker_alfa", ".o_welfare_checkout button.o_welfare_apply")

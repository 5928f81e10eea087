import base64
import os
from contextlib import contextmanager
from functools import partial
from pathlib import Path
from unittest.mock import patch

from odoo.tests import tagged
from odoo.tests.common import ChromeBrowser

from .test_checkout_tour import TestCheckoutTour
from .test_redeem_at_provider import RedeemCommon

DESKTOP = "1366x768"
PHONE = "390x844"
# What the tours' screenshot() step logs (static/tests/tours/tour_utils.js).
SCREENSHOT_SIGNAL = "welfare screenshot: "
# Odoo's ZXing fallback misses about 2% of random voucher codes in a pixel-perfect frame
# (measured: 23 of 1,000 at 12 px a module; a real camera's frames differ each time).
# The tour's fake camera films one still picture: it shows a code ZXing reads, every run.
SCANNED_CODE = "WLF2-7K9M-4HQX-8NTR"


@tagged("post_install", "-at_install")
class TestPhoneTours(RedeemCommon, TestCheckoutTour):
    """Issue #12 (5), phones first: the worker's purchase, the worker's pages and the
    provider's redemption, each at desktop size and at phone size (390×844, touch). The
    tours' noSideScroll steps fail a page that scrolls sideways. With the environment
    variable WELFARE_SCREENSHOTS set to a folder, the tours' screenshot steps are saved
    there as <size>_<name>.png and their paths logged."""

    def at_size(self, size):
        self.browser_size = size
        self.touch_enabled = size == PHONE
        return "phone" if size == PHONE else "desktop"

    @contextmanager
    def screenshots(self, prefix):
        folder = os.environ.get("WELFARE_SCREENSHOTS")
        if not folder:
            yield
            return
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        handle_console = ChromeBrowser._handle_console
        logger = self._logger

        def save(path, future):
            try:
                path.write_bytes(base64.b64decode(future.result()["data"]))
            except Exception as e:  # a missing picture does not fail the test
                logger.warning("Screenshot %s not saved: %s", path, e)
            else:
                logger.info("Screenshot: %s", path)

        def handle_console_and_screenshots(browser, **params):
            args = params.get("args") or [{}]
            message = str(browser._from_remoteobject(args[0]))
            handle_console(browser, **params)
            if params.get("type") == "log" and message.startswith(SCREENSHOT_SIGNAL):
                path = folder / f"{prefix}_{message.removeprefix(SCREENSHOT_SIGNAL)}.png"
                # Answered while the tour waits; ChromeBrowser.stop() waits for it too.
                future = browser._websocket_send(
                    "Page.captureScreenshot", params={"captureBeyondViewport": True}, with_future=True
                )
                future.add_done_callback(partial(save, path))

        with patch.object(ChromeBrowser, "_handle_console", handle_console_and_screenshots):
            yield

    def purchase(self, size):
        with self.screenshots(self.at_size(size)):
            self.test_worker_pays_part_with_welfare_and_rest_with_demo()

    def test_purchase_desktop(self):
        """The worker's purchase with welfare credit (checkout tour) at desktop size."""
        self.purchase(DESKTOP)

    def test_purchase_phone(self):
        """The worker's purchase with welfare credit (checkout tour) on a phone: listing,
        cart, payment page with the welfare panel and confirmation fit the screen."""
        self.purchase(PHONE)

    def worker_pages(self, size):
        self.at_size(size)
        self.issue(self.fund_grant, self.worker_a, 100.0)
        self.start_tour("/shop", "welfare_voucher_worker_pages", login="worker_alfa")

    def test_worker_pages_desktop(self):
        """/shop with filters and badges, "Il mio welfare" and a voucher, at desktop size."""
        self.worker_pages(DESKTOP)

    def test_worker_pages_phone(self):
        """/shop with filters and badges, "Il mio welfare" and a voucher with its PIN fit a
        phone's screen."""
        self.worker_pages(PHONE)

    def redeem(self, size):
        prefix = self.at_size(size)
        voucher = self.issue(self.fund_grant, self.worker_a, 100.0)
        # The code is issued at random and read-only: set the readable one in the database.
        self.env.cr.execute("UPDATE welfare_voucher SET code = %s WHERE id = %s", (SCANNED_CODE, voucher.id))
        voucher.invalidate_recordset(["code"])
        cookies = {"welfare_tour_code": voucher.code, "welfare_tour_pin": self.new_pin(voucher)}
        with self.screenshots(prefix):
            self.start_tour("/my/redeem", "welfare_voucher_redeem", login="nido_user", cookies=cookies)
        move = voucher.move_ids.filtered(lambda m: m.move_type == "redeem")
        self.assertEqual(move.provider_id, self.provider)
        self.assertEqual(move.description, "Retta novembre")
        self.assertEqual(voucher.balance, 60.0)

    def test_redeem_desktop(self):
        """The provider redeems at /my/redeem at desktop size: the code comes from the
        QR code through Odoo's scanner, the worker's PIN is typed in the same form."""
        self.redeem(DESKTOP)

    def test_redeem_phone(self):
        """The provider redeems at /my/redeem on a phone: scan the QR code, type the PIN,
        choose the service and the amount; the form and its answer fit the screen."""
        self.redeem(PHONE)

from odoo.tests import HttpCase, tagged

from .common import WelfareNetworkCommon


@tagged("post_install", "-at_install")
class TestPortal(WelfareNetworkCommon, HttpCase):
    def test_worker_family_pages(self):
        self.authenticate("worker_alfa", "worker_alfa")
        response = self.url_open("/my/family")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Carla Alfieri", response.text)
        self.assertNotIn("Dario Bianchi", response.text)

        response = self.url_open(f"/my/family/{self.child_a.id}")
        self.assertEqual(response.status_code, 200)
        self.assertIn("Carla Alfieri", response.text)

        # Another worker's family member: back to /my, nothing shown.
        response = self.url_open(f"/my/family/{self.parent_b.id}")
        self.assertTrue(response.url.endswith("/my"), response.url)
        self.assertNotIn("Dario Bianchi", response.text)

    def test_worker_family_tour(self):
        self.start_tour("/my", "welfare_network_portal_family", login="worker_alfa")

from odoo import models


class ResUsers(models.Model):
    _inherit = "res.users"

    def _welfare_redeem_blocked(self, ip=None):
        """Too many failed redemptions (wrong code or PIN) lately by this user, by anyone
        of the user's provider or from ``ip``: a sliding window, see welfare.redeem.attempt."""
        self.ensure_one()
        return self.env["welfare.redeem.attempt"]._is_blocked(self, self.commercial_partner_id, ip)

    def _welfare_redeem_failed(self, ip=None):
        """Count a failed redemption attempt; a later success does not erase it."""
        self.ensure_one()
        return self.env["welfare.redeem.attempt"]._record_failure(self, self.commercial_partner_id, ip)

from datetime import timedelta

from odoo import fields, models

MAX_FAILURES = 5
BLOCK_MINUTES = 15


class ResUsers(models.Model):
    _inherit = "res.users"

    welfare_redeem_failures = fields.Integer(default=0, copy=False)
    welfare_redeem_blocked_until = fields.Datetime(copy=False)

    def _welfare_redeem_blocked(self):
        self.ensure_one()
        until = self.sudo().welfare_redeem_blocked_until
        return bool(until and until > fields.Datetime.now())

    def _welfare_redeem_failed(self):
        """Count a wrong voucher code; block redemptions for a while after too many."""
        self.ensure_one()
        user = self.sudo()
        failures = user.welfare_redeem_failures + 1
        values = {"welfare_redeem_failures": failures}
        if failures >= MAX_FAILURES:
            values.update(
                {
                    "welfare_redeem_failures": 0,
                    "welfare_redeem_blocked_until": fields.Datetime.now() + timedelta(minutes=BLOCK_MINUTES),
                }
            )
        user.write(values)

    def _welfare_redeem_succeeded(self):
        self.ensure_one()
        if self.sudo().welfare_redeem_failures:
            self.sudo().welfare_redeem_failures = 0

import secrets
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import consteq
from odoo.tools.misc import hmac as hmac_sign

# Sliding window of the redemption throttle: at most MAX_FAILURES wrong codes or PINs in
# WINDOW_MINUTES, counted separately per user, per provider (commercial partner) and per IP.
MAX_FAILURES = 5
WINDOW_MINUTES = 15
# Failures are kept a day for the record, then vacuumed.
KEEP_HOURS = 24
# The worker's consent to an in-person redemption: a one-time PIN.
PIN_DIGITS = 6
PIN_MINUTES = 15


class RedeemBlockedError(UserError):
    """Too many failed redemption attempts in the window: nothing is even looked up."""


class WelfareRedeemAttempt(models.Model):
    """A failed in-person redemption (wrong voucher code or PIN). The throttle counts
    these in a sliding window; a successful redemption never erases them."""

    _name = "welfare.redeem.attempt"
    _description = "Failed Voucher Redemption"
    _order = "attempted_at desc, id desc"

    attempted_at = fields.Datetime(required=True, readonly=True, index=True, default=fields.Datetime.now)
    user_id = fields.Many2one("res.users", readonly=True, index=True, ondelete="cascade")
    provider_id = fields.Many2one("res.partner", readonly=True, index=True, ondelete="cascade")
    ip = fields.Char(string="IP Address", readonly=True, index=True)

    @api.model
    def _is_blocked(self, user, provider, ip=None):
        """True when the user, the provider or the IP address reached the limit of
        failures in the last WINDOW_MINUTES (whichever comes first)."""
        since = fields.Datetime.now() - timedelta(minutes=WINDOW_MINUTES)
        Attempt = self.sudo()
        keys = [("user_id", "=", user.id), ("provider_id", "=", provider.id)]
        if ip:
            keys.append(("ip", "=", ip))
        return any(
            Attempt.search_count([key, ("attempted_at", ">", since)], limit=MAX_FAILURES) >= MAX_FAILURES
            for key in keys
        )

    @api.model
    def _record_failure(self, user, provider, ip=None):
        return self.sudo().create({"user_id": user.id, "provider_id": provider.id, "ip": (ip or "")[:64] or False})

    @api.autovacuum
    def _gc_old_attempts(self):
        self.sudo().search([("attempted_at", "<", fields.Datetime.now() - timedelta(hours=KEEP_HOURS))]).unlink()


class WelfareVoucherPin(models.Model):
    """A one-time PIN by which a worker consents to one in-person redemption of a
    voucher: short-lived, stored as a keyed hash, used once. Read by nobody but the
    system (no access rights but the back office's, and that one only for counting)."""

    _name = "welfare.voucher.pin"
    _description = "Voucher Redemption PIN"
    _order = "id desc"

    voucher_id = fields.Many2one("welfare.voucher", required=True, readonly=True, index=True, ondelete="cascade")
    pin_hash = fields.Char(required=True, readonly=True, groups="base.group_system")
    expires_at = fields.Datetime(required=True, readonly=True)
    used_at = fields.Datetime(readonly=True)

    @api.model
    def _hash(self, voucher, pin):
        return hmac_sign(self.env(su=True), "welfare_voucher.redeem_pin", f"{voucher.id}:{pin}")

    @api.model
    def _new_pin(self, voucher):
        """A new PIN for ``voucher`` (earlier unused ones stop working). Returns the PIN
        in clear, to be shown once to the worker, and when it expires."""
        Pin = self.sudo()
        Pin.search([("voucher_id", "=", voucher.id), ("used_at", "=", False)]).unlink()
        pin = "".join(secrets.choice("0123456789") for _ in range(PIN_DIGITS))
        expires_at = fields.Datetime.now() + timedelta(minutes=PIN_MINUTES)
        Pin.create({"voucher_id": voucher.id, "pin_hash": self._hash(voucher, pin), "expires_at": expires_at})
        return pin, expires_at

    @api.model
    def _find_valid(self, voucher, pin):
        """The unused, unexpired PIN record of ``voucher`` matching ``pin`` (or nothing)."""
        if not voucher or not pin:
            return self.browse()
        candidates = self.sudo().search(
            [("voucher_id", "=", voucher.id), ("used_at", "=", False), ("expires_at", ">", fields.Datetime.now())]
        )
        expected = self._hash(voucher, pin)
        return candidates.filtered(lambda p: consteq(p.pin_hash, expected))[:1]

    def _consume(self):
        """Mark the PIN used, once: a PIN used meanwhile by another request is refused."""
        self.ensure_one()
        self.env.cr.execute(
            "UPDATE welfare_voucher_pin SET used_at = (now() at time zone 'UTC') WHERE id = %s AND used_at IS NULL",
            (self.id,),
        )
        consumed = self.env.cr.rowcount == 1
        self.invalidate_recordset(["used_at"])
        return consumed

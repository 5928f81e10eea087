import secrets

from odoo import models
from odoo.exceptions import AccessError, UserError

# Set in the context by the models' own action methods only. A random value chosen at
# start-up: an RPC caller, who controls the context it sends, cannot forge it.
ACTION_TOKEN = secrets.token_hex(16)


class WelfareActionGuardMixin(models.AbstractModel):
    """Fields that only a model's own action methods move (states, issued amounts,
    links to the books), and group checks for the public methods that move money,
    change a state or send mail: every public method is an RPC endpoint, and a
    ``readonly`` in a view protects nothing over RPC."""

    _name = "welfare.action.guard.mixin"
    _description = "Welfare: Fields Moved Only by Actions"

    # Field names that ``write`` refuses unless called through ``_welfare_action_write``.
    _welfare_guarded_fields = frozenset()

    def write(self, vals):
        guarded = self._welfare_guarded_fields & set(vals)
        if guarded and not self._welfare_in_action():
            labels = sorted(self._fields[name]._description_string(self.env) for name in guarded)
            raise UserError(
                self.env._(
                    "%(fields)s of %(model)s change only through its actions (buttons), never by editing.",
                    fields=", ".join(labels),
                    model=self.env["ir.model"]._get(self._name).display_name,
                )
            )
        return super().write(vals)

    def _welfare_in_action(self):
        """Whether the current call comes from an action method of a welfare model."""
        return self.env.context.get("welfare_network_action") == ACTION_TOKEN

    def _welfare_action_write(self, vals):
        """Write guarded fields, from an action method of the model."""
        return self.with_context(welfare_network_action=ACTION_TOKEN).write(vals)

    def _welfare_check_group(self, *group_xmlids):
        """Raise unless the current user is in one of the groups (or is the superuser)."""
        if self.env.su or any(self.env.user.has_group(xmlid) for xmlid in group_xmlids):
            return
        raise AccessError(
            self.env._(
                "You are not allowed to do this on %(model)s: it is reserved to %(groups)s.",
                model=self.env["ir.model"]._get(self._name).display_name,
                groups=", ".join(self.env.ref(xmlid).display_name for xmlid in group_xmlids),
            )
        )

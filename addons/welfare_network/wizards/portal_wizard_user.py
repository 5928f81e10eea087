from odoo import models


class PortalWizardUser(models.TransientModel):
    _inherit = "portal.wizard.user"

    def action_grant_access(self):
        """Grant portal access, then the welfare portal roles of the partner
        (worker, provider, producer)."""
        result = super().action_grant_access()
        self.partner_id.with_context(active_test=False).user_ids._welfare_sync_portal_roles()
        return result

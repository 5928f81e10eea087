from odoo import api, fields, models
from odoo.exceptions import ValidationError


class ResUsers(models.Model):
    _inherit = "res.users"

    welfare_employer_id = fields.Many2one(
        "res.partner",
        domain="[('is_company', '=', True), ('welfare_member_type', '!=', False)]",
        help="For HR referents: the member whose workers this user manages. "
        "Record rules restrict the user to these workers.",
    )

    @api.constrains("welfare_employer_id", "groups_id")
    def _check_welfare_hr_referent(self):
        group = self.env.ref("welfare_network.group_welfare_hr_referent", raise_if_not_found=False)
        for user in self:
            if group and group in user.groups_id and not user.welfare_employer_id:
                raise ValidationError(self.env._("The HR referent %(user)s needs a welfare employer.", user=user.name))

    def _welfare_sync_portal_roles(self):
        """Give portal users the welfare portal groups matching their partner's roles."""
        roles = {
            "is_welfare_worker": "welfare_network.group_welfare_portal_worker",
            "is_welfare_provider": "welfare_network.group_welfare_portal_provider",
            "is_welfare_producer": "welfare_network.group_welfare_portal_producer",
        }
        for user in self.filtered("share"):
            partner = user.partner_id.commercial_partner_id
            commands = [(4 if partner[flag] else 3, self.env.ref(xmlid).id) for flag, xmlid in roles.items()]
            user.sudo().write({"groups_id": commands})

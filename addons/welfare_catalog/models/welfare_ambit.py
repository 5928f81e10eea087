from odoo import api, models, tools


class WelfareAmbit(models.Model):
    _inherit = "welfare.ambit"

    @api.model
    @tools.ormcache("self.env.lang")
    def _welfare_shop_ambits(self):
        """The active ambits as (id, name) pairs in the current language, in their order.

        Every shop page shows them (the ambit filter, the km-0 badges) and they change a
        few times a year: read once per language and kept in the registry's cache, not
        once per page (issue #11). Any change to an ambit clears the cache (below), in
        every worker; a rolled-back change is forgotten with it."""
        ambits = self.sudo().with_context(active_test=True).search_fetch([], ["name"])
        return tuple((ambit.id, ambit.name) for ambit in ambits)

    @api.model_create_multi
    def create(self, vals_list):
        ambits = super().create(vals_list)
        self.env.registry.clear_cache()
        return ambits

    def write(self, vals):
        result = super().write(vals)
        self.env.registry.clear_cache()
        return result

    def unlink(self):
        result = super().unlink()
        self.env.registry.clear_cache()
        return result

    def _update_field_translations(self, field_name, translations, digest=None, source_lang=None):
        # Translations are written in SQL, without write(): a renamed ambit shows at once.
        result = super()._update_field_translations(field_name, translations, digest=digest, source_lang=source_lang)
        self.env.registry.clear_cache()
        return result

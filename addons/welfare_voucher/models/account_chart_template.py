from odoo import models


class AccountChartTemplate(models.AbstractModel):
    _inherit = "account.chart.template"

    def _load(self, template_code, company, install_demo, force_create=True):
        """Any chart, the Italian one (l10n_it) included: add the welfare accounts,
        journals and payment provider to the company once its chart is loaded."""
        result = super()._load(template_code, company, install_demo, force_create=force_create)
        company._welfare_setup_accounting()
        return result

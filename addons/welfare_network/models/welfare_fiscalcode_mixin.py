from stdnum.exceptions import InvalidChecksum, InvalidComponent, InvalidLength
from stdnum.exceptions import ValidationError as StdnumValidationError
from stdnum.it import codicefiscale

from odoo import api, fields, models
from odoo.exceptions import ValidationError


def normalize_fiscalcode(value):
    """Upper-case a codice fiscale and drop spaces; empty stays empty."""
    return codicefiscale.compact(value) if value else value


class WelfareFiscalcodeMixin(models.AbstractModel):
    """A codice fiscale, stored upper-case without spaces and checked (DPR 605/1973):
    16 characters with its check character for people, 11 digits for organisations."""

    _name = "welfare.fiscalcode.mixin"
    _description = "Codice Fiscale"

    fiscalcode = fields.Char(
        string="Codice fiscale",
        size=16,
        copy=False,
        # Personal data: never copied into the chatter, where whoever reads the record reads it.
        help="Italian tax code: 16 characters for people, 11 digits for organisations.",
    )

    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            if vals.get("fiscalcode"):
                vals["fiscalcode"] = normalize_fiscalcode(vals["fiscalcode"])
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("fiscalcode"):
            vals = dict(vals, fiscalcode=normalize_fiscalcode(vals["fiscalcode"]))
        return super().write(vals)

    @api.constrains("fiscalcode")
    def _check_fiscalcode(self):
        """Codice fiscale must pass its check character (DPR 605/1973)."""
        for record in self.filtered("fiscalcode"):
            try:
                codicefiscale.validate(record.fiscalcode)
            except StdnumValidationError as e:
                raise ValidationError(
                    self.env._(
                        "%(code)s is not a valid codice fiscale: %(reason)s",
                        code=record.fiscalcode,
                        reason=record._fiscalcode_error_reason(e),
                    )
                ) from e

    def _fiscalcode_error_reason(self, error):
        """Why python-stdnum refused a codice fiscale, in the user's language
        (its own messages are English only)."""
        if isinstance(error, InvalidLength):
            return self.env._("it must have 16 characters for a person or 11 digits for an organisation")
        if isinstance(error, InvalidChecksum):
            return self.env._("its check character is wrong")
        if isinstance(error, InvalidComponent):
            return self.env._("the birth date or the office code it contains does not exist")
        return self.env._("its letters and digits are not in the expected places")

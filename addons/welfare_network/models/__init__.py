from . import (
    res_partner,
    res_users,
    welfare_ambit,
    welfare_certification,
    welfare_convention,
    welfare_family_member,
    welfare_membership,
    welfare_municipality,
)

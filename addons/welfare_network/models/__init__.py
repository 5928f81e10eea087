from . import welfare_ambit
from . import welfare_municipality
from . import welfare_membership
from . import welfare_family_member
from . import welfare_convention
from . import welfare_certification
from . import res_partner
from . import res_users

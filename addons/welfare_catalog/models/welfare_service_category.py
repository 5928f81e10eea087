from odoo import api, fields, models
from odoo.exceptions import ValidationError

FISCAL_BASES = [
    ("art51_2_f", "TUIR art. 51 c.2 lett. f (education, recreation, social and health care; in kind)"),
    ("art51_2_f_bis", "TUIR art. 51 c.2 lett. f-bis (education and childcare for family members)"),
    ("art51_2_f_ter", "TUIR art. 51 c.2 lett. f-ter (care of elderly or non-self-sufficient relatives)"),
    ("art51_3", "TUIR art. 51 c.3 (goods and services, fringe-benefit ceiling)"),
    ("none", "Not a welfare benefit"),
]

ELIGIBILITIES = [
    ("any", "Every worker"),
    ("child_age", "A child within an age range"),
    ("elderly_or_dependent", "A relative aged N+ or non-self-sufficient"),
]


class WelfareServiceCategory(models.Model):
    """Category of welfare service or product, with its fiscal basis and the family
    situation that makes a worker eligible. Mirrored as a shop (public) category,
    so the network keeps a single taxonomy."""

    _name = "welfare.service.category"
    _description = "Welfare Service Category"
    _inherit = ["mail.thread"]
    _parent_store = True
    _parent_name = "parent_id"
    _rec_name = "complete_name"
    _order = "complete_name"

    name = fields.Char(required=True, translate=True, tracking=True)
    complete_name = fields.Char(compute="_compute_complete_name", store=True, recursive=True)
    code = fields.Char(required=True, help="Stable code used by rules, imports and reports.")
    parent_id = fields.Many2one(
        "welfare.service.category", string="Parent Category", index=True, ondelete="restrict", tracking=True
    )
    parent_path = fields.Char(index=True)
    child_ids = fields.One2many("welfare.service.category", "parent_id", string="Subcategories")
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Html(translate=True)
    fiscal_basis = fields.Selection(FISCAL_BASES, required=True, default="art51_2_f", tracking=True)
    eligibility = fields.Selection(
        ELIGIBILITIES,
        string="Family Eligibility",
        required=True,
        default="any",
        tracking=True,
        help="Which workers may use welfare credit on this category.",
    )
    tax_ids = fields.Many2many(
        "account.tax",
        "welfare_service_category_account_tax_rel",
        "category_id",
        "tax_id",
        string="VAT",
        domain=[("type_tax_use", "=", "sale")],
        help="The VAT of the services and goods of this category (rate, or exemption with its "
        "nature code), set by the back office with the network's accountant: a listing gets it "
        "when it is published, never from the provider (docs/fiscal-model.md). Subcategories "
        "without their own VAT use their parent's.",
    )
    child_age_min = fields.Integer(string="Child Age From", tracking=True)
    child_age_max = fields.Integer(string="Child Age To", tracking=True)
    relative_age_min = fields.Integer(string="Relative Aged From", default=75, tracking=True)
    eligibility_summary = fields.Char(compute="_compute_eligibility_summary")
    public_categ_id = fields.Many2one(
        "product.public.category",
        string="Shop Category",
        readonly=True,
        copy=False,
        ondelete="set null",
        help="Shop navigation category kept in sync with this one.",
    )
    product_count = fields.Integer(string="Listings", compute="_compute_product_count")

    _sql_constraints = [
        ("code_unique", "unique(code)", "The category code must be unique."),
        (
            "child_ages",
            "CHECK(child_age_min >= 0 AND child_age_max >= child_age_min)",
            "The child age range is not valid.",
        ),
    ]

    @api.depends("name", "parent_id.complete_name")
    def _compute_complete_name(self):
        for category in self:
            category.complete_name = (
                f"{category.parent_id.complete_name} / {category.name}" if category.parent_id else category.name
            )

    @api.depends("eligibility", "child_age_min", "child_age_max", "relative_age_min")
    def _compute_eligibility_summary(self):
        for category in self:
            if category.eligibility == "child_age":
                category.eligibility_summary = self.env._(
                    "For workers with a child aged %(min)s-%(max)s",
                    min=category.child_age_min,
                    max=category.child_age_max,
                )
            elif category.eligibility == "elderly_or_dependent":
                category.eligibility_summary = self.env._(
                    "For workers caring for a relative aged %(age)s+ or non-self-sufficient",
                    age=category.relative_age_min,
                )
            else:
                category.eligibility_summary = self.env._("For every worker")

    def _compute_product_count(self):
        """Listings in each category and its subcategories, from one grouped query."""
        groups = self.env["product.template"]._read_group(
            [("welfare_category_id", "child_of", self.ids)], ["welfare_category_id"], ["__count"]
        )
        for category in self:
            category.product_count = sum(
                count for listed, count in groups if listed.parent_path.startswith(category.parent_path or "/")
            )

    @api.constrains("parent_id")
    def _check_recursion_parent(self):
        if self._has_cycle():
            raise ValidationError(self.env._("A category cannot be its own ancestor."))

    def _welfare_taxes(self, company):
        """The VAT of this category for ``company``: its own, or its nearest parent's."""
        self.ensure_one()
        category = self.sudo()
        while category:
            taxes = category.tax_ids.filtered(lambda t: t.company_id in (company | company.parent_ids))
            if taxes:
                return taxes
            category = category.parent_id
        return self.env["account.tax"]

    def _is_within(self, categories):
        """True when this category is one of ``categories`` or below one of them."""
        self.ensure_one()
        return any(self.parent_path.startswith(category.parent_path) for category in categories)

    def _is_worker_eligible(self, worker, on_date=None):
        """Whether ``worker``'s family makes them eligible for this category
        (f-bis: a child in the age range; f-ter: a relative 75+ or non-self-sufficient)."""
        self.ensure_one()
        if self.eligibility == "child_age":
            return worker._welfare_has_child_aged(self.child_age_min, self.child_age_max, on_date=on_date)
        if self.eligibility == "elderly_or_dependent":
            return worker._welfare_cares_for_elderly_or_dependent(min_age=self.relative_age_min, on_date=on_date)
        return True

    # ------------------------------------------------------------------
    # one taxonomy: keep the shop's public categories in sync
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        categories = super().create(vals_list)
        for category in categories:
            category._sync_public_category()
        return categories

    def write(self, vals):
        result = super().write(vals)
        if {"name", "parent_id", "sequence"} & set(vals):
            for category in self:
                category._sync_public_category()
        return result

    @api.model
    def _demo_set_vat(self):
        """Demo only: a VAT per category on the Italian chart, as a network might set it
        with its accountant (docs/fiscal-model.md, to be confirmed case by case): care,
        education and childcare by social cooperatives 5% (DPR 633/72 Tabella A parte
        II-bis), km 0 food 4%, the other goods and services 22%. The demo listings
        follow their category, as if reviewed."""
        company = self.env.company
        rates = {"art51_2_f": "5v", "art51_2_f_bis": "5v", "art51_2_f_ter": "5v", "art51_3": "22v", "none": "22v"}
        by_code = {"KM0": "4v"}
        for category in self.search([("parent_id", "=", False)]):
            suffix = by_code.get(category.code) or rates[category.fiscal_basis]
            tax = (
                self.env.ref(f"account.{company.id}_{suffix}", raise_if_not_found=False) or company.account_sale_tax_id
            )
            category.tax_ids = tax
        listings = self.env["product.template"].search([("welfare_category_id", "!=", False)])
        for category, category_listings in listings.grouped("welfare_category_id").items():
            category_listings.taxes_id = category._welfare_taxes(company)

    @api.model
    def _demo_shop_categories_first(self):
        """Demo only: the welfare categories lead the shop's category bar; Odoo's generic
        demo categories (desks, furniture...) follow them."""
        ours = self.search([]).public_categ_id
        others = self.env["product.public.category"].search([("id", "not in", ours.ids), ("parent_id", "=", False)])
        for category in others:
            category.sequence += 1000

    def _sync_public_category(self):
        self.ensure_one()
        values = {
            "name": self.name,
            "parent_id": self.parent_id.public_categ_id.id,
            "sequence": self.sequence,
        }
        PublicCategory = self.env["product.public.category"].sudo()
        if self.public_categ_id:
            self.public_categ_id.sudo().write(values)
        else:
            self.public_categ_id = PublicCategory.create(values)
        # Keep the translations of the name aligned with the shop category.
        translations, _context = self.get_field_translations("name")
        by_lang = {t["lang"]: t["value"] for t in translations if t["value"]}
        if by_lang:
            self.public_categ_id.sudo().update_field_translations("name", by_lang)

"""The issue e-mail carries a link to the voucher in the portal, where its PDF is
rendered on demand, instead of a PDF rendered while issuing (issue 11). The template is
``noupdate``: existing databases get the change here (the paragraph is replaced only
where it was not customised)."""

from psycopg2.extras import Json

from odoo import SUPERUSER_ID, Command, api

OLD = "<p>Lo trovi in allegato con il codice QR, e nel portale alla voce «Il mio welfare».</p>"
NEW = (
    "<p>Lo trovi con il codice QR nel portale, alla voce «Il mio welfare»:\n"
    '       <a t-att-href="object.get_base_url() + object.access_url">apri il voucher</a>'
    " (da lì puoi anche scaricarlo in PDF).</p>"
)


def migrate(cr, version):
    env = api.Environment(cr, SUPERUSER_ID, {})
    template = env.ref("welfare_voucher.mail_template_voucher_issued", raise_if_not_found=False)
    if not template:
        return
    template.report_template_ids = [Command.clear()]
    cr.execute("SELECT body_html FROM mail_template WHERE id = %s", [template.id])
    bodies = cr.fetchone()[0] or {}
    if any(OLD in (body or "") for body in bodies.values()):
        bodies = {lang: (body or "").replace(OLD, NEW) for lang, body in bodies.items()}
        cr.execute("UPDATE mail_template SET body_html = %s WHERE id = %s", [Json(bodies), template.id])
        template.invalidate_recordset(["body_html"])

# Odoo 18.0 (official image) plus the welfare suite's Python requirements.
FROM odoo:18.0
USER root
COPY requirements.txt /tmp/welfare-requirements.txt
RUN pip3 install --no-cache-dir --break-system-packages -r /tmp/welfare-requirements.txt
USER odoo

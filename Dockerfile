# The welfare suite on the official Odoo 18.0 image: our Python requirements
# and docker/entrypoint.sh, which writes the runtime config from
# config/odoo-docker.conf and the environment, and initialises the database once.
FROM odoo:18.0
USER root
COPY requirements.txt /tmp/welfare-requirements.txt
RUN pip3 install --no-cache-dir --break-system-packages -r /tmp/welfare-requirements.txt \
    && rm /tmp/welfare-requirements.txt
COPY docker/entrypoint.sh /usr/local/bin/welfare-entrypoint.sh
# The template is also bind-mounted by docker-compose.yml (edits without a rebuild).
COPY config/odoo-docker.conf /etc/odoo/welfare.conf.template
# The entry point replaces /etc/odoo/odoo.conf (secrets, mode 600) at each start.
RUN chmod 0755 /usr/local/bin/welfare-entrypoint.sh \
    && chmod 0644 /etc/odoo/welfare.conf.template \
    && chown odoo /etc/odoo /etc/odoo/odoo.conf \
    && chmod 0750 /etc/odoo
USER odoo
ENTRYPOINT ["/usr/local/bin/welfare-entrypoint.sh"]
# Setting ENTRYPOINT clears the base image's CMD.
CMD ["odoo"]

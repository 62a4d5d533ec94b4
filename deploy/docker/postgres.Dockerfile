# PostgreSQL 15 from Debian's package. Takes the variables of the official image it stands in
# for: POSTGRES_PASSWORD (or POSTGRES_PASSWORD_FILE), POSTGRES_DB, PGDATA.
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
# A fixed uid/gid before the package makes its own, so volumes and runAsUser can name it.
RUN groupadd --system --gid 999 postgres \
 && useradd --system --uid 999 --gid postgres --home-dir /var/lib/postgresql --shell /bin/bash postgres \
 && apt-get update \
 && apt-get install -y --no-install-recommends postgresql-15 \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o postgres -g postgres -m 700 /var/lib/postgresql/data \
 && install -d -o postgres -g postgres -m 775 /var/run/postgresql
COPY deploy/docker/postgres-entrypoint /usr/local/bin/postgres-entrypoint
ENV PATH=/usr/lib/postgresql/15/bin:$PATH PGDATA=/var/lib/postgresql/data/pgdata
LABEL org.opencontainers.image.title="postgres" \
      org.opencontainers.image.description="PostgreSQL 15 from Debian 12" \
      org.opencontainers.image.version="15"
VOLUME /var/lib/postgresql/data
USER 999:999
EXPOSE 5432
STOPSIGNAL SIGINT
HEALTHCHECK --interval=2s --timeout=3s --start-period=60s --retries=5 \
  CMD ["pg_isready", "-q", "-h", "127.0.0.1", "-U", "postgres"]
ENTRYPOINT ["/usr/local/bin/postgres-entrypoint"]

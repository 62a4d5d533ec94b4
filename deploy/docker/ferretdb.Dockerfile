# FerretDB v1 (the MongoDB wire protocol) from the binary scripts/setup builds with Go; the
# build context holds that binary and deploy/docker/healthcheck. Backend: SQLite files in
# /data by default; FERRETDB_HANDLER=postgresql with FERRETDB_POSTGRESQL_URL switches it.
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
ARG VERSION=v1.24.2
RUN groupadd --system --gid 10002 ferretdb \
 && useradd --system --uid 10002 --gid ferretdb --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin ferretdb \
 && install -d -o ferretdb -g ferretdb /data /state
COPY ferretdb /usr/local/bin/ferretdb
COPY healthcheck /usr/local/bin/healthcheck
ENV FERRETDB_HANDLER=sqlite FERRETDB_SQLITE_URL=file:/data/ FERRETDB_LISTEN_ADDR=:27017 \
    FERRETDB_DEBUG_ADDR=127.0.0.1:8088 FERRETDB_STATE_DIR=/state FERRETDB_TELEMETRY=disable \
    FERRETDB_LOG_FORMAT=text
LABEL org.opencontainers.image.title="ferretdb" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.description="FerretDB, MongoDB wire protocol on SQLite or PostgreSQL"
VOLUME /data /state
USER 10002:10002
EXPOSE 27017
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=2s --timeout=3s --start-period=30s --retries=5 \
  CMD ["/usr/local/bin/healthcheck", "/debug/readyz", "8088"]
ENTRYPOINT ["/usr/local/bin/ferretdb"]
# Capped collections (the logger's logs_recent window) trimmed every second, as
# scripts/lib/servers/ferretdb.sh explains.
CMD ["--test-capped-cleanup-interval=1s"]

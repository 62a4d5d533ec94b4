# Mailpit (SMTP sink with a web UI and JSON API) from the binary scripts/setup builds with Go;
# the build context holds that binary.
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
ARG VERSION=v1.33.1
RUN groupadd --system --gid 10003 mailpit \
 && useradd --system --uid 10003 --gid mailpit --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin mailpit \
 && install -d -o mailpit -g mailpit /data
COPY mailpit /usr/local/bin/mailpit
ENV MP_SMTP_BIND_ADDR=0.0.0.0:1025 MP_UI_BIND_ADDR=0.0.0.0:8025 MP_DATABASE=/data/mailpit.db \
    MP_SMTP_AUTH_ACCEPT_ANY=true MP_SMTP_AUTH_ALLOW_INSECURE=true MP_DISABLE_VERSION_CHECK=true
LABEL org.opencontainers.image.title="mailpit" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.description="Mailpit SMTP sink"
VOLUME /data
USER 10003:10003
EXPOSE 1025 8025
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=2s --timeout=3s --start-period=20s --retries=5 CMD ["/usr/local/bin/mailpit", "readyz"]
ENTRYPOINT ["/usr/local/bin/mailpit"]

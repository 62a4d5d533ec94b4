# Prometheus from Debian's package, with deploy/prometheus (configuration and rules) baked in:
# the same files scripts/servers renders for the local profiles and Kubernetes takes as the
# ConfigMap prometheus-config. Build context: the repository's deploy/ folder.
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
# The package makes its own system user `prometheus` (its post-install script refuses one made
# beforehand outside the system uid range); the server runs as that user.
RUN apt-get update \
 && apt-get install -y --no-install-recommends prometheus \
 && rm -rf /var/lib/apt/lists/* \
 && install -d -o prometheus -g prometheus /prometheus
COPY deploy/prometheus/prometheus.yml /etc/prometheus/prometheus.yml
COPY deploy/prometheus/rules /etc/prometheus/rules
COPY deploy/docker/healthcheck /usr/local/bin/healthcheck
RUN promtool check config /etc/prometheus/prometheus.yml
LABEL org.opencontainers.image.title="prometheus" \
      org.opencontainers.image.description="Prometheus from Debian 12 with the system's scrape configuration and rules"
VOLUME /prometheus
USER prometheus
EXPOSE 9090
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=2s --timeout=3s --start-period=30s --retries=5 \
  CMD ["/usr/local/bin/healthcheck", "/-/ready", "9090"]
ENTRYPOINT ["/usr/bin/prometheus", "--config.file=/etc/prometheus/prometheus.yml", \
  "--storage.tsdb.path=/prometheus", "--web.listen-address=0.0.0.0:9090"]

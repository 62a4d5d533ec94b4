# The edge: nginx from Debian's package in front of the broker replicas (and the frontend),
# the one entry published to the host. See deploy/docker/edge-nginx.conf.
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends nginx-light \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled/* /var/log/nginx/*
COPY deploy/docker/edge-nginx.conf /etc/nginx/nginx.conf
COPY deploy/docker/healthcheck /usr/local/bin/healthcheck
LABEL org.opencontainers.image.title="edge" \
      org.opencontainers.image.description="nginx load balancer in front of the broker and the frontend"
USER 33:33
EXPOSE 8080 8081
STOPSIGNAL SIGQUIT
HEALTHCHECK --interval=2s --timeout=3s --start-period=10s --retries=3 \
  CMD ["/usr/local/bin/healthcheck", "/healthz", "8090"]
ENTRYPOINT ["nginx", "-e", "stderr", "-g", "daemon off;"]

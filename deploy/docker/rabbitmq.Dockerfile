# RabbitMQ from Debian's package, one node per container. Takes the variables of the official
# image it stands in for: RABBITMQ_DEFAULT_USER, RABBITMQ_DEFAULT_PASS (or _FILE).
ARG DEBIAN_IMAGE=debian:bookworm-slim
FROM ${DEBIAN_IMAGE}
RUN groupadd --system --gid 999 rabbitmq \
 && useradd --system --uid 999 --gid rabbitmq --home-dir /var/lib/rabbitmq --shell /bin/bash rabbitmq \
 && apt-get update \
 && apt-get install -y --no-install-recommends rabbitmq-server \
 && rm -rf /var/lib/apt/lists/* /var/lib/rabbitmq/mnesia /var/log/rabbitmq/* \
 && install -d -o rabbitmq -g rabbitmq -m 750 /var/lib/rabbitmq /etc/rabbitmq
COPY deploy/docker/rabbitmq-entrypoint /usr/local/bin/rabbitmq-entrypoint
COPY deploy/docker/amqp-healthcheck /usr/local/bin/amqp-healthcheck
ENV HOME=/var/lib/rabbitmq RABBITMQ_CONFIG_FILE=/etc/rabbitmq/rabbitmq.conf \
    RABBITMQ_LOGS=- RABBITMQ_MNESIA_BASE=/var/lib/rabbitmq/mnesia \
    RABBITMQ_NODENAME=rabbit@localhost
LABEL org.opencontainers.image.title="rabbitmq" \
      org.opencontainers.image.description="RabbitMQ from Debian 12"
VOLUME /var/lib/rabbitmq
USER 999:999
EXPOSE 5672
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=3s --timeout=3s --start-period=90s --retries=5 CMD ["/usr/local/bin/amqp-healthcheck"]
ENTRYPOINT ["/usr/local/bin/rabbitmq-entrypoint"]

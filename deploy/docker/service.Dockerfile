# One service image from a binary built outside Docker (scripts/build -> build/bin), on the
# shared runtime base (the `runtime` stage of deploy/docker/Dockerfile, which brings the user,
# STOPSIGNAL, HEALTHCHECK and ENTRYPOINT). The build context is a directory holding only that
# binary, stripped; deploy/scripts/build-images prepares it and adds the labels with --label.
#
#   docker build -f deploy/docker/service.Dockerfile --build-arg SERVICE=broker \
#     --build-arg PORT=8080 -t microservices/broker CONTEXT_DIR
ARG RUNTIME_IMAGE=microservices/runtime:local
FROM ${RUNTIME_IMAGE}
ARG SERVICE
ARG PORT
ARG EXTRA_PORTS=""
COPY ${SERVICE} /usr/local/bin/service
ENV PORT=${PORT} SERVICE_NAME=${SERVICE}
EXPOSE ${PORT} ${EXTRA_PORTS}

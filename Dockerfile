# Herald: one static binary on a minimal, non-root base image.
#   docker build -t herald .
#   docker run -p 8080:8080 -v herald-data:/data \
#     -e HERALD_BASE_URL=https://news.example.org \
#     -e HERALD_FEEDS=news=https://example.org/feed/ herald

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/herald ./cmd/herald \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/herald /herald
# A new named volume copies this directory, owner included, so the
# non-root user can write the database.
COPY --from=build --chown=65532:65532 /out/data /data
ENV HERALD_LISTEN=0.0.0.0:8080 \
    HERALD_DATA_DIR=/data
# The bbolt file lives here; the nonroot user (65532) owns it.
VOLUME ["/data"]
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/herald"]
# Configure with HERALD_* variables, or mount a file and run
# "serve --config /etc/herald/herald.yaml".
CMD ["serve"]

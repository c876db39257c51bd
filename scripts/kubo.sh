#!/usr/bin/env bash
# Prints the path of a kubo (`ipfs`) binary for the interop specs, building it
# first when there is none.
#
#   KUBO_BIN set      -> that binary (it must run), nothing is built
#   otherwise         -> $KUBO_CACHE/kubo-v0.43.1/ipfs, built once and reused
#                        (KUBO_CACHE defaults to ~/.cache/helia-dynamic-directory)
#
# The build uses the Go module proxy only. `go install .../cmd/ipfs@v0.43.1`
# cannot work: kubo 0.43.1's go.mod replaces go-libp2p with a fork
# (github.com/lidel/go-libp2p) that the proxy does not serve, and a replace in
# a dependency's go.mod stops `go install pkg@version`. So the script takes the
# kubo module from the proxy (`go mod download`), copies it to a writable
# folder, drops that replace, and pins what go-libp2p v0.49.0 (the upstream
# release the fork is based on) was released with: quic-go v0.60.0 and
# webtransport-go v0.11.1 (kubo asks for v0.62.0 / v0.13.0, which upstream
# v0.49.0 does not build against: `undefined: webtransport.Dialer`). The
# specs use TCP only; QUIC and WebTransport are not exercised.
#
# Everything but the path goes to stderr; the build log is kept beside the
# binary (build.log).
set -euo pipefail

KUBO_VERSION=v0.43.1
QUIC_GO_VERSION=v0.60.0
WEBTRANSPORT_GO_VERSION=v0.11.1

if [ -n "${KUBO_BIN:-}" ]; then
  if ! "$KUBO_BIN" version >/dev/null 2>&1; then
    echo "KUBO_BIN=$KUBO_BIN does not run" >&2
    exit 1
  fi
  echo "$KUBO_BIN"
  exit 0
fi

cache="${KUBO_CACHE:-$HOME/.cache/helia-dynamic-directory}/kubo-$KUBO_VERSION"
bin="$cache/ipfs"

if [ -x "$bin" ] && "$bin" version >/dev/null 2>&1; then
  echo "$bin"
  exit 0
fi

if ! command -v go >/dev/null 2>&1; then
  echo "no kubo binary at $bin and no Go to build one (set KUBO_BIN)" >&2
  exit 1
fi

mkdir -p "$cache"
log="$cache/build.log"
started=$(date +%s)
echo "building kubo $KUBO_VERSION into $bin (log: $log); minutes on a cold Go cache" >&2

{
  module_dir=$(go mod download -json "github.com/ipfs/kubo@$KUBO_VERSION" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')

  if [ -z "$module_dir" ] || [ ! -f "$module_dir/go.mod" ]; then
    echo "go mod download gave no module folder for kubo $KUBO_VERSION"
    exit 1
  fi

  src="$cache/src"
  rm -rf "$src"
  cp -r "$module_dir" "$src"
  chmod -R u+w "$src"
  cd "$src"

  go mod edit \
    -dropreplace=github.com/libp2p/go-libp2p \
    -replace="github.com/quic-go/quic-go=github.com/quic-go/quic-go@$QUIC_GO_VERSION" \
    -replace="github.com/quic-go/webtransport-go=github.com/quic-go/webtransport-go@$WEBTRANSPORT_GO_VERSION"

  # -mod=mod lets go fill in go.sum for the changed requirements
  GOFLAGS="-mod=mod -buildvcs=false" go build -trimpath -o "$bin.tmp" ./cmd/ipfs
  mv "$bin.tmp" "$bin"
  cd "$cache"
  rm -rf "$src"
} >"$log" 2>&1 || {
  echo "kubo build failed; the end of $log:" >&2
  tail -n 20 "$log" >&2
  exit 1
}

echo "built $("$bin" version) in $(( $(date +%s) - started )) s" >&2
echo "$bin"

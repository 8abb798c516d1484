#!/bin/sh
# ctest bindings.go: vets the Go binding and runs `go test -race ./...`
# against this build tree's libtenet, offline (GOPROXY=off, nothing
# downloaded; caches under the build directory). Exits 77 (skipped) when Go
# is not installed, or in a sanitizer build (an instrumented libtenet cannot
# be linked into a plain Go binary).
#   run-tests.sh BUILD_DIR [CC] [SANITIZE]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=$(cd "$1" && pwd)
cc=${2:-cc}
sanitize=${3:-}

if ! command -v go >/dev/null 2>&1; then
  echo "SKIP: go is not installed (apt-get install golang-go)"; exit 77
fi
if [ -n "$sanitize" ]; then
  echo "SKIP: sanitizer build ($sanitize): libtenet is instrumented"; exit 77
fi
if [ ! -f "$build/tenet-uninstalled.pc" ]; then
  echo "FAIL: $build/tenet-uninstalled.pc is missing: re-run cmake"; exit 1
fi

# pkg-config prefers tenet-uninstalled.pc from the build directory: the
# repository's headers, build/src/libtenet.so and an rpath to it.
PKG_CONFIG_PATH="$build${PKG_CONFIG_PATH:+:$PKG_CONFIG_PATH}"
export PKG_CONFIG_PATH CC="$cc" CGO_ENABLED=1
export GOPROXY=off GOFLAGS=-mod=mod GOSUMDB=off GOTOOLCHAIN=local GOENV=off
export GOCACHE="$build/go/cache" GOPATH="$build/go/path" GOTMPDIR=
export GOMODCACHE="$build/go/path/pkg/mod"
# Go's build cache does not hash C headers outside the package: fold the
# public headers into CGO_CFLAGS so a changed struct layout recompiles.
sum=$(cat "$here/../../include/tenet.h" "$here"/../../include/tenet/*.h \
      "$build/include/tenet/version.h" | cksum | cut -d' ' -f1)
export CGO_CFLAGS="${CGO_CFLAGS:--g -O2} -DTENET_HEADERS_CKSUM=$sum"

cd "$here"
go version
go vet ./...
exec go test -race -count=1 ./...

#!/bin/sh
# ctest bindings.node: builds the addon against this build tree, then runs
# `npm test`. Exits 77 (skipped) when Node.js or the npm package
# node-api-headers (`npm ci` in bindings/node) is missing, or in a sanitizer
# build (an instrumented libtenet cannot be loaded into a plain node).
#   run-tests.sh BUILD_DIR [CC] [SANITIZE]
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=$1
cc=${2:-cc}
sanitize=${3:-}

if ! command -v node >/dev/null 2>&1; then
  echo "SKIP: node is not installed"; exit 77
fi
if [ ! -f "$here/node_modules/node-api-headers/include/node_api.h" ]; then
  echo "SKIP: node-api-headers missing: run 'npm ci' in bindings/node"; exit 77
fi
if [ -n "$sanitize" ]; then
  echo "SKIP: sanitizer build ($sanitize): libtenet is instrumented"; exit 77
fi

addon="$build/bindings/node/tenet.node"
CC=$cc node "$here/tools/build.js" --build-dir "$build" --out "$addon"

cd "$here"
export TENET_NODE_ADDON="$addon" NPM_CONFIG_UPDATE_NOTIFIER=false
if command -v npm >/dev/null 2>&1; then
  exec npm test
fi
exec node --expose-gc --test test/*.test.js

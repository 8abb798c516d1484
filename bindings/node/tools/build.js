#!/usr/bin/env node
// Builds the addon with a plain C compiler against the npm package
// node-api-headers (nothing is downloaded) and libtenet from a CMake build tree.
//
//   node tools/build.js [--build-dir DIR] [--out FILE]
//
// DIR defaults to $TENET_BUILD_DIR, else ../../build (the README's build
// tree); FILE to build/tenet.node here. $CC picks the compiler (default cc).
// The Node-API symbols stay undefined: node provides them when it loads the addon.
'use strict';

const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const path = require('node:path');

const here = path.resolve(__dirname, '..');
const repo = path.resolve(here, '..', '..');

function usage(msg) {
  process.stderr.write(`build.js: ${msg}\nusage: node tools/build.js [--build-dir DIR] [--out FILE]\n`);
  process.exit(2);
}

let buildDir = process.env.TENET_BUILD_DIR || path.join(repo, 'build');
let out = path.join(here, 'build', 'tenet.node');
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  const value = args[i + 1];
  if (args[i] === '--build-dir' && value) buildDir = args[++i];
  else if (args[i] === '--out' && value) out = args[++i];
  else usage(`unknown argument '${args[i]}'`);
}
buildDir = path.resolve(buildDir);
out = path.resolve(out);

const napiInclude = path.join(here, 'node_modules', 'node-api-headers', 'include');
const libDir = path.join(buildDir, 'src');
for (const [what, p] of [
  ['node-api-headers (run `npm ci` in bindings/node)', path.join(napiInclude, 'node_api.h')],
  ['the generated tenet/version.h (configure the build tree)', path.join(buildDir, 'include', 'tenet', 'version.h')],
  ['libtenet (build the library)', libDir],
]) {
  if (!fs.existsSync(p)) usage(`missing ${what}: ${p}`);
}

const cc = process.env.CC || 'cc';
const argv = [
  '-std=c11', '-O2', '-g', '-fPIC', '-shared', '-fvisibility=hidden',
  '-Wall', '-Wextra', '-Wshadow', '-Wstrict-prototypes', '-Wmissing-prototypes', '-Werror',
  '-I', napiInclude,
  '-I', path.join(repo, 'include'),
  '-I', path.join(buildDir, 'include'),
  path.join(here, 'src', 'addon.c'),
  '-o', out,
  '-L', libDir, '-ltenet', '-lpthread',
];
if (process.platform === 'darwin') argv.push('-undefined', 'dynamic_lookup', `-Wl,-rpath,${libDir}`);
else argv.push(`-Wl,-rpath,${libDir}`);

fs.mkdirSync(path.dirname(out), { recursive: true });
try {
  execFileSync(cc, argv, { stdio: 'inherit' });
} catch (e) {
  process.stderr.write(`build.js: ${cc} failed${e.status != null ? ` (exit ${e.status})` : `: ${e.message}`}\n`);
  process.exit(1);
}
process.stdout.write(`built ${out}\n`);

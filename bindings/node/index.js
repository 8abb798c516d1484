// tenet for Node.js: policy validation of infrastructure inputs, over libtenet.
//
//   const tenet = require('./bindings/node');
//   const report = tenet.check(fs.readFileSync('template.yaml'),
//                              { filename: 'template.yaml', regions: ['us-east-1'] });
//   for (const d of report.errors) console.log(`${d.file}:${d.line}:${d.column}: ${d.message} [${d.rule}]`);
//
// Everything a diagnostic says comes from the C library: this module passes
// bytes and options in and decodes the JSON report (bindings/README.md).
'use strict';

const fs = require('node:fs');
const path = require('node:path');

function loadAddon() {
  const candidates = process.env.TENET_NODE_ADDON
    ? [path.resolve(process.env.TENET_NODE_ADDON)]
    : [path.join(__dirname, 'build', 'tenet.node'),
       path.join(__dirname, '..', '..', 'build', 'bindings', 'node', 'tenet.node')];
  for (const file of candidates) {
    if (fs.existsSync(file)) return require(file);
  }
  throw new Error(`tenet: the native addon is not built (looked for ${candidates.join(', ')}); ` +
                  'run `npm run build` in bindings/node or set TENET_NODE_ADDON');
}

const native = loadAddon();

// Statuses whose failure the report records as an input error (bindings/README.md).
const INPUT_ERROR_CODES = new Set(['TENET_EPARSE', 'TENET_ELIMIT', 'TENET_EFORMAT', 'TENET_EIO', 'TENET_ERROR']);

/** Base class of every error tenet throws (besides TypeError for bad arguments). */
class TenetError extends Error {
  constructor(info) {
    super(info.message);
    this.name = new.target.name;
    this.code = info.code;      // the C status name, e.g. 'TENET_EPARSE'
    this.status = info.status;  // its numeric value
    this.line = info.line;      // 1-based, or null
    this.column = info.column;  // 1-based (Unicode code points), or null
    this.source = info.source;  // the file or "<rules>"/"<input>" the position is in, or null
  }
}

/** A rules pack could not be loaded or compiled. */
class RulesError extends TenetError {}

/** The input could not be read; `report` holds it under inputErrors. */
class InputError extends TenetError {
  constructor(info, report) {
    super(info);
    this.report = report;
  }
}

function optionError(info) {
  const e = new TypeError(info.message);
  Object.assign(e, { code: info.code, status: info.status, line: info.line, column: info.column });
  return e;
}

function raise(info, Cls) {
  if (info.code === 'TENET_EINVAL') throw optionError(info);
  throw new Cls(info);
}

/** The decoded JSON report. Diagnostics keep the JSON keys (end_line, ...). */
class Report {
  constructor(json) {
    const obj = JSON.parse(json);
    // Every key in the library's order; only input_errors is renamed.
    for (const [key, value] of Object.entries(obj)) {
      if (key === 'diagnostics' || key === 'input_errors') this[key === 'diagnostics' ? key : 'inputErrors'] = value.map(deepFreeze);
      else this[key] = value;
    }
    // The library's rendering, verbatim (not enumerable: JSON.stringify uses toJSON).
    Object.defineProperty(this, 'json', { value: json });
  }

  get errors() { return this.diagnostics.filter((d) => d.severity === 'error'); }
  get warnings() { return this.diagnostics.filter((d) => d.severity === 'warning'); }

  /** The report in the JSON schema's own shape (what `tenet check --format json` prints). */
  toJSON() {
    const out = {};
    for (const [key, value] of Object.entries(this)) {
      if (key === 'inputErrors') out.input_errors = value;
      else out[key] = value;
    }
    return out;
  }
}

function deepFreeze(obj) {
  for (const value of Object.values(obj)) {
    if (value && typeof value === 'object') Object.freeze(value);
  }
  return Object.freeze(obj);
}

function bytesOf(source) {
  if (typeof source === 'string' || source instanceof Uint8Array) return source;
  if (source instanceof ArrayBuffer) return new Uint8Array(source);
  if (ArrayBuffer.isView(source)) return new Uint8Array(source.buffer, source.byteOffset, source.byteLength);
  throw new TypeError(`source must be a string or a Buffer, not ${describe(source)}`);
}

function describe(v) {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v;
}

function str(value, what) {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw new TypeError(`${what} must be a string, not ${describe(value)}`);
  if (value.includes('\0')) throw new TypeError(`${what} must not contain NUL`);
  return value;
}

function required(value, what) {
  const s = str(value, what);
  if (s === undefined) throw new TypeError(`${what} must be a string, not ${describe(value)}`);
  return s;
}

// Normalises the options for the addon. Absent options are not sent, so the
// C defaults apply (no environment variable is read here).
function nativeOptions(opts) {
  if (opts === undefined || opts === null) opts = {};
  if (typeof opts !== 'object') throw new TypeError(`options must be an object, not ${describe(opts)}`);
  const out = {
    filename: str(opts.filename, 'filename'),
    inputFormat: str(opts.inputFormat, 'inputFormat'),
    operation: str(opts.operation, 'operation'),
  };
  if (opts.regions !== undefined && opts.regions !== null) {
    const regions = typeof opts.regions === 'string' ? [opts.regions] : opts.regions;
    if (!Array.isArray(regions)) throw new TypeError('regions must be a string or an array of strings');
    out.regions = regions.map((r) => required(r, 'a region'));
  }
  if (opts.params !== undefined && opts.params !== null) {
    if (typeof opts.params !== 'object') throw new TypeError('params must be an object or a Map');
    const entries = opts.params instanceof Map ? [...opts.params] : Object.entries(opts.params);
    out.params = [];
    for (const [name, value] of entries) {
      out.params.push(required(name, 'a parameter name'), required(value, `parameter '${name}'`));
    }
  }
  return out;
}

function runCheck(handle, source, opts) {
  const res = native.check(handle, bytesOf(source), nativeOptions(opts));
  if (res.status === 0) return new Report(res.json);
  if (res.json !== undefined && INPUT_ERROR_CODES.has(res.code)) throw new InputError(res, new Report(res.json));
  return raise(res, TenetError);
}

function wrapRules(res) {
  if (!res.rules) raise(res, RulesError);
  return new Rules(res.rules);
}

/**
 * A compiled ruleset. Immutable in C and safe to check against from many
 * threads; this JS object belongs to the thread (isolate) that created it.
 * close() frees it at once; otherwise it is freed when garbage-collected.
 */
class Rules {
  #handle;
  #closed = false;

  constructor(handle) {
    if (handle === undefined) throw new TypeError('use tenet.loadRules() or tenet.builtinRules()');
    this.#handle = handle;
  }

  /** Checks one input (a string, or bytes in any encoding the library reads). */
  check(source, opts) {
    if (this.#closed) throw new TypeError('check on closed tenet rules');
    return runCheck(this.#handle, source, opts);
  }

  /** Frees the ruleset now. Idempotent. */
  close() {
    if (!this.#closed) {
      this.#closed = true;
      native.close(this.#handle);
    }
  }

  get closed() { return this.#closed; }
}

/** The rule packs built into the library, compiled into a ruleset of your own. */
function builtinRules() {
  return wrapRules(native.builtin());
}

/**
 * Rules from a file path or from YAML text. A string is a path when it has
 * no newline and names an existing file or ends in .yaml/.yml/.json (so a
 * typo reports the missing file); otherwise, and for a Buffer, it is the text.
 */
function loadRules(pathOrText, options) {
  if (pathOrText instanceof Uint8Array) return wrapRules(native.compile(pathOrText, rulesName(options)));
  if (pathOrText instanceof URL) pathOrText = require('node:url').fileURLToPath(pathOrText);
  const s = required(pathOrText, 'rules (a path or YAML text)');
  if (!s.includes('\n') && (isFile(s) || /\.(ya?ml|json)$/.test(s))) return wrapRules(native.loadFile(s));
  return wrapRules(native.compile(s, rulesName(options)));
}

function rulesName(options) {
  return str(options && options.name, 'name') ?? null;
}

function isFile(p) {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

/**
 * Checks one input against the built-in packs (compiled once per process
 * and shared by every thread), or against `opts.rules`.
 */
function check(source, opts) {
  if (opts && opts.rules !== undefined && opts.rules !== null) {
    if (!(opts.rules instanceof Rules)) throw new TypeError('rules must come from tenet.loadRules() or tenet.builtinRules()');
    return opts.rules.check(source, opts);
  }
  return runCheck(null, source, opts);
}

module.exports = {
  check,
  loadRules,
  builtinRules,
  Rules,
  Report,
  TenetError,
  RulesError,
  InputError,
  version: native.version(),
};

#!/usr/bin/env node
// The Node binding's command-line driver (bindings/README.md, "Command-line
// drivers"): checks files and prints the report JSON like
// `tenet check --format json`, so tests/bindings/same_answers.py can compare
// the binding with the CLI. Not a replacement for the CLI.
//
//   node tools/check-json.js [--region R]... [--param K=V]... [--input-format F]
//                            [--operation O] [--rules FILE] FILE...|-
'use strict';

const fs = require('node:fs');
const path = require('node:path');
const tenet = require(path.join(__dirname, '..'));

const PROG = 'check-json.js';

function fail(msg) {
  process.stderr.write(`${PROG}: error: ${msg}\n`);
  process.exit(2);
}

function parseArgs(argv) {
  const a = { regions: [], params: {}, inputFormat: undefined, operation: undefined, rules: undefined, files: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = () => {
      if (i + 1 >= argv.length) fail(`${arg} expects a value`);
      return argv[++i];
    };
    if (arg === '--region') {
      for (const r of value().split(',')) if (r && !a.regions.includes(r)) a.regions.push(r);
    } else if (arg === '--param') {
      const p = value();
      const eq = p.indexOf('=');
      if (eq <= 0) fail(`--param expects NAME=VALUE, got '${p}'`);
      a.params[p.slice(0, eq)] = p.slice(eq + 1);
    } else if (arg === '--input-format') {
      a.inputFormat = value();
    } else if (arg === '--operation') {
      a.operation = value();
    } else if (arg === '--rules') {
      a.rules = value();
    } else if (arg === '--') {
      a.files.push(...argv.slice(i + 1));
      break;
    } else if (arg.startsWith('-') && arg !== '-') {
      fail(`unknown option '${arg}'`);
    } else {
      a.files.push(arg);
    }
  }
  if (a.files.length === 0) fail('no input files (usage: check-json.js [options] FILE...)');
  return a;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  let rules;
  try {
    rules = args.rules ? tenet.loadRules(args.rules) : tenet.builtinRules();
  } catch (e) {
    if (!(e instanceof tenet.RulesError)) throw e;
    fail(`${e.source && e.line ? `${e.source}:${e.line}:${e.column}: ` : ''}${e.message}`);
  }
  const opts = {
    regions: args.regions.length ? args.regions : undefined,
    params: Object.keys(args.params).length ? args.params : undefined,
    inputFormat: args.inputFormat,
    operation: args.operation,
  };
  const reports = [];
  let failed = false;
  for (const file of args.files) {
    let data;
    const filename = file === '-' ? '<stdin>' : file;
    try {
      data = fs.readFileSync(file === '-' ? 0 : file);
    } catch (e) {
      fail(`${file}: ${e.code === 'ENOENT' ? 'no such file' : e.message}`);
    }
    try {
      reports.push(rules.check(data, { ...opts, filename }));
    } catch (e) {
      if (!(e instanceof tenet.InputError)) {
        if (e instanceof TypeError && e.code === 'TENET_EINVAL') fail(e.message);
        throw e;
      }
      reports.push(e.report);
      failed = true;
    }
  }
  rules.close();

  let merged;
  if (reports.length === 1) {
    process.stdout.write(reports[0].json); // the library's rendering, byte for byte
    merged = reports[0].toJSON();
  } else {
    merged = reports[0].toJSON();
    merged.diagnostics = [...merged.diagnostics];
    merged.input_errors = [...merged.input_errors];
    merged.summary = { ...merged.summary };
    for (const r of reports.slice(1)) {
      const o = r.toJSON();
      merged.diagnostics.push(...o.diagnostics);
      merged.input_errors.push(...o.input_errors);
      for (const [k, v] of Object.entries(o.summary)) {
        if (typeof v === 'number') merged.summary[k] = (merged.summary[k] || 0) + v;
      }
    }
    process.stdout.write(`${JSON.stringify(merged, null, 2)}\n`);
  }
  if (failed || merged.summary.input_errors) process.exitCode = 2;
  else process.exitCode = merged.summary.errors ? 1 : 0;
}

main();

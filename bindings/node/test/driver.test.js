'use strict';

// tools/check-json.js, the driver tests/bindings/same_answers.py runs.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const tenet = require('..');
const { BAD_ENGINE, fixtures, read } = require('./helpers');

const DRIVER = path.join(__dirname, '..', 'tools', 'check-json.js');

function run(args, input) {
  const r = spawnSync(process.execPath, [DRIVER, ...args], { cwd: fixtures, input, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('one file: the library JSON verbatim, exit 1 on errors', () => {
  const r = run(['--region', 'us-east-1', '--param', 'RedisVersion=3.2.10', 'template.yaml']);
  assert.equal(r.status, 1, r.stderr);
  const expected = tenet.check(read('template.yaml'), {
    filename: 'template.yaml', regions: ['us-east-1'], params: { RedisVersion: '3.2.10' } });
  assert.equal(r.stdout, expected.json);
});

test('a clean file exits 0; stdin is read as <stdin>', () => {
  const r = run(['--region', 'us-east-1', '-'], read('template.yaml'));
  assert.equal(r.status, 0, r.stderr);
  assert.equal(JSON.parse(r.stdout).summary.files, 1);
  const withErrors = run(['--region', 'us-east-1,eu-west-1', '-'], BAD_ENGINE);
  const d = JSON.parse(withErrors.stdout).diagnostics.find((x) => x.rule === 'EC-AR-001');
  assert.equal(d.file, '<stdin>');
  assert.deepEqual(d.regions, ['us-east-1', 'eu-west-1']);
});

test('several files: diagnostics concatenated, summary summed', () => {
  const r = run(['--rules', 'demo-rules.yaml', 'demo.yaml', 'demo.yaml']);
  assert.equal(r.status, 1, r.stderr);
  const out = JSON.parse(r.stdout);
  assert.deepEqual(Object.keys(out).slice(0, 5), ['tenet', 'schema', 'diagnostics', 'input_errors', 'summary']);
  assert.deepEqual(out.diagnostics.map((d) => d.rule), ['DEMO-001', 'DEMO-001']);
  assert.equal(out.summary.files, 2);
  assert.equal(out.summary.errors, 2);
});

test('input errors and bad rules exit 2', () => {
  const broken = run(['-'], 'a: [1\n');
  assert.equal(broken.status, 2);
  assert.equal(JSON.parse(broken.stdout).input_errors.length, 1);
  const badRules = run(['--rules', 'bad-rules.yaml', 'demo.yaml']);
  assert.equal(badRules.status, 2);
  assert.match(badRules.stderr, /bad-rules\.yaml:14:22: .*greater_than/);
  assert.equal(run(['no-such-file.yaml']).status, 2);
  assert.equal(run(['--bogus', 'demo.yaml']).status, 2);
  assert.equal(run(['--input-format', 'nope', 'demo.yaml']).status, 2);
});

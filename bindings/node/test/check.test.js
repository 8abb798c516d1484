'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const tenet = require('..');
const { BAD_ENGINE, DIAGNOSTIC_KEYS, read } = require('./helpers');

test('version is the library version', () => {
  assert.match(tenet.version, /^\d+\.\d+\.\d+$/);
});

test('the built-in rules find the engine version on a small template', () => {
  const report = tenet.check(BAD_ENGINE, { filename: 'template.yaml', regions: ['us-east-1'] });
  const d = report.diagnostics.find((x) => x.rule === 'EC-AR-001');
  assert.ok(d, JSON.stringify(report.diagnostics));
  assert.equal(d.severity, 'error');
  assert.equal(d.verdict, 'fail');
  assert.equal(d.file, 'template.yaml');
  assert.deepEqual([d.line, d.column, d.end_line, d.end_column], [9, 22, 9, 28]);
  assert.equal(d.path, 'Resources.Cache.Properties.EngineVersion');
  assert.equal(d.subject, 'Cache');
  assert.equal(d.region, 'us-east-1');
  assert.deepEqual(d.regions, ['us-east-1']);
  assert.equal(d.scenario, null);
  assert.equal(typeof d.message, 'string');
  for (const key of DIAGNOSTIC_KEYS) assert.ok(key in d, `diagnostic has ${key}`);
  assert.ok(report.errors.includes(d));
  assert.equal(report.summary.errors, report.errors.length);
  assert.deepEqual(report.inputErrors, []);
});

test('diagnostics are frozen', () => {
  const [d] = tenet.check(BAD_ENGINE, { regions: 'us-east-1' }).diagnostics;
  assert.ok(Object.isFrozen(d) && Object.isFrozen(d.regions));
  assert.equal(d.file, '<input>', 'no filename: the library default');
});

test('params override template defaults', () => {
  const template = read('template.yaml');
  const clean = tenet.check(template, { filename: 'template.yaml', regions: ['us-east-1'] });
  assert.equal(clean.errors.length, 0, JSON.stringify(clean.diagnostics));
  for (const params of [{ RedisVersion: '3.2.10' }, new Map([['RedisVersion', '3.2.10']])]) {
    const bad = tenet.check(template, { filename: 'template.yaml', regions: ['us-east-1'], params });
    assert.deepEqual(bad.errors.map((d) => [d.rule, d.line, d.column]), [['EC-AR-001', 12, 22]]);
  }
});

test('several regions, and "all", are passed through', () => {
  const one = tenet.check(BAD_ENGINE, { regions: ['us-east-1'] });
  const two = tenet.check(BAD_ENGINE, { regions: ['us-east-1', 'eu-west-1'] });
  const d = two.diagnostics.find((x) => x.rule === 'EC-AR-001');
  assert.deepEqual(d.regions, ['us-east-1', 'eu-west-1']);
  assert.ok(one.diagnostics.length > 0);
  const all = tenet.check(BAD_ENGINE, { regions: ['all'] });
  assert.ok(all.diagnostics.find((x) => x.rule === 'EC-AR-001').regions.length > 2);
});

test('without a region, region rules are not assumed', () => {
  const report = tenet.check(BAD_ENGINE, {});
  assert.ok(report.diagnostics.every((d) => d.region === null));
});

test('string, Buffer and Uint8Array input give the same report', () => {
  const opts = { filename: 't.yaml', regions: ['us-east-1'] };
  const fromString = tenet.check(BAD_ENGINE, opts);
  const buf = Buffer.from(BAD_ENGINE);
  assert.deepEqual(tenet.check(buf, opts), fromString);
  assert.deepEqual(tenet.check(new Uint8Array(buf), opts), fromString);
  // A view into a larger buffer reads only its own bytes.
  const padded = Buffer.concat([Buffer.from('xxxx'), buf, Buffer.from('\0junk')]);
  assert.deepEqual(tenet.check(padded.subarray(4, 4 + buf.length), opts), fromString);
});

test('columns count code points, also in non-ASCII input', () => {
  const line = '    Properties: {ReplicationGroupDescription: "déjà vu ✓", Engine: redis, EngineVersion: 3.2.10, ' +
    'CacheNodeType: cache.r5.large, AtRestEncryptionEnabled: true}';
  const src = BAD_ENGINE.split('\n').slice(0, 4).concat([line, '']).join('\n');
  for (const input of [src, Buffer.from(src)]) {
    const d = tenet.check(input, { regions: ['us-east-1'] }).diagnostics.find((x) => x.rule === 'EC-AR-001');
    assert.deepEqual([d.line, d.column], [5, [...line].indexOf('3') + 1]);
  }
});

test('the report serialises in the JSON schema\'s shape', () => {
  const report = tenet.check(BAD_ENGINE, { filename: 'template.yaml', regions: ['us-east-1'] });
  const fromLibrary = JSON.parse(report.json);
  assert.deepEqual(JSON.parse(JSON.stringify(report)), fromLibrary);
  assert.deepEqual(Object.keys(fromLibrary).slice(0, 5), ['tenet', 'schema', 'diagnostics', 'input_errors', 'summary']);
  assert.equal(fromLibrary.tenet, tenet.version);
});

test('inputFormat and operation reach the library', () => {
  const base = { regions: ['us-east-1'], inputFormat: 'cloudformation' };
  const ops = (operation) => tenet.check(BAD_ENGINE, { ...base, operation }).diagnostics.map((d) => d.operation);
  assert.deepEqual(ops(undefined), ['create']);
  assert.deepEqual(ops('update'), ['update']);
  assert.throws(() => tenet.check(BAD_ENGINE, { inputFormat: 'no-such-format' }),
    (e) => e instanceof TypeError && e.code === 'TENET_EINVAL' && /no-such-format/.test(e.message));
});

test('bad arguments are TypeErrors', () => {
  assert.throws(() => tenet.check(42), TypeError);
  assert.throws(() => tenet.check(BAD_ENGINE, { regions: [1] }), TypeError);
  assert.throws(() => tenet.check(BAD_ENGINE, { params: { K: 1 } }), TypeError);
  assert.throws(() => tenet.check(BAD_ENGINE, { filename: 'a\0b' }), TypeError);
  assert.throws(() => tenet.check(BAD_ENGINE, 'opts'), TypeError);
  assert.throws(() => tenet.check(BAD_ENGINE, { rules: {} }), TypeError);
});

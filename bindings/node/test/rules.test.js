'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const tenet = require('..');
const { BAD_ENGINE, fixture, read } = require('./helpers');

const DEMO = read('demo.yaml');
const demoRules = () => fs.readFileSync(fixture('demo-rules.yaml'), 'utf8');

function demoFindings(rules) {
  return rules.check(DEMO, { filename: 'demo.yaml' }).diagnostics.map((d) => [d.rule, d.message, d.line, d.column]);
}

test('rules from YAML text, a Buffer and a file judge alike', () => {
  const expected = [['DEMO-001', 'size 2 is too small', 5, 24]];
  for (const rules of [tenet.loadRules(demoRules()), tenet.loadRules(Buffer.from(demoRules())),
    tenet.loadRules(fixture('demo-rules.yaml'))]) {
    assert.ok(rules instanceof tenet.Rules);
    assert.deepEqual(demoFindings(rules), expected);
    rules.close();
  }
});

test('rules can be passed to tenet.check', () => {
  const rules = tenet.loadRules(demoRules());
  assert.deepEqual(tenet.check(DEMO, { rules }).diagnostics.map((d) => d.rule), ['DEMO-001']);
  // The built-in pack knows nothing of Demo::Thing.
  assert.deepEqual(tenet.check(DEMO).diagnostics.filter((d) => d.rule === 'DEMO-001'), []);
  rules.close();
});

test('builtinRules() compiles the built-in pack', () => {
  const rules = tenet.builtinRules();
  const opts = { filename: 't.yaml', regions: ['us-east-1'] };
  assert.deepEqual(rules.check(BAD_ENGINE, opts), tenet.check(BAD_ENGINE, opts));
  rules.close();
});

test('bad rules throw a RulesError with line and column', () => {
  const text = fs.readFileSync(fixture('bad-rules.yaml'), 'utf8');
  for (const [input, source] of [[fixture('bad-rules.yaml'), fixture('bad-rules.yaml')], [text, '<rules>']]) {
    assert.throws(() => tenet.loadRules(input), (e) => {
      assert.ok(e instanceof Error && e instanceof tenet.RulesError);
      assert.equal(e.code, 'TENET_ERULES');
      assert.equal(e.line, 14);
      assert.equal(e.column, 22);
      assert.equal(e.source, source);
      assert.match(e.message, /greater_than/);
      return true;
    });
  }
  assert.throws(() => tenet.loadRules(text, { name: 'mine.yaml' }), (e) => e.source === 'mine.yaml');
});

test('a missing rules file is a RulesError, not YAML', () => {
  assert.throws(() => tenet.loadRules(fixture('no-such-rules.yaml')),
    (e) => e instanceof tenet.RulesError && e.code === 'TENET_EIO');
});

test('close() is idempotent and later checks are refused', () => {
  const rules = tenet.loadRules(demoRules());
  assert.equal(rules.closed, false);
  rules.close();
  rules.close();
  assert.equal(rules.closed, true);
  assert.throws(() => rules.check(DEMO), TypeError);
});

test('rules are freed by the garbage collector, closed or not', { skip: typeof global.gc !== 'function' && 'needs node --expose-gc' }, async () => {
  let collected = 0;
  const registry = new FinalizationRegistry(() => { collected++; });
  for (let i = 0; i < 100; i++) {
    const rules = tenet.loadRules(demoRules());
    demoFindings(rules);
    if (i % 2) rules.close(); // the finalizer must then not free it again
    registry.register(rules, i);
  }
  for (let i = 0; i < 10 && collected < 100; i++) {
    global.gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.ok(collected > 0, 'some rules were collected');
});

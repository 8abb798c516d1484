'use strict';

const test = require('node:test');
const assert = require('node:assert/strict');
const tenet = require('..');

test('unparseable input throws an InputError carrying the report', () => {
  const broken = 'Resources:\n  Cache: [1, 2\n  Other: 3\n';
  assert.throws(() => tenet.check(broken, { filename: 'broken.yaml' }), (e) => {
    assert.ok(e instanceof Error && e instanceof tenet.InputError);
    assert.equal(e.code, 'TENET_EPARSE');
    assert.equal(typeof e.line, 'number');
    assert.equal(typeof e.column, 'number');
    assert.ok(e.report instanceof tenet.Report);
    assert.equal(e.report.summary.input_errors, 1);
    const [ie] = e.report.inputErrors;
    assert.deepEqual([ie.file, ie.line, ie.column, ie.message], ['broken.yaml', e.line, e.column, e.message]);
    assert.equal(JSON.parse(e.report.json).input_errors.length, 1);
    return true;
  });
});

test('input in no known format is an input error too', () => {
  assert.throws(() => tenet.check('just: a mapping\n'), (e) => e instanceof tenet.InputError && e.code === 'TENET_EFORMAT');
});

test('nesting beyond the depth limit is an input error', () => {
  const deep = `${'['.repeat(400)}${']'.repeat(400)}`;
  assert.throws(() => tenet.check(deep, { inputFormat: 'cloudformation' }),
    (e) => e instanceof tenet.InputError && e.code === 'TENET_ELIMIT' && e.report.inputErrors.length === 1);
});

test('errors carry the C message verbatim', () => {
  try {
    tenet.check('a: [', { filename: 'x.yaml' });
    assert.fail('no error');
  } catch (e) {
    assert.equal(e.message, e.report.inputErrors[0].message);
  }
});

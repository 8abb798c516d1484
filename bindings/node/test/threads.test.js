'use strict';

// The C ruleset is immutable and may be checked against from many threads at
// once; JS objects (Rules, reports) belong to one isolate and cannot cross
// worker threads. So each worker loads the addon and its own rules, while the
// built-in ruleset behind tenet.check() is compiled once per process and
// really is shared by every worker at the same time.
const test = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const { Worker } = require('node:worker_threads');
const tenet = require('..');
const { BAD_ENGINE, fixture, read } = require('./helpers');

const ROUNDS = 50;
const WORKERS = 6;

// Runs in each worker (and once on the main thread, for the expected answer).
function workload(indexPath, demoRulesPath, demo, template, rounds) {
  const t = require(indexPath);
  const rules = t.loadRules(demoRulesPath);
  const out = { builtin: new Set(), demo: new Set() };
  for (let i = 0; i < rounds; i++) {
    out.builtin.add(t.check(template, { filename: 'template.yaml', regions: ['us-east-1', 'eu-west-1'] }).json);
    out.demo.add(rules.check(demo, { filename: 'demo.yaml' }).json);
  }
  rules.close();
  return { builtin: [...out.builtin], demo: [...out.demo] };
}

const ARGS = [path.join(__dirname, '..'), fixture('demo-rules.yaml'), read('demo.yaml'), BAD_ENGINE];

test('many checks in a loop give identical results', () => {
  const r = workload(...ARGS, ROUNDS * 4);
  assert.equal(r.builtin.length, 1);
  assert.equal(r.demo.length, 1);
});

test('checks in several worker threads at once agree with the main thread', async () => {
  const expected = workload(...ARGS, 1);
  const source = `const { parentPort, workerData } = require('node:worker_threads');
    const workload = ${workload.toString()};
    parentPort.postMessage(workload(...workerData.args, workerData.rounds));`;
  const runs = Array.from({ length: WORKERS }, () => new Promise((resolve, reject) => {
    const w = new Worker(source, { eval: true, workerData: { args: ARGS, rounds: ROUNDS } });
    w.once('message', resolve);
    w.once('error', reject);
    w.once('exit', (code) => code !== 0 && reject(new Error(`worker exited with ${code}`)));
  }));
  for (const r of await Promise.all(runs)) assert.deepEqual(r, expected);
  // The main thread's own objects still work after the workers are gone.
  assert.equal(tenet.check(BAD_ENGINE, { regions: ['us-east-1', 'eu-west-1'], filename: 'template.yaml' }).json,
    expected.builtin[0]);
});

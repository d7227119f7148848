'use strict';
// `npm run bench`: the figures README's performance section quotes, measured in
// one run against fake servers on loopback, so the ratios compare like with
// like. Not a test: nothing here asserts; it prints a table and writes
// test-output/bench-results.json. `node bench/run.js SECTION` runs one section.
//
// The sections:
// - checkCost: CPU per steady check in a real Node-RED (packed tarball, an
//   editor connected): ip-source, Node-RED's http request + rbe, an updater's
//   unchanged path, the whole chain; the floor (a bare undici GET loop) in a
//   process of its own; RSS over 10,000 checks.
// - footprint: Node-RED's RSS without the package, with it and no node
//   deployed, and with 100 ip-source or 100 dyndns2-update nodes.
// - watchLatency, closeDuringRequest (bench/sections/timing.js).
// - requestsPerCheck, keepAliveConnections, alidnsThousand (bench/sections/requests.js).
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { checkCost } = require('./sections/check-cost');
const { footprint } = require('./sections/footprint');
const { watchLatency, closeDuringRequest } = require('./sections/timing');
const { requestsPerCheck, keepAliveConnections, alidnsThousand } = require('./sections/requests');

const SECTIONS = { checkCost, footprint, watchLatency, closeDuringRequest, requestsPerCheck, keepAliveConnections, alidnsThousand };

const rows = [];
const details = {};

function row(measure, value, note = '', { target, met } = {}) {
  rows.push({ measure, value, note, ...(target ? { target, met } : {}) });
  console.log(`${measure}: ${value}${note ? `  (${note})` : ''}${target ? `  [target ${target}: ${met ? 'met' : 'NOT met'}]` : ''}`);
}

async function main() {
  const only = process.argv[2];
  if (only && !SECTIONS[only]) throw new Error(`no section ${only}: ${Object.keys(SECTIONS).join(', ')}`);
  const started = new Date();
  for (const [name, section] of Object.entries(SECTIONS)) {
    if (only && only !== name) continue;
    console.log(`\n# ${name}`);
    details[name] = await section(row);
  }
  const machine = { cpus: os.cpus().length, model: os.cpus()[0]?.model, node: process.version, load: os.loadavg() };
  fs.mkdirSync(path.join(__dirname, '..', 'test-output'), { recursive: true });
  fs.writeFileSync(path.join(__dirname, '..', 'test-output', 'bench-results.json'), JSON.stringify({ started, machine, rows, details }, null, 2));
  console.log(`\n${started.toISOString().slice(0, 10)}, ${machine.cpus} cores (${machine.model}), Node ${machine.node}, load ${machine.load.map((l) => l.toFixed(1)).join(' ')}`);
  console.log('\n| measure | this run | note | target |\n|---|---|---|---|');
  for (const r of rows) console.log(`| ${r.measure} | ${r.value} | ${r.note} | ${r.target ? `${r.target}: ${r.met ? 'met' : 'not met'}` : ''} |`);
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);

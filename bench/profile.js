'use strict';
// `node bench/profile.js [src|upd|bare ...]` (after npm run build): a CPU
// profile of the steady paths in a real Node-RED (packed tarball, an editor
// connected), taken with V8's sampling profiler over the inspector for exactly
// the window of 1,000 checks. Prints where the time goes and writes the
// .cpuprofile files to test-output/ (open them in Chrome's DevTools).
const fs = require('node:fs');
const path = require('node:path');
const echo = require('../test/servers/echo-http');
const fakeDyndns2 = require('../test/servers/fake-dyndns2');
const { startBenchRed } = require('./lib/red');
const { connectEditor } = require('./lib/editor');
const { connectInspector } = require('./lib/cdp');
const { summarise, print, difference, printDifference } = require('./lib/profile-summary');
const { sleep } = require('./lib/proc');

const CHECKS = Number(process.env.PROFILE_CHECKS) || 1000;
const SPACING_MS = 30;
const ADDRESS = '8.8.8.8';
const out = path.join(__dirname, '..', 'test-output');

function inject(id, wires, payload) {
  const props = payload === undefined ? [{ p: 'payload', v: '', vt: 'date' }] : [{ p: 'payload', v: payload, vt: 'str' }];
  return { id, type: 'inject', z: 'prof', props, repeat: '', crontab: '', once: false, topic: '', wires: [wires] };
}

const TITLES = { bare: 'bare inject', src: 'inject -> ip-source (unchanged)', upd: 'inject -> dyndns2-update (unchanged)' };
// the admin API's HTTP handling is the bare inject's; what is left is the check's own
const NOT_INJECT = (name) => !/^(\S+ )?(express|cors|body-parser|serve-static|node:_http|node:events|node:net|node-red\/red\.js|node:internal\/stream|@node-red\/nodes\/core\/network\/21-httpin)/.test(name.split(' ').slice(1).join(' ')) && !/^(emit|parserOn)/.test(name);

function report(summaries) {
  for (const [name, s] of Object.entries(summaries)) print(TITLES[name], s, { totalFilter: NOT_INJECT });
  if (!summaries.bare) return;
  for (const name of Object.keys(summaries).filter((n) => n !== 'bare')) {
    printDifference(TITLES[name], difference(summaries[name], summaries.bare), { totalFilter: NOT_INJECT });
  }
}

async function main() {
  if (process.argv[2] === '--read') {
    // summarise profiles taken before: node bench/profile.js --read DIR
    const dir = process.argv[3] || out;
    const summaries = {};
    for (const name of ['bare', 'src', 'upd']) {
      const file = path.join(dir, `profile-${name}.cpuprofile`);
      if (fs.existsSync(file)) summaries[name] = summarise(JSON.parse(fs.readFileSync(file, 'utf8')), CHECKS);
    }
    report(summaries);
    return;
  }
  const which = process.argv.slice(2).length ? process.argv.slice(2) : ['bare', 'src', 'upd'];
  const ipEcho = await echo.start();
  ipEcho.route('/src', { body: ADDRESS });
  const dyn = await fakeDyndns2.start({ users: { user: { password: 'pass', hosts: ['prof.example.com'] } } });
  const red = await startBenchRed({ inspect: true });
  const editor = await connectEditor(red.url);
  const inspector = await connectInspector(red.inspectorUrl);
  const post = async (id) => {
    const res = await fetch(`${red.url}/inject/${id}`, { method: 'POST' });
    await res.arrayBuffer();
  };
  try {
    await red.deploy([
      { id: 'prof', type: 'tab', label: 'profile' },
      inject('bare', []),
      inject('go-src', ['src']),
      { id: 'src', type: 'ip-source', z: 'prof', origin: ipEcho.url('/src'), family: 'ipv4', scope: 'public', interval: 0, emit: 'change', timeout: 10, wires: [[]] },
      { id: 'acct', type: 'dyndns2-account', server: dyn.url, dualStack: 'combined', credentials: { username: 'user', password: 'pass' } },
      inject('go-upd', ['upd'], ADDRESS),
      { id: 'upd', type: 'dyndns2-update', z: 'prof', account: 'acct', hostnames: 'prof.example.com', retries: 0, refresh: 25, wires: [[]] },
    ]);
    await sleep(1000);
    for (const id of ['bare', 'go-src', 'go-upd']) for (let i = 0; i < 300; i++) await post(id);
    await inspector.send('Profiler.enable');
    await inspector.send('Profiler.setSamplingInterval', { interval: 100 });
    fs.mkdirSync(out, { recursive: true });
    const summaries = {};
    for (const name of which) {
      const id = name === 'bare' ? 'bare' : `go-${name}`;
      await sleep(500);
      await inspector.send('Profiler.start');
      const start = performance.now();
      for (let i = 0; i < CHECKS; i++) {
        await post(id);
        await sleep(Math.max(0, start + (i + 1) * SPACING_MS - performance.now()));
      }
      await sleep(500);
      const { profile } = await inspector.send('Profiler.stop');
      fs.writeFileSync(path.join(out, `profile-${name}.cpuprofile`), JSON.stringify(profile));
      summaries[name] = summarise(profile, CHECKS);
    }
    report(summaries);
  } finally {
    inspector.close();
    editor.close();
    await red.stop();
    await ipEcho.close();
    await dyn.close();
  }
}

main().then(() => process.exit(0), (err) => { console.error(err); process.exit(1); });

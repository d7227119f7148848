'use strict';
// Reads a V8 .cpuprofile: self time by package (undici, node-red's runtime,
// this package, Node's own modules, the garbage collector) and the functions
// with the most self and total time, per check.
function packageOf(url, functionName) {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  const nm = url.lastIndexOf('node_modules/');
  if (nm >= 0) {
    const rest = url.slice(nm + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) {
    const parts = url.slice(5).split('/');
    return `node:${parts[0] === 'internal' ? parts.slice(1, 3).join('/').replace(/\.js$/, '') : parts[0]}`;
  }
  return url.includes('/dist/') ? 'node-red-contrib-ddns' : url;
}

function where(frame) {
  const file = frame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\//, '');
  return `${file}:${frame.lineNumber + 1}`;
}

function summarise(profile, checks) {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map();
  for (let i = 0; i < profile.samples.length; i++) {
    const id = profile.samples[i];
    self.set(id, (self.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  }
  const byPackage = new Map();
  const selfByFunction = new Map();
  const totalByFunction = new Map();
  let busy = 0;
  for (const [id, us] of self) {
    const node = byId.get(id);
    const frame = node.callFrame;
    if (frame.functionName === '(idle)') continue;
    busy += us;
    const pkg = packageOf(frame.url, frame.functionName);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const key = `${frame.functionName || '(anonymous)'} ${frame.url ? where(frame) : ''}`.trim();
    selfByFunction.set(key, (selfByFunction.get(key) ?? 0) + us);
    // total time: every distinct function on the stack once
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const f = byId.get(at).callFrame;
      if (!f.url) continue;
      const k = `${f.functionName || '(anonymous)'} ${where(f)}`;
      if (seen.has(k)) continue;
      seen.add(k);
      totalByFunction.set(k, (totalByFunction.get(k) ?? 0) + us);
    }
  }
  const per = (us) => us / 1000 / checks;
  const ranked = (map, n) => [...map.entries()].sort((a, b) => b[1] - a[1]).slice(0, n).map(([name, us]) => ({ name, ms: per(us), share: us / busy }));
  return {
    busyMs: per(busy),
    packages: ranked(byPackage, 20),
    self: ranked(selfByFunction, 30),
    total: ranked(totalByFunction, 60),
    // everything, for differences between two profiles
    all: { packages: ranked(byPackage, Infinity), self: ranked(selfByFunction, Infinity), total: ranked(totalByFunction, Infinity) },
  };
}

/** What `work` spends beyond `base` (both per check): by package, and the functions that grew most. */
function difference(work, base) {
  const diff = (a, b, n) => {
    const before = new Map(b.map((x) => [x.name, x.ms]));
    const names = new Set([...a.map((x) => x.name), ...b.map((x) => x.name)]);
    const after = new Map(a.map((x) => [x.name, x.ms]));
    return [...names].map((name) => ({ name, ms: (after.get(name) ?? 0) - (before.get(name) ?? 0) })).sort((x, y) => y.ms - x.ms).slice(0, n);
  };
  return {
    busyMs: work.busyMs - base.busyMs,
    packages: diff(work.all.packages, base.all.packages, 15),
    self: diff(work.all.self, base.all.self, 25),
    total: diff(work.all.total, base.all.total, 400),
  };
}

function printDifference(title, d, { totalFilter = () => true, totalCount = 30 } = {}) {
  const ms = (x) => `${x >= 0 ? '+' : ''}${x.toFixed(3)} ms`;
  const pct = (x) => `${((x / d.busyMs) * 100).toFixed(0).padStart(4)} %`;
  console.log(`\n## ${title}: ${ms(d.busyMs)} of sampled CPU per check above a bare inject`);
  console.log('\nself time by package, above a bare inject:');
  for (const p of d.packages) console.log(`  ${pct(p.ms)}  ${ms(p.ms)}  ${p.name}`);
  console.log('\nfunctions by self time, above a bare inject:');
  for (const p of d.self) console.log(`  ${pct(p.ms)}  ${ms(p.ms)}  ${p.name}`);
  console.log('\nfunctions by total time (on the stack), above a bare inject:');
  for (const p of d.total.filter((x) => totalFilter(x.name)).slice(0, totalCount)) console.log(`  ${pct(p.ms)}  ${ms(p.ms)}  ${p.name}`);
}

function print(title, s, { totalFilter = () => true, totalCount = 25 } = {}) {
  const pct = (x) => `${(x * 100).toFixed(1).padStart(5)} %`;
  const ms = (x) => `${x.toFixed(3)} ms`;
  console.log(`\n## ${title}: ${ms(s.busyMs)} of sampled CPU per check (idle excluded)`);
  console.log('\nself time by package:');
  for (const p of s.packages) console.log(`  ${pct(p.share)}  ${ms(p.ms)}  ${p.name}`);
  console.log('\nfunctions by self time:');
  for (const p of s.self.slice(0, 20)) console.log(`  ${pct(p.share)}  ${ms(p.ms)}  ${p.name}`);
  console.log('\nfunctions by total time:');
  for (const p of s.total.filter((x) => totalFilter(x.name)).slice(0, totalCount)) console.log(`  ${pct(p.share)}  ${ms(p.ms)}  ${p.name}`);
}

module.exports = { summarise, print, difference, printDifference, packageOf };

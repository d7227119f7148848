'use strict';
// What the kernel says a process costs: CPU time (all its threads: the event
// loop, libuv's pool, V8's GC helpers) and resident memory. Linux /proc only.
const fs = require('node:fs');

const TICK_NS = 1e9 / 100; // USER_HZ: /proc/<pid>/stat counts in 1/100 s

/** utime + stime of the whole process, in ns (10 ms resolution). */
function statCpuNs(pid) {
  const fields = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) * TICK_NS;
}

/** The scheduler's exact run time of every live thread of the process, in ns. */
function schedCpuNs(pid) {
  let sum = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      sum += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // a thread that ended between the listing and the read
    }
  }
  return sum;
}

function cpu(pid) {
  return { stat: statCpuNs(pid), sched: schedCpuNs(pid) };
}

function rssBytes(pid) {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)[1]) * 1024;
}

const MB = 1024 * 1024;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** RSS wanders with garbage collection: the median of one sample every `everyMs`. */
async function settledRss(pid, { samples = 10, everyMs = 1000 } = {}) {
  const values = [];
  for (let i = 0; i < samples; i++) {
    await sleep(everyMs);
    values.push(rssBytes(pid));
  }
  return median(values);
}

module.exports = { cpu, statCpuNs, schedCpuNs, rssBytes, settledRss, median, sleep, MB };

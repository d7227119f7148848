/**
 * Tells when any interface address changes. On Linux `ip -o monitor address`
 * streams netlink events, so a new address is seen within milliseconds instead
 * of at the next poll; elsewhere (or without iproute2) a cheap comparison of
 * os.networkInterfaces() every few seconds stands in. One watcher serves every
 * node in the process.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { networkInterfaces } from 'node:os';

export type AddressChangeListener = (interfaceName: string | undefined) => void;

export interface AddressWatch {
  close(): void;
}

const listeners = new Set<AddressChangeListener>();
let monitor: ChildProcess | undefined;
let pollTimer: NodeJS.Timeout | undefined;
let mode: 'netlink' | 'poll' | undefined;

export const POLL_INTERVAL_MS = 5_000;

function notify(name: string | undefined): void {
  for (const listener of [...listeners]) {
    try {
      listener(name);
    } catch {
      // one node's failure must not stop the others hearing of the change
    }
  }
}

/** `3: eth0    inet6 2001:db8::1/64 scope global ...` and `Deleted 3: eth0 ...` -> `eth0`. */
export function interfaceOfMonitorLine(line: string): string | undefined {
  const match = /^(?:Deleted\s+)?\d+:\s+([^\s:@]+)/.exec(line.trim());
  return match?.[1];
}

function snapshot(): string {
  const all = networkInterfaces();
  return Object.keys(all)
    .sort()
    .map((name) => `${name}=${(all[name] ?? []).map((a) => a.address).sort().join(',')}`)
    .join(';');
}

function startPolling(): void {
  mode = 'poll';
  let last = snapshot();
  pollTimer = setInterval(() => {
    const now = snapshot();
    if (now !== last) {
      last = now;
      notify(undefined);
    }
  }, POLL_INTERVAL_MS);
  pollTimer.unref();
}

function startMonitor(): void {
  if (process.platform !== 'linux') return startPolling();
  mode = 'netlink';
  let child: ChildProcess;
  try {
    child = spawn('ip', ['-o', 'monitor', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return startPolling();
  }
  monitor = child;
  let buffered = '';
  child.stdout?.setEncoding('utf8');
  child.stdout?.on('data', (chunk: string) => {
    buffered += chunk;
    const lines = buffered.split('\n');
    buffered = lines.pop() ?? '';
    for (const line of lines) if (line.trim()) notify(interfaceOfMonitorLine(line));
  });
  const fallBack = () => {
    if (monitor !== child) return;
    monitor = undefined;
    // no iproute2, or it died: keep watching the slow way while anyone listens
    if (listeners.size > 0) startPolling();
  };
  child.on('error', fallBack);
  child.on('exit', fallBack);
  child.unref();
  (child.stdout as unknown as { unref?: () => void })?.unref?.();
}

function stopAll(): void {
  const child = monitor;
  monitor = undefined;
  child?.kill();
  if (pollTimer) clearInterval(pollTimer);
  pollTimer = undefined;
  mode = undefined;
}

export function watchAddresses(listener: AddressChangeListener): AddressWatch {
  listeners.add(listener);
  if (!mode) startMonitor();
  return {
    close() {
      listeners.delete(listener);
      if (listeners.size === 0) stopAll();
    },
  };
}

/**
 * The one way this package writes a moment for people: node status, the DDNS
 * sidebar and the texts in messages all use it (the sidebar's editor script
 * keeps a copy of the same rule). Local time, 24 hours: `14:05:09` when it is
 * today, `2026-11-29 14:05` otherwise. Messages also carry the exact time as
 * ISO 8601 where a flow may compute with it.
 */
function two(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function formatTime(at: number, now: number = Date.now()): string {
  const date = new Date(at);
  const today = new Date(now);
  const clock = `${two(date.getHours())}:${two(date.getMinutes())}`;
  if (date.getFullYear() === today.getFullYear() && date.getMonth() === today.getMonth() && date.getDate() === today.getDate()) {
    return `${clock}:${two(date.getSeconds())}`;
  }
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${clock}`;
}

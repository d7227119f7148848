/**
 * The DDNS sidebar's source of truth: a process-wide board where every running
 * updater node (`aliyun-ddns`, `dyndns2-update`) keeps the rows of the records
 * it manages. Nodes join when they start, report after every run (and once at
 * start from their stored state), and leave when they close. Two admin routes
 * read it and the comms channel pushes each node's new rows to the editor.
 *
 * Nothing on the board is a secret: rows are built from record names, values,
 * times, provider codes and messages that were already scrubbed of credentials
 * for `msg.ddns.results`. No account, server URL or header is ever put on it.
 */
import type { NodeAPI } from 'node-red';
import type { RecordResult } from '../../core/result';
import { boundedPast } from '../../core/run';
import type { StoredRecord } from '../../core/records';

export type { StoredRecord };

/** comms topic of the live updates: `{nodeId, revision, node, records}`, node null when it left */
export const RECORDS_TOPIC = 'ddns/records';
/** changes kept per record */
export const HISTORY_LENGTH = 10;
/** records remembered per node: one fed domains through msg.domain must not grow without bound */
export const MAX_RECORDS_PER_NODE = 500;
/** live updates of one node within this window go out as one */
const PUBLISH_DELAY_MS = 50;

export type RecordState = 'pending' | 'in-sync' | 'dry-run' | 'backoff' | 'blocked' | 'failed';

/** One change of a record's value, as the sidebar lists it. */
export interface RecordChange {
  at: number;
  value: string;
  previous?: string;
}

/** Changes per record (key from recordKey()), newest first. */
export type HistoryBook = Record<string, RecordChange[]>;

/** One row of the sidebar and of `GET /ddns/records`. */
export interface RecordRow {
  nodeId: string;
  nodeType: string;
  nodeName: string;
  flowId?: string;
  name: string;
  type?: string;
  /** what the record holds as far as the node knows */
  value?: string;
  state: RecordState;
  /** blocked: the provider's code (badauth, nohost, HTTP 401); failed: provider code or error code */
  code?: string;
  message?: string;
  /** backoff: no request before this time */
  until?: number;
  /** blocked: since this time */
  since?: number;
  /** blocked or paused (backoff), and the node can clear it (`POST /ddns/records/:nodeId/unblock`) */
  canUnblock?: boolean;
  lastChangedAt?: number;
  lastCheckedAt?: number;
  nextKeepAliveAt?: number;
  /** newest first, at most HISTORY_LENGTH */
  history: RecordChange[];
}

export interface BoardError {
  code: string;
  message: string;
}

/** A node on the board, with what concerns the node rather than one record. */
export interface BoardNode {
  id: string;
  type: string;
  name: string;
  flowId?: string;
  dryRun: boolean;
  /** bumped on every report; the editor ignores anything older than what it shows */
  revision: number;
  /** the last run failed as a whole (bad input, no account, ...) */
  error?: BoardError;
  /** a request is being retried: the next attempt is not before `until` */
  retrying?: { until: number; code?: string };
  /** the node can run its last input again (`POST /ddns/records/:nodeId/update`) */
  canRerun?: boolean;
}

/** An ip-source node's current address, shown above the records. */
export interface SourceRow {
  nodeId: string;
  nodeName: string;
  flowId?: string;
  /** `203.0.113.5`, or `203.0.113.5 / 2001:db8::5` in dual stack */
  addresses?: string;
  /** when the address last changed */
  since?: number;
  /** the last check (updated without a live push: an unchanged check costs no comms message) */
  checkedAt?: number;
  state: 'pending' | 'ok' | 'failed';
  /** failed: the error code */
  code?: string;
}

export interface BoardSnapshot {
  /** the board's revision when the snapshot was taken: a live update above it is newer */
  revision: number;
  nodes: BoardNode[];
  records: RecordRow[];
  sources: SourceRow[];
}

/** comms payload for one node; `node` null = it left the board (removed or redeployed) */
export interface BoardUpdate {
  nodeId: string;
  revision: number;
  node: BoardNode | null;
  records: RecordRow[];
  /** an ip-source node: its row, null when it left */
  source?: SourceRow | null;
}

/** The last result a record had in this process, and when. */
export interface LastResult {
  result: RecordResult;
  at: number;
  dryRun: boolean;
}

/** What an updater knows about its records; the board turns it into rows. */
export interface NodeView {
  stored: readonly StoredRecord[];
  lastResults: ReadonlyMap<string, LastResult>;
  history: HistoryBook;
  error?: BoardError;
  retrying?: { until: number; code?: string };
}

export type UnblockOutcome = 'unblocked' | 'not-blocked' | 'unknown-node' | 'unsupported';

export interface BoardIdentity {
  id: string;
  type: string;
  name?: string;
  flowId?: string;
  dryRun: boolean;
  /** the node can clear a block (DynDNS2) */
  canUnblock?: boolean;
}

/** A node's place on the board. */
export interface BoardSeat {
  report(view: NodeView): void;
  leave(): void;
}

// ------------------------------------------------------------------ history

/** `A www.example.com`; a name alone for what holds for every type. Names never contain a space. */
export function recordKey(name: string, type?: string): string {
  return type ? `${type} ${name}` : name;
}

function timeOf(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function textOf(value: unknown, max: number): string | undefined {
  return typeof value === 'string' && value.length > 0 && value.length <= max ? value : undefined;
}

const UNSAFE_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** A fresh, valid copy of a stored history: anything of another shape is dropped, never trusted. */
export function normaliseHistory(raw: unknown): HistoryBook {
  const book: HistoryBook = {};
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return book;
  for (const [key, list] of Object.entries(raw as Record<string, unknown>)) {
    if (UNSAFE_KEYS.has(key) || key.length > 600 || !Array.isArray(list)) continue;
    const changes: RecordChange[] = [];
    for (const item of list.slice(0, HISTORY_LENGTH)) {
      if (!item || typeof item !== 'object') continue;
      const r = item as Record<string, unknown>;
      const at = timeOf(r.at);
      const value = textOf(r.value, 1024);
      if (at === undefined || value === undefined) continue;
      const change: RecordChange = { at, value };
      const previous = textOf(r.previous, 1024);
      if (previous !== undefined) change.previous = previous;
      changes.push(change);
    }
    if (changes.length > 0) book[key] = changes;
  }
  return book;
}

function latest(list: readonly RecordChange[] | undefined): number {
  return list && list.length > 0 ? list[0].at : 0;
}

/**
 * Adds one change per record whose value a run actually changed (created, or
 * updated to a different value: a keep-alive write or a TTL fix is no change).
 * Returns whether anything was added. Keeps HISTORY_LENGTH changes per record
 * and MAX_RECORDS_PER_NODE records, dropping those that changed longest ago.
 */
export function addChanges(book: HistoryBook, results: readonly RecordResult[], at: number): boolean {
  let added = false;
  for (const r of results) {
    if (r.status !== 'created' && r.status !== 'updated') continue;
    if (!r.value || r.value === r.previous) continue;
    const key = recordKey(r.name, r.type);
    if (UNSAFE_KEYS.has(key)) continue;
    const change: RecordChange = { at, value: r.value };
    if (r.previous !== undefined) change.previous = r.previous;
    book[key] = [change, ...(book[key] ?? [])].slice(0, HISTORY_LENGTH);
    added = true;
  }
  const keys = Object.keys(book);
  if (keys.length > MAX_RECORDS_PER_NODE) {
    keys.sort((a, b) => latest(book[a]) - latest(book[b]));
    for (const key of keys.slice(0, keys.length - MAX_RECORDS_PER_NODE)) delete book[key];
  }
  return added;
}

// ------------------------------------------------------------------ rows

function isSuccess(result: RecordResult): boolean {
  return result.status === 'created' || result.status === 'updated' || result.status === 'unchanged';
}

function typeOrder(type: string | undefined): string {
  // A before AAAA before the rest, a name's untyped row last
  if (type === 'A') return '0';
  if (type === 'AAAA') return '1';
  return type ? `2${type}` : '3';
}

/**
 * A time that has happened (a change, a check, a block) stored while the clock
 * was ahead (an NTP step, a board that booted in 2037): `now` is the latest it
 * can honestly be, so the sidebar never shows a last change in the future.
 */
function notAfter(at: number, now: number): number {
  return boundedPast(at, now).at;
}

/** The rows of one node: stored state and the latest results, merged per record. */
export function composeRows(identity: BoardIdentity, view: NodeView, now: number = Date.now()): RecordRow[] {
  const typed = new Map<string, StoredRecord>();
  const byName = new Map<string, StoredRecord>();
  for (const s of view.stored) {
    if (s.type) typed.set(recordKey(s.name, s.type), { ...typed.get(recordKey(s.name, s.type)), ...s });
    else byName.set(s.name, { ...byName.get(s.name), ...s });
  }
  const slots = new Map<string, { name: string; type?: string }>();
  for (const s of typed.values()) slots.set(recordKey(s.name, s.type), { name: s.name, type: s.type });
  for (const [key, last] of view.lastResults) {
    if (!slots.has(key)) slots.set(key, { name: last.result.name, type: last.result.type });
  }
  const typedNames = new Set([...slots.values()].map((slot) => slot.name));
  for (const s of byName.values()) {
    if (!typedNames.has(s.name)) slots.set(recordKey(s.name), { name: s.name });
  }

  const rows: RecordRow[] = [];
  for (const [key, slot] of slots) {
    const info: StoredRecord = { ...byName.get(slot.name), ...typed.get(key), name: slot.name };
    const last = view.lastResults.get(key);
    const row: RecordRow = {
      nodeId: identity.id,
      nodeType: identity.type,
      nodeName: identity.name ?? '',
      name: slot.name,
      state: 'pending',
      history: (view.history[key] ?? []).map((change) => (change.at > now ? { ...change, at: now } : change)),
    };
    if (identity.flowId) row.flowId = identity.flowId;
    if (slot.type) row.type = slot.type;
    const value = info.value ?? (last ? (isSuccess(last.result) ? last.result.value : last.result.previous) : undefined);
    if (value !== undefined) row.value = value;

    if (info.blockedCode) {
      row.state = 'blocked';
      row.code = info.blockedCode;
      if (info.blockedAt !== undefined) row.since = notAfter(info.blockedAt, now);
      row.canUnblock = identity.canUnblock === true;
      if (last?.result.message) row.message = last.result.message;
    } else if (info.waitUntil !== undefined && info.waitUntil > now) {
      row.state = 'backoff';
      row.until = info.waitUntil;
      // Clear block lifts a pause too
      row.canUnblock = identity.canUnblock === true;
      if (info.waitCode) row.code = info.waitCode;
      if (last?.result.message) row.message = last.result.message;
    } else if (last && last.result.status === 'failed') {
      row.state = 'failed';
      const code = last.result.providerCode ?? last.result.code;
      if (code) row.code = code;
      if (last.result.message) row.message = last.result.message;
    } else if (last && last.result.status === 'skipped') {
      // skipped for a block or a wait that is over now: waiting for the next input
      if (last.dryRun) {
        row.state = 'dry-run';
        if (last.result.message) row.message = last.result.message;
      }
    } else if (last) {
      row.state = 'in-sync';
      if (last.result.code) row.code = last.result.code;
    } else if (info.value !== undefined) {
      row.state = 'in-sync';
    }

    const checked = last?.at ?? info.checkedAt;
    if (checked !== undefined) row.lastCheckedAt = notAfter(checked, now);
    const changed = row.history.length > 0 ? row.history[0].at : info.lastWriteAt;
    if (changed !== undefined) row.lastChangedAt = notAfter(changed, now);
    if (info.nextKeepAliveAt !== undefined) row.nextKeepAliveAt = info.nextKeepAliveAt;
    rows.push(row);
  }
  rows.sort((a, b) => a.name.localeCompare(b.name) || typeOrder(a.type).localeCompare(typeOrder(b.type)));
  return rows;
}

// ------------------------------------------------------------------ the board

type Unblocker = (name: string) => Promise<'unblocked' | 'not-blocked'>;
type Rerunner = () => boolean;

interface Member {
  node: BoardNode;
  identity: BoardIdentity;
  rows: RecordRow[];
  unblock?: Unblocker;
  rerun?: Rerunner;
}

export interface SourceSeat {
  /** a new address or state: pushed to the editors */
  report(row: Omit<SourceRow, 'nodeId' | 'nodeName' | 'flowId'>): void;
  /** a check that changed nothing: remembered for the next read, not pushed */
  checked(at: number): void;
  leave(): void;
}

/** The same rows apart from when each was last checked. */
function sameButChecked(a: readonly RecordRow[], b: readonly RecordRow[]): boolean {
  if (a.length !== b.length) return false;
  const strip = (rows: readonly RecordRow[]) => JSON.stringify(rows.map((row) => ({ ...row, lastCheckedAt: undefined })));
  return strip(a) === strip(b);
}

export class RecordBoard {
  private readonly members = new Map<string, Member>();
  private readonly sources = new Map<string, { row: SourceRow; revision: number }>();
  private readonly dirty = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private revision = 0;
  private publisher: ((update: BoardUpdate) => void) | undefined;

  /** Where live updates go (the comms channel); the last one set wins. */
  setPublisher(publish: (update: BoardUpdate) => void): void {
    this.publisher = publish;
  }

  join(who: BoardIdentity, unblock?: Unblocker, rerun?: Rerunner): BoardSeat {
    const identity: BoardIdentity = { ...who, canUnblock: Boolean(unblock) };
    const member: Member = {
      identity,
      node: { id: identity.id, type: identity.type, name: identity.name ?? '', dryRun: identity.dryRun, revision: ++this.revision, ...(rerun ? { canRerun: true } : {}) },
      rows: [],
    };
    if (identity.flowId) member.node.flowId = identity.flowId;
    if (unblock) member.unblock = unblock;
    if (rerun) member.rerun = rerun;
    this.members.set(identity.id, member);
    this.changed(identity.id);
    let left = false;
    return {
      report: (view) => {
        if (left) return;
        const rows = composeRows(identity, view);
        const node: BoardNode = { ...member.node };
        delete node.error;
        delete node.retrying;
        if (view.error) node.error = { ...view.error };
        if (view.retrying) node.retrying = { ...view.retrying };
        // a run that only checked again changes no more than the check times: kept for the next
        // read (GET /ddns/records), not pushed to every editor
        const quiet = sameButChecked(member.rows, rows) && JSON.stringify(member.node) === JSON.stringify(node);
        member.rows = rows;
        if (quiet) return;
        node.revision = ++this.revision;
        member.node = node;
        this.changed(identity.id);
      },
      leave: () => {
        if (left) return;
        left = true;
        // a redeployed node joins again under the same id: only its own seat may remove it
        if (this.members.get(identity.id) === member) {
          this.members.delete(identity.id);
          this.changed(identity.id);
        }
      },
    };
  }

  joinSource(who: { id: string; name?: string; flowId?: string }): SourceSeat {
    const entry = { row: { nodeId: who.id, nodeName: who.name ?? '', state: 'pending' } as SourceRow, revision: ++this.revision };
    if (who.flowId) entry.row.flowId = who.flowId;
    this.sources.set(who.id, entry);
    this.changed(who.id);
    let left = false;
    return {
      report: (view) => {
        if (left) return;
        entry.row = { nodeId: entry.row.nodeId, nodeName: entry.row.nodeName, ...(entry.row.flowId ? { flowId: entry.row.flowId } : {}), ...view };
        entry.revision = ++this.revision;
        this.changed(who.id);
      },
      checked: (at) => {
        entry.row.checkedAt = at;
      },
      leave: () => {
        if (left) return;
        left = true;
        if (this.sources.get(who.id) === entry) {
          this.sources.delete(who.id);
          this.changed(who.id);
        }
      },
    };
  }

  snapshot(): BoardSnapshot {
    const nodes: BoardNode[] = [];
    const records: RecordRow[] = [];
    for (const member of this.members.values()) {
      nodes.push(member.node);
      records.push(...member.rows);
    }
    const sources = [...this.sources.values()].map((entry) => ({ ...entry.row }));
    return { revision: this.revision, nodes, records, sources };
  }

  /** Clears the block or pause of `name` in node `nodeId`'s stored state. */
  async unblock(nodeId: string, name: string): Promise<UnblockOutcome> {
    const member = this.members.get(nodeId);
    if (!member) return 'unknown-node';
    if (!member.unblock) return 'unsupported';
    return member.unblock(name);
  }

  /** Runs node `nodeId`'s last input again. */
  rerun(nodeId: string): 'started' | 'no-input' | 'unknown-node' {
    const member = this.members.get(nodeId);
    if (!member || !member.rerun) return 'unknown-node';
    return member.rerun() ? 'started' : 'no-input';
  }

  private changed(nodeId: string): void {
    this.dirty.add(nodeId);
    if (this.timer) return;
    this.timer = setTimeout(() => this.flush(), PUBLISH_DELAY_MS);
    this.timer.unref();
  }

  private flush(): void {
    this.timer = undefined;
    const ids = [...this.dirty];
    this.dirty.clear();
    const publish = this.publisher;
    if (!publish) return;
    for (const nodeId of ids) {
      const member = this.members.get(nodeId);
      const source = this.sources.get(nodeId);
      const update: BoardUpdate = member
        ? { nodeId, revision: member.node.revision, node: member.node, records: member.rows }
        : source
          ? { nodeId, revision: source.revision, node: null, records: [], source: { ...source.row } }
          : { nodeId, revision: ++this.revision, node: null, records: [], source: null };
      try {
        publish(update);
      } catch {
        // an editor that cannot be told now reads GET /ddns/records when it opens the tab
      }
    }
  }
}

/** The one board of this Node-RED process. */
export const recordBoard = new RecordBoard();

// ------------------------------------------------------------------ admin routes

const routed = new WeakSet<object>();
const MAX_NAME_LENGTH = 253;
const MAX_NODE_ID_LENGTH = 100;

interface JsonResponse {
  status(code: number): JsonResponse;
  json(body: unknown): void;
}

function refuse(res: JsonResponse, status: number, code: string, message: string): void {
  res.status(status).json({ code, message });
}

interface JsonRequest {
  is(type: string): string | false | null;
}

/**
 * Admin routes that change something take `application/json` only: a page on
 * another site can post a form (urlencoded, multipart, text/plain) to a
 * Node-RED without adminAuth, but not JSON without a CORS preflight it fails.
 */
export function requireJson(req: JsonRequest, res: JsonResponse, next: () => void): void {
  if (req.is('application/json')) return next();
  refuse(res, 415, 'EBADINPUT', 'send the request body as application/json');
}

/**
 * `GET /ddns/records` (permission `ddns.read`) and
 * `POST /ddns/records/:nodeId/unblock` with `{name}` (permission `ddns.write`),
 * once per admin app however many node types and plugins call it; live updates
 * on the comms topic `ddns/records`.
 */
export function installRecordRoutes(RED: NodeAPI, board: RecordBoard = recordBoard): void {
  if (RED.comms && typeof RED.comms.publish === 'function') {
    board.setPublisher((update) => RED.comms.publish(RECORDS_TOPIC, update, false));
  }
  const admin = RED.httpAdmin;
  if (!admin || !RED.auth || typeof RED.auth.needsPermission !== 'function' || routed.has(admin)) return;
  routed.add(admin);

  admin.get('/ddns/records', RED.auth.needsPermission('ddns.read'), (_req, res) => {
    res.set('Cache-Control', 'no-store');
    res.json(board.snapshot());
  });

  admin.post('/ddns/records/:nodeId/update', RED.auth.needsPermission('ddns.write'), requireJson, (req, res) => {
    const nodeId = String(req.params.nodeId ?? '');
    if (nodeId.length === 0 || nodeId.length > MAX_NODE_ID_LENGTH) return refuse(res, 400, 'EBADINPUT', 'no node id');
    switch (board.rerun(nodeId)) {
      case 'started':
        return void res.status(202).json({ started: true, nodeId });
      case 'no-input':
        return refuse(res, 409, 'ENOTFOUND', 'this node has had no input yet: there is nothing to run again');
      default:
        return refuse(res, 404, 'ENOTFOUND', 'no running DDNS updater node has this id');
    }
  });

  admin.post('/ddns/records/:nodeId/unblock', RED.auth.needsPermission('ddns.write'), requireJson, (req, res) => {
    const nodeId = String(req.params.nodeId ?? '');
    const body = (req.body ?? {}) as { name?: unknown };
    const name = typeof body.name === 'string' ? body.name.trim().toLowerCase() : '';
    if (nodeId.length === 0 || nodeId.length > MAX_NODE_ID_LENGTH) return refuse(res, 400, 'EBADINPUT', 'no node id');
    if (name.length === 0 || name.length > MAX_NAME_LENGTH || /[\s\0]/.test(name)) {
      return refuse(res, 400, 'EBADINPUT', 'the body must be {"name": "<host name>"}');
    }
    board.unblock(nodeId, name).then(
      (outcome) => {
        switch (outcome) {
          case 'unblocked': {
            const snapshot = board.snapshot();
            res.json({ unblocked: true, nodeId, name, records: snapshot.records.filter((row) => row.nodeId === nodeId) });
            return;
          }
          case 'unknown-node':
            return refuse(res, 404, 'ENOTFOUND', 'no running DDNS updater node has this id');
          case 'unsupported':
            return refuse(res, 400, 'EBADINPUT', 'this node keeps no blocks to clear');
          case 'not-blocked':
            return refuse(res, 409, 'ENOTFOUND', `${name} is neither blocked nor paused in this node`);
        }
      },
      () => refuse(res, 500, 'ESTATE', 'the block could not be cleared: the context store did not answer'),
    );
  });
}

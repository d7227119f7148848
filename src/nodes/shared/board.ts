/**
 * The DDNS sidebar's source of truth: a process-wide board where every running
 * updater node keeps the rows of the records it manages (composed by
 * board-rows.ts) and every ip-source its current address. Nodes join when they
 * start, report after every run (and once at start from their stored state),
 * and leave when they close; the comms channel pushes each node's new rows to
 * the editor, the admin routes (board-routes.ts) read the board.
 *
 * Nothing on the board is a secret: no account, server URL or header is ever
 * put on it.
 */
import { composeRows, type BoardError, type BoardIdentity, type NodeView, type RecordRow, type UnblockOutcome } from './board-rows';

/** comms topic of the live updates: `{nodeId, revision, node, records}`, node null when it left */
export const RECORDS_TOPIC = 'ddns/records';
/** live updates of one node within this window go out as one */
const PUBLISH_DELAY_MS = 50;

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


/** A node's place on the board. */
export interface BoardSeat {
  report(view: NodeView): void;
  leave(): void;
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

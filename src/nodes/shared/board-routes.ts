/**
 * The DDNS sidebar's admin routes: read the board, clear a block, run a
 * node's last input again. Routes that change something take JSON only and
 * need `ddns.write`; live updates go out on the comms topic `ddns/records`.
 */
import type { NodeAPI } from 'node-red';
import { RECORDS_TOPIC, recordBoard, type RecordBoard } from './board';

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

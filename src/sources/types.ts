import type { Dispatcher } from 'undici';
import type { FamilyOption } from '../core/address';

/** What every origin lookup gets: cancellation, a deadline and where to send from. */
export interface LookupContext {
  signal: AbortSignal;
  timeoutMs: number;
  family: FamilyOption;
  /** bind: source address lookups leave from (two uplinks) */
  localAddress?: string;
  /** HTTP origins share one keep-alive agent per node */
  dispatcher?: Dispatcher;
  /** largest HTTP body accepted */
  maxBytes?: number;
}

/**
 * What an origin returned, before pattern matching. `addresses`: each text is one
 * address, matched on its own (interface addresses, DNS records); `body`: free
 * text in which every match is a candidate (HTTP bodies, UDP replies).
 */
export interface SourceAnswer {
  texts: string[];
  kind: 'addresses' | 'body';
  /** the body is an HTML page: only a user's own pattern may pick an address from it */
  markup?: boolean;
  /** why the answer's addresses are not public, in the origin's words (a router behind another NAT) */
  notPublicHint?: string;
  /**
   * the answering server's own addresses (its URL's host literal, the addresses
   * connected to): the built-in scanner never takes them for ours
   */
  serverAddresses?: string[];
}

import type { Node } from 'node-red';
import type { AccountResources } from './account';
import type { AlidnsClient } from '../../providers/aliyun';
import type { DdnsError } from '../../core/errors';

export interface AliyunCredentials {
  accessKeyId?: string;
  accessKeySecret?: string;
}

export interface AliyunAccountNode extends Node<AliyunCredentials> {
  endpoint: string;
  resources: AccountResources;
  /** one client per account, so a clock correction learnt by one record serves all */
  client?: AlidnsClient;
  /** why there is no client (missing keys, bad endpoint) */
  clientError?: DdnsError;
  /** changes when the endpoint or the keys change, resetting the updaters' state */
  identity: string;
}

export interface Dyndns2Credentials {
  username?: string;
  password?: string;
}

export interface Dyndns2AccountNode extends Node<Dyndns2Credentials> {
  server: string;
  dualStack: string;
  resources: AccountResources;
  identity: string;
}

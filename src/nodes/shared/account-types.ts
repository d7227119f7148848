import type { Dyndns2AccountSettings } from '../../providers/dyndns2/settings';
import type { AccountNode } from './account';

export interface AliyunCredentials {
  accessKeyId?: string;
  accessKeySecret?: string;
  stateKey?: string;
}

export interface AliyunAccountNode extends AccountNode<AliyunCredentials> {
  endpoint: string;
}

export interface Dyndns2Credentials {
  username?: string;
  password?: string;
  stateKey?: string;
}

export interface Dyndns2AccountNode extends AccountNode<Dyndns2Credentials> {
  server: string;
  dualStack: string;
  preset: string;
  contact: string;
  ipv6Only: boolean;
  /** the account's part of the provider settings, spread into them as it is */
  accountSettings: Readonly<Dyndns2AccountSettings>;
}

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
}

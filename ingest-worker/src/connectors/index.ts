/** Opening the connector for a source's type, with its decrypted credentials. */
import type { DataSource, SourceSecrets } from '@budget-sync/db';
import { openFolder } from './folder.ts';
import { openS3 } from './s3.ts';
import { openSftp } from './sftp.ts';
import type { Connector } from './types.ts';

export type { Connector, ProgressListener, RemoteFile } from './types.ts';
export { hostKeyFingerprint } from './sftp.ts';

export interface ConnectOptions {
  /** SSH handshake timeout, ms. */
  readyTimeoutMs?: number;
}

export function openConnector(source: DataSource, secrets: SourceSecrets, options: ConnectOptions = {}): Promise<Connector> {
  switch (source.type) {
    case 'folder':
      return openFolder(source.config);
    case 'sftp':
      return openSftp(source.config, secrets, options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {});
    case 's3':
      return openS3(source.config, secrets);
  }
}

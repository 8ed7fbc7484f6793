/** Opening the connector for a source's type, with its decrypted credentials. */
import type { DataSource, SourceSecrets } from '@budget-sync/db';
import type { Connector } from './types.ts';

export type { Connector, ProgressListener, RemoteFile } from './types.ts';
export { hostKeyFingerprint } from './fingerprint.ts';

export interface ConnectOptions {
  /** SSH handshake timeout, ms. */
  readyTimeoutMs?: number;
}

/**
 * Each connector's module (and its client library: ssh2, the AWS SDK) is loaded when a source of its type
 * is first opened, so a worker holds only the libraries its sources use.
 */
export async function openConnector(source: DataSource, secrets: SourceSecrets, options: ConnectOptions = {}): Promise<Connector> {
  switch (source.type) {
    case 'folder':
      return (await import('./folder.ts')).openFolder(source.config, source.orgId);
    case 'sftp':
      return (await import('./sftp.ts')).openSftp(
        source.config,
        secrets,
        options.readyTimeoutMs !== undefined ? { readyTimeoutMs: options.readyTimeoutMs } : {},
      );
    case 's3':
      return (await import('./s3.ts')).openS3(source.config, secrets);
  }
}

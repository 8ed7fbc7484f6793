/** The OpenSSH form of a host key's fingerprint, as `ssh-keygen -lf` prints it and as sources pin it. */
import { createHash } from 'node:crypto';

export function hostKeyFingerprint(key: Buffer): string {
  return `SHA256:${createHash('sha256').update(key).digest('base64').replace(/=+$/, '')}`;
}

/** Local ports for the test servers (sshd, s3rver): a free one, and waiting until a child listens on it. */
import type { ChildProcess } from 'node:child_process';
import { createServer, Socket } from 'node:net';

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const address = s.address();
      s.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = new Socket();
    sock.once('connect', () => {
      sock.destroy();
      resolve(true);
    });
    sock.once('error', () => resolve(false));
    sock.connect(port, '127.0.0.1');
  });
}

/**
 * Resolves once `proc` accepts connections on 127.0.0.1:`port`, checking every 25 ms; throws with its
 * stderr when it exits first, or when it is not listening after `attempts` checks.
 */
export async function waitForListener(proc: ChildProcess, name: string, port: number, attempts: number): Promise<void> {
  let stderr = '';
  proc.stderr?.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  for (let i = 0; i < attempts; i++) {
    if (proc.exitCode !== null) throw new Error(`${name} exited: ${stderr}`);
    if (await accepts(port)) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`${name} did not listen on ${port}: ${stderr}`);
}

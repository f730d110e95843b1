// Who is on the other end of a loopback connection. The Runtime API hands out function events
// and takes results; on a shared machine another user's process could connect to its port, so
// a connection is served only if it comes from a process of the user running the local cloud
// (the same user could read the worker's memory anyway). Linux only: /proc/net/tcp holds the
// owner of every TCP socket; elsewhere the check is skipped.
import { readFile } from 'node:fs/promises';

const LOOPBACK_HEX = '0100007F'; // 127.0.0.1, as /proc/net/tcp writes it

function portHex(port: number): string {
  return port.toString(16).toUpperCase().padStart(4, '0');
}

/** The uid owning the client socket 127.0.0.1:clientPort -> 127.0.0.1:serverPort, if found. */
export async function loopbackPeerUid(
  clientPort: number,
  serverPort: number,
): Promise<number | undefined> {
  let table: string;
  try {
    table = await readFile('/proc/net/tcp', 'utf8');
  } catch {
    return undefined;
  }
  const local = `${LOOPBACK_HEX}:${portHex(clientPort)}`;
  const remote = `${LOOPBACK_HEX}:${portHex(serverPort)}`;
  for (const line of table.split('\n')) {
    const fields = line.trim().split(/\s+/);
    // sl local_address rem_address st tx:rx tr:when retrnsmt uid ...
    if (fields[1] === local && fields[2] === remote) return Number(fields[7]);
  }
  return undefined;
}

/** Whether a connection from `clientPort` may use the Runtime API on `serverPort`. */
export async function isOwnUsersConnection(
  clientPort: number,
  serverPort: number,
): Promise<boolean> {
  if (process.platform !== 'linux' || typeof process.getuid !== 'function') return true;
  return (await loopbackPeerUid(clientPort, serverPort)) === process.getuid();
}

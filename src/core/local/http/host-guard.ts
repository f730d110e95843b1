// DNS rebinding defence: a page on evil.example that resolves to 127.0.0.1 still sends
// `Host: evil.example`, so only loopback names with this server's port are accepted.

const LOOPBACK_NAMES = new Set(['127.0.0.1', 'localhost', '[::1]']);

export function isAllowedHost(hostHeader: string | undefined, port: number): boolean {
  if (hostHeader === undefined) return false;
  const match = /^(\[[^\]]+\]|[^:]+):(\d+)$/.exec(hostHeader.trim().toLowerCase());
  if (!match) return false;
  return LOOPBACK_NAMES.has(match[1]!) && Number(match[2]) === port;
}

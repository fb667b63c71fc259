/**
 * Whether a host name or address is this machine's loopback (`localhost`, `127.0.0.0/8`, `::1`, with or
 * without IPv6 brackets): the one definition behind everything Ferry allows on loopback only (the
 * codec server without a token, the console without a TLS proxy, an http:// OIDC issuer or public URL,
 * where browsers keep Secure cookies over plain http).
 */
export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[(.*)\]$/, '$1').toLowerCase();
  return bare === 'localhost' || bare === '::1' || /^127(\.\d{1,3}){3}$/.test(bare);
}

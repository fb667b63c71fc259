/**
 * Until sign-in lands (issue 17) the console answers on loopback only: it binds a loopback address,
 * refuses any other, and answers only requests whose Host is a loopback name, so that a web page on
 * another site cannot reach it through DNS rebinding.
 */

export const LOOPBACK_BANNER = 'no sign-in yet: loopback only';

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

export function isLoopbackHost(host: string): boolean {
  return LOOPBACK_HOSTS.has(host.toLowerCase()) || /^127(\.\d{1,3}){3}$/.test(host);
}

/** The host part of a Host header (`127.0.0.1:7380`, `[::1]:7380`, `localhost`). */
export function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (bracketed) return bracketed[1]!;
  return hostHeader.replace(/:\d+$/, '');
}

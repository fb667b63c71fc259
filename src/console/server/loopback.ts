/**
 * The console binds a loopback address unless it sits behind a TLS proxy (FERRY_CONSOLE_PUBLIC_URL
 * with https://): then it may bind any address. Either way it answers only requests whose Host is a
 * loopback name or the public URL's host, so that a web page on another site cannot reach it through
 * DNS rebinding.
 */

/** The host part of a Host header (`127.0.0.1:7380`, `[::1]:7380`, `localhost`). */
export function hostnameOf(hostHeader: string | undefined): string {
  if (!hostHeader) return '';
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(hostHeader);
  if (bracketed) return bracketed[1]!;
  return hostHeader.replace(/:\d+$/, '');
}

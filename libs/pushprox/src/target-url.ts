/** The `host[:port]` of an absolute URL, user info removed; '' when there is none. */
export function authorityOf(url: string): string {
  const start = url.indexOf('//');
  if (start < 0) return '';
  let end = url.length;
  for (const stop of ['/', '?', '#']) {
    const at = url.indexOf(stop, start + 2);
    if (at >= 0 && at < end) end = at;
  }
  const authority = url.slice(start + 2, end);
  return authority.slice(authority.lastIndexOf('@') + 1);
}

/**
 * Go's `URL.Hostname()` of an absolute URL: the authority without port and without the
 * brackets of an IPv6 literal, case kept. The proxy routes scrapes by this name and the
 * client compares it with its `--fqdn`.
 */
export function targetHostname(url: string): string {
  const authority = authorityOf(url);
  if (authority.startsWith('[')) {
    const close = authority.indexOf(']');
    return close < 0 ? authority.slice(1) : authority.slice(1, close);
  }
  const colon = authority.indexOf(':');
  return colon < 0 ? authority : authority.slice(0, colon);
}

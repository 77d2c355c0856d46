// Where a response's `$schema` points: the host the client used, taken from
// X-Forwarded-Host, Forwarded or Host as Huma does (http for loopback hosts,
// https otherwise).
import type { IncomingHttpHeaders } from 'node:http';

export type SchemaName = 'Organization' | 'ErrorModel';

export const schemaPath = (name: SchemaName) => `/schemas/${name}.json`;
export const describedBy = (name: SchemaName) => `<${schemaPath(name)}>; rel="describedBy"`;

export function schemaUrl(headers: IncomingHttpHeaders, name: SchemaName): string {
  const host = requestHost(headers);
  const scheme = /^(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(host) ? 'http' : 'https';
  return `${scheme}://${host}${schemaPath(name)}`;
}

function requestHost(headers: IncomingHttpHeaders): string {
  const forwardedHost = first(headers['x-forwarded-host']);
  if (forwardedHost) return forwardedHost;
  const forwarded = first(headers.forwarded);
  if (forwarded) {
    for (const directive of forwarded.split(/[,;]/)) {
      const match = /^\s*host=(.*)$/i.exec(directive);
      if (match) return match[1]!.trim().replace(/^"|"$/g, '');
    }
  }
  return first(headers.host) || 'localhost';
}

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim();

// Where responses point: `$schema` URLs, `Link` headers and locations, under
// BASE_PATH, on the host the client used. With TRUST_PROXY the host and
// protocol come from X-Forwarded-Host / X-Forwarded-Proto / Forwarded as Huma
// does; otherwise from Host alone. Without a forwarded protocol, Huma's rule:
// http for loopback hosts, https otherwise.
import type { IncomingHttpHeaders } from 'node:http';

export type SchemaName = 'Organization' | 'ErrorModel';

export interface LinkOptions {
  /** '' or a prefix such as '/v2' (no trailing slash). */
  basePath: string;
  trustProxy: boolean;
}

export class Links {
  constructor(private readonly options: LinkOptions) {}

  get basePath(): string {
    return this.options.basePath;
  }

  /** A path of this API, under BASE_PATH. */
  path(path: string): string {
    return `${this.options.basePath}${path}`;
  }

  schemaPath(name: SchemaName): string {
    return this.path(`/schemas/${name}.json`);
  }

  describedBy(name: SchemaName): string {
    return `<${this.schemaPath(name)}>; rel="describedBy"`;
  }

  schemaUrl(headers: IncomingHttpHeaders, name: SchemaName): string {
    return `${this.origin(headers)}${this.schemaPath(name)}`;
  }

  origin(headers: IncomingHttpHeaders): string {
    const forwarded = this.options.trustProxy ? forwardedDirectives(headers) : {};
    const host = validHost(forwarded.host) ?? validHost(first(headers.host)) ?? 'localhost';
    const scheme = forwarded.proto ?? (/^(localhost|127\.0\.0\.1|\[::1\])(:|$)/.test(host) ? 'http' : 'https');
    return `${scheme}://${host}`;
  }
}

function forwardedDirectives(headers: IncomingHttpHeaders): { host?: string; proto?: string } {
  const result: { host?: string; proto?: string } = {};
  const forwarded = first(headers.forwarded);
  if (forwarded) {
    // The first element is the one the client's nearest proxy added.
    for (const directive of forwarded.split(',')[0]!.split(';')) {
      const [name, value] = directive.split('=', 2).map((part) => part?.trim().replace(/^"|"$/g, ''));
      if (!value) continue;
      if (name?.toLowerCase() === 'host') result.host = value;
      if (name?.toLowerCase() === 'proto') result.proto = value.toLowerCase();
    }
  }
  const forwardedHost = first(headers['x-forwarded-host'])?.split(',')[0]?.trim();
  if (forwardedHost) result.host = forwardedHost;
  const forwardedProto = first(headers['x-forwarded-proto'])?.split(',')[0]?.trim().toLowerCase();
  if (forwardedProto) result.proto = forwardedProto;
  if (result.proto !== undefined && result.proto !== 'http' && result.proto !== 'https') delete result.proto;
  return result;
}

// A host name or address with an optional port; anything else is ignored.
const validHost = (host: string | undefined) => (host && /^[A-Za-z0-9.\-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/.test(host) ? host : undefined);

const first = (value: string | string[] | undefined) => (Array.isArray(value) ? value[0] : value)?.trim() || undefined;

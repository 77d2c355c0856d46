// Small fetch helpers: every REST call returns status, headers and parsed
// body, and is checked against the served contract when one is given.
import type { Contract } from './contract.js';

export interface Reply {
  status: number;
  headers: Headers;
  contentType: string | null;
  body: any;
  text: string;
}

export interface RestCall {
  method: string;
  path: string;
  /** The OpenAPI path this call exercises, to validate the response. */
  operation?: string;
  token?: string;
  body?: unknown;
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export async function rest(baseUrl: string, call: RestCall, contract?: Contract): Promise<Reply> {
  const headers: Record<string, string> = { ...call.headers };
  if (call.token) headers.authorization = `Bearer ${call.token}`;
  let body: string | Uint8Array | undefined = call.rawBody;
  if (call.body !== undefined) {
    body = JSON.stringify(call.body);
    headers['content-type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}${call.path}`, { method: call.method, headers, body });
  const text = await response.text();
  const contentType = response.headers.get('content-type');
  const reply: Reply = { status: response.status, headers: response.headers, contentType, text, body: parse(text) };
  if (contract && call.operation) contract.check(call.method, call.operation, { status: reply.status, contentType, body: text === '' ? '' : reply.body });
  return reply;
}

export async function graphql(baseUrl: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (token) headers.authorization = `Bearer ${token}`;
  const response = await fetch(`${baseUrl}/graphql`, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
  return { status: response.status, body: (await response.json()) as { data?: any; errors?: any } };
}

function parse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

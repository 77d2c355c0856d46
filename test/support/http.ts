// Small fetch helpers: every REST call returns status, headers and parsed
// body, and is checked against the served contract when one is given.
import { Contract } from './contract.js';

// One contract per server, loaded on first use: every REST response a test
// receives is validated against the document that server serves.
const contracts = new Map<string, Promise<Contract>>();
const contractOf = (baseUrl: string) => {
  let contract = contracts.get(baseUrl);
  if (!contract) contracts.set(baseUrl, (contract = Contract.load(baseUrl)));
  return contract;
};

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
  token?: string;
  body?: unknown;
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

export async function rest(baseUrl: string, call: RestCall): Promise<Reply> {
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
  (await contractOf(baseUrl)).checkAny(call.method, call.path, { status: reply.status, contentType, body: text === '' ? '' : reply.body });
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

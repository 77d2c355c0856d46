// Turns the Prisma and pg errors we know into domain errors; anything else
// stays unknown and becomes a masked 500 at the adapter.
import { serviceUnavailable } from '../domain/errors.js';

// Prisma codes for an unreachable or overloaded database.
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024']);
// Driver adapter error kinds and pg/Node codes for the same.
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections', 'DatabaseDoesNotExist']);
const UNAVAILABLE_NODE_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);
// SQLSTATE classes 08 (connection exception) and 57 (operator intervention:
// shutdown, statement timeout), and 53300 (too many connections).
const UNAVAILABLE_SQLSTATE = /^(08|57)|^53300$/;

export function isUnavailable(error: unknown): boolean {
  for (let e: unknown = error, depth = 0; e && depth < 6; depth++) {
    const err = e as { code?: unknown; kind?: unknown; message?: unknown; cause?: unknown; originalCode?: unknown; meta?: { driverAdapterError?: unknown } };
    if (typeof err.code === 'string' && (UNAVAILABLE_PRISMA_CODES.has(err.code) || UNAVAILABLE_NODE_CODES.has(err.code) || UNAVAILABLE_SQLSTATE.test(err.code))) return true;
    if (typeof err.originalCode === 'string' && UNAVAILABLE_SQLSTATE.test(err.originalCode)) return true;
    if (typeof err.kind === 'string' && UNAVAILABLE_KINDS.has(err.kind)) return true;
    if (typeof err.message === 'string' && /timeout exceeded when trying to connect|Connection terminated|Query read timeout/i.test(err.message)) return true;
    // Prisma keeps the driver's error in meta.driverAdapterError (prisma#28953).
    e = err.meta?.driverAdapterError ?? err.cause;
  }
  return false;
}

/** Rethrows a database failure as the domain's 503 when it is one. */
export function mapDatabaseError(error: unknown): never {
  if (isUnavailable(error)) throw serviceUnavailable();
  throw error;
}

export const isRecordNotFound = (error: unknown) => (error as { code?: unknown })?.code === 'P2025';

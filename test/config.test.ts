// Configuration defaults that decide how the gateway runs (src/config.ts).
import { describe, expect, it } from 'vitest';
import { defaultWorkers, loadConfig } from '../src/config.js';

describe('configuration', () => {
  it('runs one worker outside production; in production every core, or half of them beside a local Postgres', () => {
    expect(loadConfig({}).workers).toBe(1);
    expect(defaultWorkers({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://gateway@db.internal:5432/organizations' }, 8)).toBe(8);
    for (const local of [undefined, 'postgresql://gateway@127.0.0.1:5432/o', 'postgresql://gateway@localhost/o', 'postgresql://gateway@[::1]/o', 'postgresql://gateway@/o?host=/var/run/postgresql']) {
      expect(defaultWorkers({ NODE_ENV: 'production', DATABASE_URL: local }, 8), local).toBe(4);
      expect(defaultWorkers({ NODE_ENV: 'production', DATABASE_URL: local }, 2), local).toBe(1);
    }
    expect(defaultWorkers({ NODE_ENV: 'production', DATABASE_URL: 'postgresql://gateway@localhost/o' }, 1)).toBe(1);
    expect(loadConfig({ NODE_ENV: 'production', WORKERS: '3' }).workers).toBe(3);
  });

  it('prepares statements unless DB_PREPARED_STATEMENTS is false, and refuses a value that is not a boolean', () => {
    expect(loadConfig({}).dbPreparedStatements).toBe(true);
    expect(loadConfig({ DB_PREPARED_STATEMENTS: 'false' }).dbPreparedStatements).toBe(false);
    expect(() => loadConfig({ DB_PREPARED_STATEMENTS: 'sometimes' })).toThrow(/DB_PREPARED_STATEMENTS must be true or false/);
  });
});

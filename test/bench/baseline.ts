// The baseline the gateway is measured against: the same work by hand, with
// node:http and pg only. PUT runs one UPDATE … RETURNING, GET one SELECT by
// id; both answer the REST JSON shape. No auth, no validation beyond JSON.
import { createServer } from 'node:http';
import pg from 'pg';

const pool = new pg.Pool({ connectionString: process.env.DATABASE_URL, max: Number(process.env.DB_POOL_MAX ?? 10) });
const COLUMNS = 'id, title, description, created_by, created_on, last_modified_by, last_modified_on';

const toJson = (row: Record<string, any>, host: string) =>
  JSON.stringify({
    $schema: `http://${host}/schemas/Organization.json`,
    id: row.id,
    title: row.title,
    ...(row.description === null ? {} : { description: row.description }),
    created_by: row.created_by,
    created_on: row.created_on.toISOString(),
    last_modified_by: row.last_modified_by,
    last_modified_on: row.last_modified_on.toISOString(),
  });

const server = createServer((request, response) => {
  const id = /^\/organizations\/([^/]+)\/?$/.exec(request.url ?? '')?.[1];
  const send = (status: number, body: string) => {
    response.writeHead(status, { 'content-type': 'application/json' });
    response.end(body);
  };
  if (!id) return send(404, '{}');
  const host = request.headers.host ?? 'localhost';
  if (request.method === 'GET') {
    pool.query(`SELECT ${COLUMNS} FROM organizations WHERE id = $1`, [id]).then(
      ({ rows }) => (rows[0] ? send(200, toJson(rows[0], host)) : send(404, '{}')),
      () => send(500, '{}'),
    );
    return;
  }
  if (request.method === 'PUT') {
    let body = '';
    request.on('data', (chunk) => (body += chunk));
    request.on('end', () => {
      let input: { title?: string; description?: string };
      try {
        input = JSON.parse(body);
      } catch {
        return send(400, '{}');
      }
      pool
        .query(
          `UPDATE organizations SET title = $2, description = $3, version = version + 1, last_modified_by = 'baseline', last_modified_on = now()
           WHERE id = $1 RETURNING ${COLUMNS}`,
          [id, input.title, input.description ?? null],
        )
        .then(({ rows }) => (rows[0] ? send(200, toJson(rows[0], host)) : send(404, '{}')), () => send(500, '{}'));
    });
    return;
  }
  send(405, '{}');
});

server.listen(Number(process.env.PORT), '127.0.0.1', () => console.log('baseline ready'));
process.on('SIGTERM', () => server.close(() => pool.end().then(() => process.exit(0))));

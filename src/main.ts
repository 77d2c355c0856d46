// `npm start`: serve the gateway until SIGTERM/SIGINT, then drain and exit 0.
import { loadConfig } from './config.js';
import { startGateway } from './server.js';

const config = loadConfig();
const gateway = await startGateway(config, process.env.LOG_LEVEL ?? 'info').catch((error: Error) => {
  console.error(`gateway did not start: ${error.message}`);
  process.exit(1);
});

console.log(`Organization gateway on ${gateway.url} (REST /organizations/, GraphQL /graphql, OpenAPI /openapi.json)`);
if (gateway.developmentToken) {
  console.log(`Development admin token (kept valid across restarts with ${config.dataDir}/dev-jwt-secret):\n${gateway.developmentToken}`);
}

let stopping = false;
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.on(signal, () => {
    if (stopping) return;
    stopping = true;
    gateway.stop().then(
      () => process.exit(0),
      (error: Error) => {
        console.error(`shutdown failed: ${error.message}`);
        process.exit(1);
      },
    );
  });
}

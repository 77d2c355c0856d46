// Interactive REST docs at BASE_PATH/docs/: Swagger UI served from the
// swagger-ui-dist package (no CDN), reading the served OpenAPI document.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
// The package's main module loads all of Swagger UI; only its folder is needed.
import getAbsoluteFSPath from 'swagger-ui-dist/absolute-path.js';

const assets = getAbsoluteFSPath();
const indexHtml = readFileSync(join(assets, 'index.html'), 'utf8').replace('<title>Swagger UI</title>', '<title>Chkk API: Organizations</title>');

/** Registered inside the REST scope, so under BASE_PATH. */
export async function docsRoutes(app: FastifyInstance, { basePath }: { basePath: string }): Promise<void> {
  // validatorUrl: null keeps Swagger UI from calling validator.swagger.io.
  const initializer = `window.onload = function () {
  window.ui = SwaggerUIBundle({
    url: ${JSON.stringify(`${basePath}/openapi.json`)},
    dom_id: '#swagger-ui',
    deepLinking: true,
    validatorUrl: null,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;
  app.get('/docs/', async (request, reply) => {
    // The page's assets are relative (./swagger-ui.css): it must be read from /docs/.
    if (!request.url.split('?')[0]!.endsWith('/')) return reply.redirect(`${basePath}/docs/`, 301);
    return reply.type('text/html; charset=utf-8').send(indexHtml);
  });
  app.get('/docs/swagger-initializer.js', async (_request, reply) => reply.type('text/javascript; charset=utf-8').send(initializer));
  await app.register(fastifyStatic, { root: assets, prefix: '/docs/', index: false, decorateReply: false, wildcard: true });
}

// `npm run token -- [--sub S] [--org ID] [--scope "a b"] [--expires 12h]`:
// mint an HS256 token with AUTH_JWT_SECRET, or with the development secret
// kept in DATA_DIR. Defaults to an admin token.
import { parseArgs } from 'node:util';
import { signToken } from '../auth.js';
import { developmentSecret, loadConfig } from '../config.js';

const { values } = parseArgs({
  options: {
    sub: { type: 'string', default: 'dev-admin' },
    org: { type: 'string' },
    scope: { type: 'string', default: 'organizations:admin organizations:read organizations:write' },
    expires: { type: 'string', default: '12h' },
  },
});

const config = loadConfig();
const secret = config.auth.secret ?? (await developmentSecret(config));
const token = await signToken(secret, { sub: values.sub, org: values.org, scope: values.scope, expiresIn: values.expires }, config.auth);
console.log(token);

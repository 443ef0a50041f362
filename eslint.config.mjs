// Shipped code (credentials/, nodes/) and package.json: n8n's own community-node rules, with n8n Cloud support.
import { config } from '@n8n/node-cli/eslint';

export default config;

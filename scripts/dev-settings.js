'use strict';
// Settings for `npm start`: local only, a persistent file context store so the
// nodes' state (record ids, blocked hosts) survives restarts as it would in production.
module.exports = {
  uiHost: process.env.NODE_RED_DDNS_HOST || '127.0.0.1',
  flowFile: 'flows.json',
  credentialSecret: process.env.NODE_RED_CREDENTIAL_SECRET || 'ddns-dev-only-secret',
  contextStorage: {
    default: { module: 'localfilesystem' },
  },
  logging: { console: { level: 'info', metrics: false, audit: false } },
  editorTheme: { tours: false, projects: { enabled: false } },
  diagnostics: { enabled: false },
  telemetry: { enabled: false },
};

'use strict';
// Node-RED loads a node's editor .html, icons/ and locales/ from beside its .js file,
// so the editor files in nodes/ are copied next to the compiled JavaScript in dist/nodes/.
const fs = require('node:fs');
const path = require('node:path');

const from = path.join(__dirname, '..', 'nodes');
const to = path.join(__dirname, '..', 'dist', 'nodes');
fs.mkdirSync(to, { recursive: true });
for (const entry of fs.readdirSync(from)) {
  fs.cpSync(path.join(from, entry), path.join(to, entry), { recursive: true });
}

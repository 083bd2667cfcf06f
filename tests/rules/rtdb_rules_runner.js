// Evaluates Realtime Database rules offline with targaryen, for tests/rules/test_database_rules.py.
// stdin: {"rules": "<path to database.rules.json>", "data": {...}, "cases": [{"id", "auth", "op", "path", "value"}]}
// op is "read", "write" (set) or "update" (multi-path patch). "grant_root_write": true evaluates the same rules with
// ".write": "true" at the root, so a .validate rule can be checked for writers the rules otherwise refuse.
// stdout: {"<id>": {"allowed": bool, "info": "<targaryen's rule trace>"}}; exit 2 on a malformed request.
'use strict';
const fs = require('fs');
const path = require('path');

const toolsDir = path.resolve(__dirname, '..', '..', 'tools', 'node_modules');
const targaryen = require(path.join(toolsDir, 'targaryen'));

const request = JSON.parse(fs.readFileSync(0, 'utf8'));
const rules = JSON.parse(fs.readFileSync(request.rules, 'utf8'));
const granted = JSON.parse(JSON.stringify(rules));
granted.rules['.write'] = 'true';

const results = {};
for (const c of request.cases) {
  const base = targaryen.database(c.grant_root_write ? granted : rules, request.data || {}).with({debug: true});
  const db = base.as(c.auth === undefined ? null : c.auth);
  let result;
  if (c.op === 'read') {
    result = db.read(c.path);
  } else if (c.op === 'write') {
    result = db.write(c.path, c.value);
  } else if (c.op === 'update') {
    result = db.update(c.path, c.value);
  } else {
    process.stderr.write(`unknown op ${c.op} in case ${c.id}\n`);
    process.exit(2);
  }
  results[c.id] = {allowed: Boolean(result.allowed), info: result.info};
}
process.stdout.write(JSON.stringify(results));

// Run by the root "postinstall" (npm ci / npm install). Patches postgres.js 3.4.9 in node_modules.
//
// Why: in postgres.js 3.4.9 nextWrite() (src/connection.js) calls socket.write() without checking
// that the socket still exists. When the server goes away (a database restart), closed() sets
// socket = null and a write scheduled or issued after that throws an uncaught
// "TypeError: Cannot read properties of null (reading 'write')" from a setImmediate callback; the
// query that was writing never settles, so whatever awaits it (outbox sender, /readyz) hangs.
// Upstream: https://github.com/porsager/postgres/issues/1154, https://github.com/porsager/postgres/issues/1208
// Fix (unreleased as of 3.4.9): https://github.com/porsager/postgres/pull/1209 — guard nextWrite
// and settle instead of dropping: reject the pending queries with CONNECTION_CLOSED.
//
// Applied to every copy of connection.js (ESM src/, CommonJS cjs/src/, Cloudflare cf/src/).
// Idempotent (a marker comment says a file is already patched). Fails loudly if the version or
// the text differs, so an upgrade of postgres makes us look again (and drop this script once
// upstream ships the fix).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '3.4.9';
const MARKER = '/* yuqing-bot patch: porsager/postgres#1209 */';
const ORIGINAL = `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)
`;
const PATCHED = `  function nextWrite(fn) {
    ${MARKER}
    if (socket === null) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)
`;

const fail = (message) => {
  console.error(`patch-postgres: ${message}\n  (see scripts/patch-postgres.mjs; upstream porsager/postgres#1209)`);
  process.exit(1);
};

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'postgres');
let version;
try {
  version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
} catch (error) {
  fail(`cannot read ${root}/package.json: ${error.message}`);
}
if (version !== VERSION) fail(`postgres is ${version}, the patch was written for ${VERSION}: check whether upstream fixed nextWrite, then update or remove this patch`);

const files = fs.readdirSync(root, { recursive: true }).filter((file) => path.basename(file) === 'connection.js').map((file) => path.join(root, file));
if (files.length === 0) fail(`no connection.js under ${root}`);

const patched = [];
for (const file of files) {
  const text = fs.readFileSync(file, 'utf8');
  if (text.includes(MARKER)) continue;
  if (text.split(ORIGINAL).length !== 2) fail(`expected nextWrite() text not found exactly once in ${file}`);
  fs.writeFileSync(file, text.replace(ORIGINAL, PATCHED));
  patched.push(path.relative(root, file));
}
console.log(
  patched.length > 0
    ? `patch-postgres: guarded nextWrite in postgres ${VERSION} (${patched.join(', ')})`
    : `patch-postgres: postgres ${VERSION} already patched (${files.length} files)`,
);

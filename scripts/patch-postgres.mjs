// Run by the root "postinstall" (npm ci / npm install). Patches postgres.js 3.4.9 in node_modules.
//
// 1. nextWrite on a closed socket (src/connection.js). In postgres.js 3.4.9 nextWrite() calls
//    socket.write() without checking that the socket still exists. When the server goes away (a
//    database restart), closed() sets socket = null and a write scheduled or issued after that
//    throws an uncaught "TypeError: Cannot read properties of null (reading 'write')" from a
//    setImmediate callback; the query that was writing never settles, so whatever awaits it
//    (outbox sender, /readyz) hangs.
//    Upstream: https://github.com/porsager/postgres/issues/1154, https://github.com/porsager/postgres/issues/1208
//    Fix (unreleased as of 3.4.9): https://github.com/porsager/postgres/pull/1209 — guard nextWrite
//    and settle instead of dropping: reject the pending queries with CONNECTION_CLOSED.
//
// 2. BEGIN and SAVEPOINT pipelined (src/index.js). postgres.js waits for the server's answer to
//    BEGIN, and to each SAVEPOINT, before it sends the transaction's first statement: two of a
//    card click's eleven round trips, each a wake-up of both processes. A connection's statements
//    run in order, so the first statement may go out with them. The answers are still checked
//    before the transaction commits or a savepoint returns: a failed SAVEPOINT (only possible in a
//    transaction that has already failed) is the error its scope throws, and a failed BEGIN (only
//    possible when the connection is lost, which fails the statements behind it too) is thrown
//    before COMMIT. test/integration/pipelined-transactions.test.ts holds this behaviour.
//
// Applied to every copy (ESM src/, CommonJS cjs/src/, Cloudflare cf/src/). Idempotent (a marker
// comment says a file is already patched). Fails loudly if the version or the text differs, so an
// upgrade of postgres makes us look again (and drop patch 1 once upstream ships the fix).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const VERSION = '3.4.9';

const PATCHES = [
  {
    file: 'connection.js',
    marker: '/* yuqing-bot patch: porsager/postgres#1209 */',
    replacements: (marker) => [
      [
        `  function nextWrite(fn) {
    const x = socket.write(chunk, fn)
`,
        `  function nextWrite(fn) {
    ${marker}
    if (socket === null) {
      nextWriteTimer !== null && clearImmediate(nextWriteTimer)
      chunk = nextWriteTimer = null
      error(Errors.connection('CONNECTION_CLOSED', options))
      return false
    }
    const x = socket.write(chunk, fn)
`,
      ],
    ],
  },
  {
    file: 'index.js',
    marker: '/* yuqing-bot patch: pipelined begin and savepoint */',
    replacements: (marker) => [
      [
        `      await sql.unsafe('begin ' + options.replace(/[^a-z ]/ig, ''), [], { onexecute }).execute()
      return await Promise.race([
        scope(connection, fn),
`,
        `      ${marker}
      let assigned
      const connected = new Promise(resolve => assigned = resolve)
      const opening = sql.unsafe('begin ' + options.replace(/[^a-z ]/ig, ''), [], { onexecute: c => (assigned(), onexecute(c)) }).execute()
      opening.catch(() => { /* checked before commit */ })
      await Promise.race([connected, opening])
      // begin's onexecute returns nothing, so the pool files the connection as full and the
      // transaction's statements would wait in its own queue until BEGIN is answered; reserved,
      // they go out behind it. (Either way the pool gives the connection to no one else.)
      connection && connection.queue === full && move(connection, reserved)
      return await Promise.race([
        scope(connection, fn, undefined, opening),
`,
      ],
      [
        `    async function scope(c, fn, name) {`,
        `    async function scope(c, fn, name, opening) {`,
      ],
      [
        `      name && await sql\`savepoint \${ sql(name) }\`
`,
        `      const opened = name ? sql\`savepoint \${ sql(name) }\`.execute() : opening
      opened.catch(() => { /* checked below */ })
`,
      ],
      [
        `          throw uncaughtError
      } catch (e) {
`,
        `          throw uncaughtError
        await opened
      } catch (e) {
        const unopened = name && await opened.then(() => null, x => x)
        if (unopened)
          throw unopened
`,
      ],
    ],
  },
];

const fail = (message) => {
  console.error(`patch-postgres: ${message}\n  (see scripts/patch-postgres.mjs)`);
  process.exit(1);
};

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'node_modules', 'postgres');
let version;
try {
  version = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')).version;
} catch (error) {
  fail(`cannot read ${root}/package.json: ${error.message}`);
}
if (version !== VERSION) fail(`postgres is ${version}, the patches were written for ${VERSION}: check what upstream changed, then update or remove them`);

const sources = fs.readdirSync(root, { recursive: true }).filter((file) => /(^|\/)src\//.test(file));
const patched = [];
let already = 0;
for (const { file, marker, replacements } of PATCHES) {
  const copies = sources.filter((source) => path.basename(source) === file).map((source) => path.join(root, source));
  if (copies.length === 0) fail(`no ${file} under ${root}`);
  for (const copy of copies) {
    let text = fs.readFileSync(copy, 'utf8');
    if (text.includes(marker)) {
      already += 1;
      continue;
    }
    for (const [original, replacement] of replacements(marker)) {
      if (text.split(original).length !== 2) fail(`expected text not found exactly once in ${copy}:\n${original}`);
      text = text.replace(original, () => replacement);
    }
    fs.writeFileSync(copy, text);
    patched.push(path.relative(root, copy));
  }
}
console.log(
  patched.length > 0
    ? `patch-postgres: patched postgres ${VERSION} (${patched.join(', ')})${already ? `; ${already} files already patched` : ''}`
    : `patch-postgres: postgres ${VERSION} already patched (${already} files)`,
);

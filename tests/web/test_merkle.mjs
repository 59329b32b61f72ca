// test_merkle.mjs — the web app's in-browser log checks (web/app/merkle.js), run under Node's
// WebCrypto against every RFC 9162 vector of tests/data/rfc9162 (each corrupted case must be
// rejected), and a checkpoint of a real tanhui log: its signature verifies with the log's key,
// and not once a byte of it changes.
//
//   node tests/web/test_merkle.mjs TANHUI     prints "merkle (web): N passed, N failed"
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { webcrypto } from 'node:crypto';

// Node 18 (Debian 12's) has WebCrypto but not as a global, as browsers and Node 20 have it
globalThis.crypto ??= webcrypto;
const { checkNote, parseVerifierKey, unhex, verifyConsistency, verifyInclusion } = await import('../../web/app/merkle.js');

let pass = 0;
let fail = 0;
const check = (ok, what) => { if (ok) pass++; else { fail++; console.log(`FAIL ${what}`); } };
const hashes = (s) => (s === '-' ? [] : s.split(',').map((h) => (h === '~' ? new Uint8Array(0) : unhex(h))));

const lines = readFileSync(new URL('../data/rfc9162/vectors.txt', import.meta.url), 'utf8').split('\n');
for (const line of lines) {
  const f = line.split(' ');
  if (f[0] === 'I') {
    const [, name, index, size, root, leaf, bad, proof] = f;
    const ok = await verifyInclusion(Number(index), Number(size), leaf === '-' ? new Uint8Array(0) : unhex(leaf),
      hashes(proof), root === '-' ? new Uint8Array(0) : unhex(root));
    check(ok === (bad === '0'), `inclusion ${name}: verified ${ok}`);
  } else if (f[0] === 'C') {
    const [, name, s1, s2, r1, r2, bad, proof] = f;
    const h = (x) => (x === '-' ? new Uint8Array(0) : unhex(x));
    const ok = await verifyConsistency(Number(s1), Number(s2), hashes(proof), h(r1), h(r2));
    check(ok === (bad === '0'), `consistency ${name}: verified ${ok}`);
  }
}

// a real checkpoint, signed by tanhui
const tanhui = process.argv[2];
const dir = mkdtempSync(join(tmpdir(), 'tanhui-web-'));
try {
  const db = join(dir, 't.db');
  const run = (...a) => spawnSync(tanhui, ['--db', db, ...a], { encoding: 'utf8' });
  run('init');
  run('account', 'add', '甲', '--kind', 'company');
  const note = run('log', 'checkpoint').stdout;
  const vkey = await parseVerifierKey(run('log', 'key').stdout);
  const c = await checkNote(note, vkey);
  check(c.ok && c.size === 2 && c.root.length === 32, 'a tanhui checkpoint verifies');
  const forged = note.replace(/^(.*\n)2\n/, '$13\n');
  check(!(await checkNote(forged, vkey)).ok, 'a checkpoint with another size does not');
  const other = await parseVerifierKey(run('log', 'key').stdout.replace(/^[^+]+/, 'someone.else'));
  check(!(await checkNote(note, other)).ok, 'a signature by another name is not taken');
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(`merkle (web): ${pass} passed, ${fail} failed`);
process.exit(fail ? 1 : 0);

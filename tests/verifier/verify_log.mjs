// verify_log.mjs — an independent verifier of a tanhui transparency log, written from RFC 9162
// and the C2SP signed-note and tlog-checkpoint specifications with nothing of tanhui's code: it
// reads only what `tanhui log` prints (the entries' bytes, the checkpoint, the verifier key, the
// proofs) and checks them with Node's own SHA-256 and Ed25519.
//
//   node tests/verifier/verify_log.mjs TANHUI DB
//
// Checks: the verifier key's hash; the checkpoint's signature by that key; the root it signs
// equals the RFC 9162 root of the entries; every entry's inclusion proof; consistency proofs from
// every smaller size. Prints "verifier: ok, N entries" and exits 0, or names what failed, exit 1.
import { spawnSync } from 'node:child_process';
import { createHash, createPublicKey, verify } from 'node:crypto';

const [tanhui, db] = process.argv.slice(2);
const run = (...args) => {
  const r = spawnSync(tanhui, ['--db', db, 'log', ...args]);
  if (r.status !== 0) throw new Error(`tanhui log ${args.join(' ')}: exit ${r.status}: ${r.stderr}`);
  return r.stdout; // a Buffer: entries are compared byte for byte
};
const sha256 = (...parts) => createHash('sha256').update(Buffer.concat(parts)).digest();
const leafHash = (entry) => sha256(Buffer.from([0]), entry);
const nodeHash = (l, r) => sha256(Buffer.from([1]), l, r);

// RFC 9162 §2.1.1: MTH over a list of leaf hashes
function mth(leaves) {
  if (leaves.length === 0) return sha256(Buffer.alloc(0));
  if (leaves.length === 1) return leaves[0];
  let k = 1;
  while (k * 2 < leaves.length) k *= 2;
  return nodeHash(mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}

// RFC 9162 §2.1.3.2
function verifyInclusion(index, size, leaf, proof, root) {
  if (index >= size) return false;
  let fn = index, sn = size - 1, r = leaf;
  for (const p of proof) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      r = nodeHash(p, r);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1; sn >>= 1;
  }
  return sn === 0 && r.equals(root);
}

// RFC 9162 §2.1.4.2
function verifyConsistency(m, n, oldRoot, newRoot, proof) {
  if (m === n) return proof.length === 0 && oldRoot.equals(newRoot);
  if (m === 0 || m > n || proof.length === 0) return false;
  let path = proof;
  if ((m & (m - 1)) === 0) path = [oldRoot, ...proof];
  let fn = m - 1, sn = n - 1;
  while (fn % 2 === 1) { fn >>= 1; sn >>= 1; }
  let fr = path[0], sr = path[0];
  for (const c of path.slice(1)) {
    if (sn === 0) return false;
    if (fn % 2 === 1 || fn === sn) {
      fr = nodeHash(c, fr); sr = nodeHash(c, sr);
      if (fn % 2 === 0) while (fn % 2 === 0 && fn !== 0) { fn >>= 1; sn >>= 1; }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1; sn >>= 1;
  }
  return sn === 0 && fr.equals(oldRoot) && sr.equals(newRoot);
}

function fail(what) {
  console.error(`verifier: ${what}`);
  process.exit(1);
}

// the verifier key: <name>+<hex key hash>+<base64(0x01 || public key)>
const vkey = run('key').toString().trim();
// the name has no '+'; the base64 may
const p1 = vkey.indexOf('+'), p2 = vkey.indexOf('+', p1 + 1);
const [name, hashHex, keyB64] = [vkey.slice(0, p1), vkey.slice(p1 + 1, p2), vkey.slice(p2 + 1)];
const keyBytes = Buffer.from(keyB64, 'base64');
if (keyBytes.length !== 33 || keyBytes[0] !== 1) fail('the verifier key is not an Ed25519 key');
const pub = keyBytes.subarray(1);
const keyHash = sha256(Buffer.from(name + '\n'), keyBytes).subarray(0, 4);
if (keyHash.toString('hex') !== hashHex) fail('the verifier key hash does not match its key');
const publicKey = createPublicKey({
  key: Buffer.concat([Buffer.from('302a300506032b6570032100', 'hex'), pub]),
  format: 'der',
  type: 'spki',
});

// the checkpoint: its text, a blank line, signature lines "— <name> <base64(hash || sig)>"
const note = run('checkpoint').toString();
const split = note.indexOf('\n\n');
if (split < 0) fail('the checkpoint is not a signed note');
const text = note.slice(0, split + 1);
let signed = false;
for (const line of note.slice(split + 2).split('\n').filter(Boolean)) {
  const m = line.match(/^\u2014 (\S+) (\S+)$/);
  if (!m || m[1] !== name) continue;
  const sig = Buffer.from(m[2], 'base64');
  if (sig.length !== 68 || !sig.subarray(0, 4).equals(keyHash)) continue;
  signed ||= verify(null, Buffer.from(text), publicKey, sig.subarray(4));
}
if (!signed) fail('the checkpoint carries no valid signature by the log key');
const [origin, sizeText, rootB64] = text.split('\n');
if (origin !== name) fail(`the checkpoint is of log '${origin}', the key of '${name}'`);
const size = Number(sizeText);
const root = Buffer.from(rootB64, 'base64');

// the entries, their tree, and the proofs tanhui gives
const leaves = [];
for (let i = 0; i < size; i++) leaves.push(leafHash(run('entry', String(i))));
if (!mth(leaves).equals(root)) fail('the entries do not give the root the checkpoint signs');
for (let i = 0; i < size; i++) {
  const p = JSON.parse(run('prove', String(i), '--size', String(size), '--json'));
  const proof = p.proof.map((h) => Buffer.from(h, 'hex'));
  if (p.index !== i || p.size !== size || p.leaf_hash !== leaves[i].toString('hex'))
    fail(`the proof of entry ${i} names another entry or size`);
  if (!verifyInclusion(i, size, leaves[i], proof, root)) fail(`entry ${i}: its inclusion proof fails`);
  const bad = proof.map((h) => Buffer.from(h));
  if (bad.length > 0) {
    bad[0][0] ^= 1;
    if (verifyInclusion(i, size, leaves[i], bad, root)) fail(`entry ${i}: a corrupted proof passes`);
  }
}
for (let m = 1; m < size; m++) {
  const c = JSON.parse(run('consistency', String(m), String(size), '--json'));
  const proof = c.proof.map((h) => Buffer.from(h, 'hex'));
  const oldRoot = mth(leaves.slice(0, m));
  if (c.old_root !== oldRoot.toString('hex') || c.new_root !== root.toString('hex'))
    fail(`consistency ${m} -> ${size}: the roots are not the entries' roots`);
  if (!verifyConsistency(m, size, oldRoot, root, proof)) fail(`consistency ${m} -> ${size} fails`);
}
console.log(`verifier: ok, ${size} entries`);

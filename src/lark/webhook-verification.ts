import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Our own check of Lark's webhook requests (DESIGN.md §8: the SDK's is too weak). Pure: the
 * clock is an argument, so staleness is table-tested.
 *
 * Signature = hex SHA-256 of timestamp + nonce + encrypt key + the raw body bytes, exactly as
 * received: re-serialising the JSON would change the bytes and the hash.
 */

export type VerificationFailure =
  | { ok: false; code: 'missing_headers'; reason: string }
  | { ok: false; code: 'bad_timestamp'; reason: string }
  | { ok: false; code: 'stale'; reason: string }
  | { ok: false; code: 'bad_signature'; reason: string };

export type VerificationResult = { ok: true } | VerificationFailure;

export interface SignedRequest {
  timestamp: string | undefined;
  nonce: string | undefined;
  signature: string | undefined;
  rawBody: Buffer;
}

export function signatureOf(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer): string {
  return createHash('sha256').update(timestamp + nonce + encryptKey).update(rawBody).digest('hex');
}

export function verifySignedRequest(request: SignedRequest, encryptKey: string, nowMs: number, windowSeconds: number): VerificationResult {
  const { timestamp, nonce, signature, rawBody } = request;
  if (!timestamp || !nonce || !signature) {
    return { ok: false, code: 'missing_headers', reason: 'X-Lark-Request-Timestamp, X-Lark-Request-Nonce and X-Lark-Signature are required' };
  }
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, code: 'bad_timestamp', reason: 'timestamp is not whole seconds' };
  const ageSeconds = Math.abs(nowMs / 1000 - Number(timestamp));
  if (ageSeconds > windowSeconds) {
    return { ok: false, code: 'stale', reason: `timestamp is ${Math.round(ageSeconds)} s away from now (window ${windowSeconds} s)` };
  }
  const expected = Buffer.from(signatureOf(timestamp, nonce, encryptKey, rawBody), 'utf8');
  const given = Buffer.from(signature.toLowerCase(), 'utf8');
  if (expected.length !== given.length || !timingSafeEqual(expected, given)) {
    return { ok: false, code: 'bad_signature', reason: 'signature does not match the body' };
  }
  return { ok: true };
}

export class DecryptionError extends Error {
  constructor(reason: string) {
    super(`cannot decrypt: ${reason}`);
    this.name = 'DecryptionError';
  }
}

/** AES-256-CBC with key = SHA-256(encrypt key), IV = the first 16 bytes of the base64 payload. */
export function decryptPayload(encrypted: string, encryptKey: string): string {
  const data = Buffer.from(encrypted, 'base64');
  if (data.length < 32 || data.length % 16 !== 0) throw new DecryptionError('payload is not whole AES blocks');
  const key = createHash('sha256').update(encryptKey).digest();
  try {
    const decipher = createDecipheriv('aes-256-cbc', key, data.subarray(0, 16));
    return Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]).toString('utf8');
  } catch {
    throw new DecryptionError('wrong key or damaged payload');
  }
}

/** Constant-time comparison for the verification token carried inside the body. */
export function sameSecret(a: string, b: string): boolean {
  const left = createHash('sha256').update(a).digest();
  const right = createHash('sha256').update(b).digest();
  return timingSafeEqual(left, right);
}

/** The reverse of decryptPayload, as Lark does it: for the sandbox, which plays Lark. */
export function encryptPayload(plain: string, encryptKey: string): string {
  const iv = randomBytes(16);
  const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update(encryptKey).digest(), iv);
  return Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
}

import { createCipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { decryptPayload, DecryptionError, sameSecret, signatureOf, verifySignedRequest } from '../../../src/lark/webhook-verification.js';

// Test vectors from shared/lark-fixtures/README.md (checked against the SDK's AESCipher).
const KEY = 'test key';
const CIPHERTEXT = 'P37w+VZImNgPEO1RBhJ6RtKl7n6zymIbEG1pReEzghk=';
const BODY = Buffer.from(`{"encrypt":"${CIPHERTEXT}"}`);
const SIGNATURE = '0c09d96c2aef2ad08179b3967ea410bbc91dab24ce3aec05af962cf1935844af';
const AT = 1_700_000_000_000;

const signed = (overrides: Partial<{ timestamp: string; nonce: string; signature: string; rawBody: Buffer }> = {}) => ({
  timestamp: '1700000000',
  nonce: 'abc',
  signature: SIGNATURE,
  rawBody: BODY,
  ...overrides,
});

describe('webhook verification', () => {
  it('matches the published vectors', () => {
    expect(signatureOf('1700000000', 'abc', KEY, BODY)).toBe(SIGNATURE);
    expect(decryptPayload(CIPHERTEXT, KEY)).toBe('hello world');
    expect(verifySignedRequest(signed(), KEY, AT, 3600)).toEqual({ ok: true });
  });

  it.each([
    ['one changed byte of the body', signed({ rawBody: Buffer.from(BODY.toString().replace('P37w', 'P37W')) }), 'bad_signature'],
    ['a wrong signature', signed({ signature: SIGNATURE.replace(/^0c/, '0d') }), 'bad_signature'],
    ['a truncated signature', signed({ signature: SIGNATURE.slice(0, 40) }), 'bad_signature'],
    ['another nonce', signed({ nonce: 'abd' }), 'bad_signature'],
    ['a missing signature', signed({ signature: '' }), 'missing_headers'],
    ['a missing nonce', { ...signed(), nonce: undefined }, 'missing_headers'],
    ['a missing timestamp', { ...signed(), timestamp: undefined }, 'missing_headers'],
    ['a timestamp in milliseconds', signed({ timestamp: '1700000000000' }), 'bad_timestamp'],
    ['a non-numeric timestamp', signed({ timestamp: '17e8' }), 'bad_timestamp'],
  ])('refuses %s', (_name, request, code) => {
    expect(verifySignedRequest(request, KEY, AT, 3600)).toMatchObject({ ok: false, code });
  });

  it.each([
    [0, true],
    [3600, true],
    [3601, false],
    [-3600, true],
    [-3601, false],
    [86_400, false],
  ])('a request %i s from now is %s inside a one-hour window', (offsetSeconds, accepted) => {
    const result = verifySignedRequest(signed(), KEY, AT + offsetSeconds * 1000, 3600);
    expect(result.ok).toBe(accepted);
    if (!result.ok) expect(result.code).toBe('stale');
  });

  it('accepts upper-case hex signatures', () => {
    expect(verifySignedRequest(signed({ signature: SIGNATURE.toUpperCase() }), KEY, AT, 3600)).toEqual({ ok: true });
  });

  it('decrypts what AES-256-CBC with the SHA-256 key produced, including Chinese text', () => {
    const plain = JSON.stringify({ text: '/舆情 帮助' });
    const iv = Buffer.alloc(16, 7); // fixed, so the wrong-key case below fails the same way every run
    const cipher = createCipheriv('aes-256-cbc', createHash('sha256').update('another key').digest(), iv);
    const payload = Buffer.concat([iv, cipher.update(plain, 'utf8'), cipher.final()]).toString('base64');
    expect(decryptPayload(payload, 'another key')).toBe(plain);
    expect(() => decryptPayload(payload, 'wrong key')).toThrow(DecryptionError);
    expect(() => decryptPayload('bm90IGVub3VnaA==', 'another key')).toThrow(/not whole AES blocks/);
  });

  it('compares secrets without leaking length', () => {
    expect(sameSecret('token-1', 'token-1')).toBe(true);
    expect(sameSecret('token-1', 'token-2')).toBe(false);
    expect(sameSecret('token-1', 'token-1-longer')).toBe(false);
  });
});

import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  BundleSignatureError,
  verifyBundleSignatures,
} from '../../src/fleet/bundles/verify-signatures.js';
import type { BundleSigningConfig, KeyConfig } from '../../src/fleet/config/fleet-config.js';
import { readTarGz } from '../../src/policy/read-tar.js';
import { rsaKeys } from './helpers/fleet-setup.js';
import { buildBundle, decisionRego } from './helpers/opa-bundles.js';

const dir = mkdtempSync(join(tmpdir(), 'fleet-verify-'));
const signing = (extra: Partial<BundleSigningConfig> = {}): BundleSigningConfig => ({
  keyid: 'k',
  excludeFiles: [],
  ...extra,
});

function ecKeys(): { privatePath: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const privatePath = join(dir, 'ec.pem');
  writeFileSync(privatePath, privateKey.export({ type: 'pkcs8', format: 'pem' }));
  return { privatePath, publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString() };
}

/** Bundles signed by the real `opa build`, checked against OPA's verification rules. */
describe('verifyBundleSignatures', () => {
  const rsa = rsaKeys(dir, 'rsa');
  const rsaKey: Record<string, KeyConfig> = {
    k: { id: 'k', algorithm: 'RS256', key: rsa.publicPem },
  };
  const rsaBundle = readTarGz(
    buildBundle({
      rego: decisionRego('a'),
      data: { x: 1 },
      revision: 'a',
      signingKey: rsa.privatePath,
      keyId: 'k',
    }),
  );

  it('accepts RS256, ES256 and HS256 bundles signed by opa build', async () => {
    await verifyBundleSignatures(rsaBundle, signing(), rsaKey);
    const ec = ecKeys();
    const ecBundle = readTarGz(
      buildBundle({
        rego: decisionRego('b'),
        revision: 'b',
        signingKey: ec.privatePath,
        signingAlg: 'ES256',
        keyId: 'k',
      }),
    );
    await verifyBundleSignatures(ecBundle, signing(), {
      k: { id: 'k', algorithm: 'ES256', key: ec.publicPem },
    });
    const hsBundle = readTarGz(
      buildBundle({
        rego: decisionRego('c'),
        revision: 'c',
        signingKey: 'shared-secret',
        signingAlg: 'HS256',
        keyId: 'k',
      }),
    );
    await verifyBundleSignatures(hsBundle, signing(), {
      k: { id: 'k', algorithm: 'HS256', key: 'shared-secret' },
    });
    await expect(
      verifyBundleSignatures(hsBundle, signing(), {
        k: { id: 'k', algorithm: 'HS256', key: 'other-secret' },
      }),
    ).rejects.toThrow(/does not verify with key `k` \(HS256\)/);
  });

  it('refuses a key whose configured algorithm differs from the signature', async () => {
    await expect(
      verifyBundleSignatures(rsaBundle, signing(), {
        k: { id: 'k', algorithm: 'PS256', key: rsa.publicPem },
      }),
    ).rejects.toThrow(BundleSignatureError);
  });

  it('takes the key from the JWS kid when signing.keyid is unset, and refuses an unknown one', async () => {
    await verifyBundleSignatures(rsaBundle, signing({ keyid: undefined } as never), rsaKey);
    await expect(
      verifyBundleSignatures(
        rsaBundle,
        { excludeFiles: [] },
        { other: { ...rsaKey.k!, id: 'other' } },
      ),
    ).rejects.toThrow(/signing key `k` is not in `keys`/);
  });

  it('checks the scope: the signed one must equal the configured one', async () => {
    const scoped = readTarGz(
      buildBundle({
        rego: decisionRego('d'),
        revision: 'd',
        signingKey: rsa.privatePath,
        keyId: 'k',
        claims: { scope: 'write' },
      }),
    );
    await verifyBundleSignatures(scoped, signing({ scope: 'write' }), rsaKey);
    await expect(
      verifyBundleSignatures(scoped, signing({ scope: 'read' }), rsaKey),
    ).rejects.toThrow(/scope mismatch/);
    await expect(verifyBundleSignatures(scoped, signing(), rsaKey)).rejects.toThrow(
      /scope mismatch/,
    );
    await expect(
      verifyBundleSignatures(rsaBundle, signing({ scope: 'write' }), rsaKey),
    ).rejects.toThrow(/scope mismatch/);
  });

  it('refuses a file added after signing unless exclude_files names it', async () => {
    const extended = new Map(rsaBundle).set('/notes/readme.txt', Buffer.from('added later'));
    await expect(verifyBundleSignatures(extended, signing(), rsaKey)).rejects.toThrow(
      /\/notes\/readme\.txt is in the bundle but not in the signature/,
    );
    await verifyBundleSignatures(extended, signing({ excludeFiles: ['notes/*.txt'] }), rsaKey);
  });

  it('refuses a signed file that is missing, and a changed one', async () => {
    const missing = new Map(rsaBundle);
    missing.delete('/data.json');
    await expect(verifyBundleSignatures(missing, signing(), rsaKey)).rejects.toThrow(
      /\/data\.json is in the signature but not in the bundle/,
    );
    const changed = new Map(rsaBundle).set('/policy.rego', Buffer.from('package mcp\n'));
    await expect(verifyBundleSignatures(changed, signing(), rsaKey)).rejects.toThrow(
      /\/policy\.rego does not match its signed digest/,
    );
  });

  it('hashes JSON in canonical form, as OPA does: reformatting keeps the signature valid', async () => {
    const reformatted = new Map(rsaBundle).set('/data.json', Buffer.from('{\n  "x" : 1\n}\n'));
    await verifyBundleSignatures(reformatted, signing(), rsaKey);
    const altered = new Map(rsaBundle).set('/data.json', Buffer.from('{"x": 2}'));
    await expect(verifyBundleSignatures(altered, signing(), rsaKey)).rejects.toThrow(
      /\/data\.json does not match/,
    );
  });

  it('refuses an unsigned bundle and a second signature', async () => {
    const unsigned = new Map(rsaBundle);
    unsigned.delete('/.signatures.json');
    await expect(verifyBundleSignatures(unsigned, signing(), rsaKey)).rejects.toThrow(/not signed/);
    const token = (
      JSON.parse(rsaBundle.get('/.signatures.json')!.toString()) as { signatures: string[] }
    ).signatures[0];
    const twice = new Map(rsaBundle).set(
      '/.signatures.json',
      Buffer.from(JSON.stringify({ signatures: [token, token] })),
    );
    await expect(verifyBundleSignatures(twice, signing(), rsaKey)).rejects.toThrow(
      /exactly one JWS/,
    );
  });
});

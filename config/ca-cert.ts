import { resolve } from 'node:path';
import { shorten } from '../lib/shorten';
import { readRegularFile } from './regular-file';

/** One PEM certificate block; a bundle holds one or more. */
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g;

export const CA_CERT_RULE = 'a PEM file path, or the PEM text itself, holding one or more "-----BEGIN CERTIFICATE-----" blocks';

const looksLikePem = (value: string): boolean => value.trimStart().startsWith('-----BEGIN');

/** The certificates of `pem`, each a block with its newlines; empty when there is none. */
function certificateBlocks(pem: string): string[] {
  return pem.match(CERTIFICATE_BLOCK) ?? [];
}

export type CaCertRead = { readonly ok: true; readonly pem: string } | { readonly ok: false; readonly problem: string };

/**
 * The CA certificates of the setting (the PEM itself, or the file it names, relative to `cwd`) as
 * PEM blocks joined by newlines, or why there are none. The file is read once, as a regular file of
 * bounded size. A CA certificate is public: it may sit in the synthesized configuration.
 */
export function readCaCert(value: unknown, cwd: string = process.cwd()): CaCertRead {
  if (typeof value !== 'string' || value.trim() === '') return { ok: false, problem: 'not a non-empty string' };
  let text = value;
  if (!looksLikePem(value)) {
    const file = resolve(cwd, value);
    const read = readRegularFile(file);
    if (!read.ok) return { ok: false, problem: `${shorten(file)} ${read.problem}` };
    text = read.text;
  }
  const blocks = certificateBlocks(text);
  if (blocks.length > 0) return { ok: true, pem: `${blocks.join('\n')}\n` };
  return { ok: false, problem: looksLikePem(value) ? 'PEM text without a complete CERTIFICATE block' : `${shorten(resolve(cwd, value))} holds no PEM CERTIFICATE block` };
}

/**
 * The same certificates on one line, for Java clients' `ssl.truststore.certificates`: the
 * Confluent images write each environment variable as one line of a properties file, and Kafka's
 * PEM reader ignores the whitespace inside a block.
 */
export function caCertOneLine(pem: string): string {
  return pem.trim().replace(/\s*\n\s*/g, ' ');
}

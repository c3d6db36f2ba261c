import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';

/** One PEM certificate block; a bundle holds one or more. */
const CERTIFICATE_BLOCK = /-----BEGIN CERTIFICATE-----[A-Za-z0-9+/=\s]+-----END CERTIFICATE-----/g;

export const CA_CERT_RULE = 'a PEM file path, or the PEM text itself, holding one or more "-----BEGIN CERTIFICATE-----" blocks';

const looksLikePem = (value: string): boolean => value.trimStart().startsWith('-----BEGIN');

/** The certificates of `pem`, each a block with its newlines; empty when there is none. */
function certificateBlocks(pem: string): string[] {
  return pem.match(CERTIFICATE_BLOCK) ?? [];
}

/** Why `value` names no usable CA certificate, or undefined. A path is read relative to `cwd`. */
export function caCertProblem(value: unknown, cwd: string = process.cwd()): string | undefined {
  if (typeof value !== 'string' || value.trim() === '') return 'not a non-empty string';
  if (looksLikePem(value)) return certificateBlocks(value).length > 0 ? undefined : 'PEM text without a complete CERTIFICATE block';
  const file = resolve(cwd, value);
  if (!existsSync(file)) return `no file ${file}`;
  return certificateBlocks(readFileSync(file, 'utf8')).length > 0 ? undefined : `${file} holds no PEM CERTIFICATE block`;
}

/**
 * The CA certificates of the setting (the PEM itself, or the file it names) as PEM blocks joined by
 * newlines. A CA certificate is public: it may sit in the synthesized configuration.
 */
export function caCertPem(value: string, cwd: string = process.cwd()): string {
  const text = looksLikePem(value) ? value : readFileSync(resolve(cwd, value), 'utf8');
  return `${certificateBlocks(text).join('\n')}\n`;
}

/**
 * The same certificates on one line, for Java clients' `ssl.truststore.certificates`: the
 * Confluent images write each environment variable as one line of a properties file, and Kafka's
 * PEM reader ignores the whitespace inside a block.
 */
export function caCertOneLine(pem: string): string {
  return pem.trim().replace(/\s*\n\s*/g, ' ');
}

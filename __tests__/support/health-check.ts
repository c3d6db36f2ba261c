/** Reading the health checks platform/service.ts synthesizes (curlCheck, wgetCheck). */

/** The URL a synthesized `curl ... 'url'` or `wget ... 'url'` check calls, and what it greps for. */
export function parseHealthCheck(test: readonly string[]): { url: URL; mustContain?: string } {
  const command = test[test.length - 1];
  const url = /^(?:curl|wget) [^']*'([^']+)'/.exec(command)?.[1];
  if (!url) throw new Error(`health check ${JSON.stringify(test)} is not a curl or wget call of one URL`);
  const grep = /\| grep -q '(.+)'$/.exec(command)?.[1];
  return { url: new URL(url), ...(grep ? { mustContain: grep } : {}) };
}

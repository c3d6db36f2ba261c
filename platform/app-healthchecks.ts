/**
 * The health checks of the lab's own containers (generators, payments API), as bash scripts that
 * run builtins only. Docker runs a check every 10 s in each of eleven containers; a check that
 * starts Node.js costs 40-60 ms of CPU each time, a bash one about 1 ms (BENCHMARKS.md, "Health
 * checks of the lab's own containers"). The app image (Debian bookworm) has bash 5.2, whose
 * EPOCHSECONDS the generator check needs.
 */

const PLAIN_PATH = /^\/[A-Za-z0-9._/-]+$/;

/**
 * Healthy while every health file's first number (epoch seconds: generators/runtime/health.ts
 * writes it) is at most `maxAgeSeconds` old; one line per file says its age or why it is stale, so
 * that `docker inspect` shows which dataset of the generators container is stuck. The number is
 * checked to be digits before bash's arithmetic sees it: arithmetic on text evaluates it.
 */
export function healthFilesCheck(paths: readonly string[], maxAgeSeconds: number): string[] {
  if (paths.length === 0) throw new Error('a health file check needs at least one health file');
  for (const path of paths) {
    if (!PLAIN_PATH.test(path)) throw new Error(`health file '${path}' must be an absolute path of letters, digits, '.', '_', '-' and '/'`);
  }
  if (!Number.isInteger(maxAgeSeconds) || maxAgeSeconds <= 0) throw new Error(`health file age limit ${maxAgeSeconds} must be a whole number of seconds above 0`);
  const script = [
    'stale=0',
    `for f in ${paths.join(' ')}; do`,
    `  if ! read -r written _ 2>/dev/null < "$f"; then echo "$f does not exist: the generator has not delivered yet"; stale=1; continue; fi`,
    `  if ! [[ $written =~ ^[0-9]+$ ]]; then echo "$f does not start with epoch seconds"; stale=1; continue; fi`,
    `  age=$(( EPOCHSECONDS - written ))`,
    `  if (( age <= ${maxAgeSeconds} )); then echo "$f is $age s old"; else echo "$f is $age s old (limit ${maxAgeSeconds} s): sends are stuck or failed"; stale=1; fi`,
    'done',
    'exit $stale',
  ].join('\n');
  return ['CMD', 'bash', '-c', script];
}

/**
 * Healthy while GET `path` on 127.0.0.1:`port` answers 2xx: one HTTP/1.1 request over bash's
 * /dev/tcp, reading only the status line (at most `timeoutSeconds` for it).
 */
export function httpStatusCheck(port: number, path: string, timeoutSeconds = 5): string[] {
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`port ${port} is not a TCP port`);
  if (!/^\/[A-Za-z0-9._/-]*$/.test(path)) throw new Error(`path '${path}' must start with '/' and hold letters, digits, '.', '_', '-' and '/'`);
  const script = [
    `exec 3<>/dev/tcp/127.0.0.1/${port} || exit 1`,
    `printf 'GET ${path} HTTP/1.1\\r\\nHost: 127.0.0.1\\r\\nConnection: close\\r\\n\\r\\n' >&3`,
    // Up to the status line's CR; no ${...} anywhere, since Terraform would take it for its own.
    `IFS= read -r -d $'\\r' -t ${timeoutSeconds} status <&3 || { echo "no answer from 127.0.0.1:${port}${path} within ${timeoutSeconds} s"; exit 1; }`,
    `[[ $status == HTTP/1.[01]' '2[0-9][0-9]' '* ]] && exit 0`,
    `echo "${path} answered: $status"; exit 1`,
  ].join('\n');
  return ['CMD', 'bash', '-c', script];
}

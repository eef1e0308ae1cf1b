// What the browser tests share (dashboard.mjs, group.mjs): their environment from run.sh,
// playwright-core from the build tree, numbered checks that stop at the first failure, a watch on
// every page of a context for what would be a bug, screenshots, and the run's end.
import { createRequire } from 'node:module';
import path from 'node:path';

// The variable `name` that run.sh sets; a script started by hand says so.
export function envOf(script) {
  return (name) => {
    const v = process.env[name];
    if (!v) throw new Error(`${script}: ${name} is not set (run it through tests/browser/run.sh)`);
    return v;
  };
}

// playwright-core lives in the build tree (npm ci --prefix BUILD/browser), not beside this file.
export function playwright(env) {
  const require = createRequire(path.join(env('BROWSER_MODULES'), 'package.json'));
  return require('playwright-core');
}

export class Failure extends Error {}
let count = 0;
export function check(ok, what, detail = '') {
  if (!ok) throw new Failure(`${what}${detail ? `: ${detail}` : ''}`);
  count++;
  console.log(`ok ${count} - ${what}`);
}
export const checks = () => count;

// Everything a page reports that would be a bug: console errors, uncaught exceptions, CSP
// violations (the DOM event, through a binding the init script calls), failed or 4xx/5xx
// requests. `allow` lists what one step expects (e.g. the 401 of a refused login); settled()
// checks there was nothing else and starts the next step afresh.
export function watch(context) {
  const problems = [];
  const allowed = [];
  context.on('page', (page) => {
    page.on('console', (m) => {
      if (m.type() !== 'error') return;
      const text = m.text();
      if (allowed.some((re) => re.test(text))) return;
      problems.push(`console error on ${page.url()}: ${text}`);
    });
    page.on('pageerror', (e) => problems.push(`uncaught exception on ${page.url()}: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`request failed: ${r.method()} ${r.url()}: ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400 && !allowed.some((re) => re.test(`${r.status()} ${r.url()}`)))
        problems.push(`HTTP ${r.status()} for ${r.request().method()} ${r.url()}`);
    });
  });
  return {
    problems,
    allow(re) { allowed.push(re); },
    reset() { problems.length = 0; allowed.length = 0; },
    async install() {
      await context.exposeBinding('__cbCspViolation', ({ page }, v) =>
        problems.push(`CSP violation on ${page.url()}: ${v.directive} blocked ${v.blocked || '(inline)'}` +
          `${v.sample ? ` (${v.sample})` : ''}`));
      await context.addInitScript(() => {
        document.addEventListener('securitypolicyviolation', (e) => {
          // The binding exists before any page script runs; a page cannot silence it.
          window.__cbCspViolation({ directive: e.violatedDirective, blocked: e.blockedURI, sample: e.sample });
        });
      });
    },
  };
}

export function settled(watcher, what) {
  check(watcher.problems.length === 0, `${what}: no console error, exception, CSP violation or failed request`,
    watcher.problems.join('\n  '));
  watcher.reset();
}

// A full-page PNG in `dir`, named `<prefix><name>.png`.
export async function screenshot(page, dir, prefix, name) {
  const file = path.join(dir, `${prefix}${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  console.log(`# screenshot ${file}`);
}

// Runs the test; a failure ends the process with status 1 and what failed.
export function run(name, main) {
  main()
    .then(() => console.log(`# ${count} checks passed`))
    .catch((e) => {
      console.error(`${name}: FAILED after ${count} checks: ${e instanceof Failure ? e.message : e.stack}`);
      process.exit(1);
    });
}

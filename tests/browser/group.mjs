// The dashboard of a group of companies (examples/group.yaml) in the system Chromium, driven by
// playwright-core (started by run.sh after dashboard.mjs, with serve of the group running): a
// member of the group centre logs in at /group, sees one row per company, follows 华东's link into
// its pages and back, and logs out. Every page: status 200, no console error, no uncaught
// exception, no CSP violation, no failed request. Screenshots: group-*.png.
import { check, envOf, playwright, run, screenshot as shoot, settled as clean, watch } from './harness.mjs';

const env = envOf('group.mjs');
const base = env('GROUP_URL');
const shots = env('SCREENSHOT_DIR');
const member = { user: env('MEMBER_USER'), password: env('MEMBER_PASSWORD') };
const { chromium } = playwright(env);

const screenshot = (page, name) => shoot(page, shots, 'group-', name);

async function main() {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const browser = await chromium.launch({ executablePath: env('CHROMIUM'), headless: true, chromiumSandbox: !root });
  try {
    const context = await browser.newContext({ viewport: { width: 1280, height: 720 }, locale: 'zh-CN' });
    const watcher = watch(context);
    await watcher.install();
    const settled = (what) => clean(watcher, what);
    const page = await context.newPage();

    let res = await page.goto(`${base}/`);
    check(new URL(page.url()).pathname === '/group/login' && res.status() === 200, '/ leads to /group/login',
      `${res.status()} at ${page.url()}`);
    await page.fill('#user', member.user);
    await page.fill('#password', member.password);
    [res] = await Promise.all([page.waitForNavigation(), page.click('button[type=submit]')]);
    check(new URL(page.url()).pathname === '/group' && res.status() === 200, 'the member lands on /group',
      `${res.status()} at ${page.url()}`);
    const cookie = (await context.cookies()).find((c) => c.name === 'cb_group');
    check(cookie && cookie.httpOnly && cookie.sameSite === 'Strict' && cookie.path === '/',
      'the centre\'s cookie is HttpOnly, SameSite=Strict, Path=/', JSON.stringify(cookie));
    const rows = await page.locator('main table').first().locator('tbody tr').allInnerTexts();
    check(rows.length === 3 && rows[0].startsWith('华东') && rows[1].startsWith('华南') && rows[2].startsWith('集团合计'),
      '/group shows 华东, 华南 and the total', JSON.stringify(rows));
    const css = await page.evaluate(() => getComputedStyle(document.querySelector('header')).display);
    check(css === 'flex', 'the page is styled by /group/static/app.css', css);
    await screenshot(page, 'overview');
    settled('/group');

    [res] = await Promise.all([page.waitForNavigation(), page.click('a[href="/c/huadong/"]')]);
    check(new URL(page.url()).pathname === '/c/huadong/' && res.status() === 200, '华东\'s link opens its 现在',
      `${res.status()} at ${page.url()}`);
    check((await page.locator('header .brand').innerText()).startsWith('华东'), 'its header names 华东');
    for (const view of ['fines', 'ontime', 'lateness', 'categories', 'reports']) {
      res = await page.goto(`${base}/c/huadong/${view}?from=2026-11-01&to=2026-11-30`);
      check(res.status() === 200, `/c/huadong/${view} is 200`, `${res.status()}`);
    }
    await screenshot(page, 'huadong-reports');
    settled('华东\'s pages');

    [res] = await Promise.all([page.waitForNavigation(), page.click('a[href="/group"]')]);
    check(new URL(page.url()).pathname === '/group', '集团总览 leads back to /group', page.url());
    [res] = await Promise.all([page.waitForNavigation(), page.click('form[action="/group/logout"] button')]);
    check(new URL(page.url()).pathname === '/group/login', 'logging out lands on /group/login', page.url());
    res = await page.goto(`${base}/c/huadong/`);
    check(new URL(page.url()).pathname === '/c/huadong/login', 'after it 华东\'s pages ask for a login', page.url());
    settled('logout');
    await context.close();
  } finally {
    await browser.close();
  }
}

run('browser_group', main);

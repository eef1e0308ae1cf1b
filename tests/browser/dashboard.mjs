// The dashboard in the system Chromium, driven by playwright-core (started by run.sh, which sets the
// environment below and runs complaint-bot serve). Each check prints one line; the first failure
// stops the run with a message naming what was expected and what came.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import path from 'node:path';
import { check, envOf, playwright, run, screenshot as shoot, settled, watch } from './harness.mjs';

const env = envOf('dashboard.mjs');
const base = env('BASE_URL');
const shots = env('SCREENSHOT_DIR');
const bot = env('BOT_BINARY');
const db = env('BOT_DB');
const hr = { user: env('HR_USER'), password: env('HR_PASSWORD') };
const head = { user: env('HEAD_USER'), password: env('HEAD_PASSWORD'), department: env('HEAD_DEPARTMENT') };

const { chromium } = playwright(env);

const show = (v) => JSON.stringify(v)?.slice(0, 400);

// What the CLI prints from the same database (the API answers the same JSON).
function report(kind, department) {
  const args = ['report', kind, '--db', db, '--format', 'json'];
  if (department) args.push('--department', department);
  return JSON.parse(execFileSync(bot, args, { encoding: 'utf8' }));
}

// Chinese text really renders: distinct Han characters of the element's text, drawn in its font,
// give distinct pictures (with no CJK font every one is the same "tofu" box). Returns null when the
// element has fewer than two distinct Han characters.
async function chineseRenders(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel) || document.body;
    const han = [...new Set([...el.innerText].filter((c) => /\p{Script=Han}/u.test(c)))].slice(0, 8);
    if (han.length < 2) return null;
    const canvas = document.createElement('canvas');
    canvas.width = canvas.height = 48;
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    ctx.font = `32px ${getComputedStyle(el).fontFamily}`;
    const pictures = han.map((c) => {
      ctx.clearRect(0, 0, 48, 48);
      ctx.fillText(c, 4, 36);
      return Array.from(ctx.getImageData(0, 0, 48, 48).data).join(',');
    });
    const inked = pictures.filter((p) => /[1-9]/.test(p)).length;
    return { chars: han.join(''), distinct: new Set(pictures).size, inked };
  }, selector);
}

// The font families Chromium actually drew an element's text with (for the messages).
async function platformFonts(page, selector) {
  try {
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('DOM.enable');
    await cdp.send('CSS.enable');
    const { root } = await cdp.send('DOM.getDocument');
    const { nodeId } = await cdp.send('DOM.querySelector', { nodeId: root.nodeId, selector });
    const { fonts } = await cdp.send('CSS.getPlatformFontsForNode', { nodeId });
    await cdp.detach();
    return fonts.map((f) => `${f.familyName} (${f.glyphCount} glyphs)`).join(', ');
  } catch (e) {
    return `(unknown: ${e.message})`;
  }
}

async function checkChinese(page, what, selector = 'body') {
  const r = await chineseRenders(page, selector);
  if (r === null) {
    console.log(`# ${what}: no Chinese text to check`);
    return;
  }
  check(r.inked === [...r.chars].length && r.distinct === [...r.chars].length,
    `${what}: Chinese text renders (${r.chars}; fonts: ${await platformFonts(page, selector)})`,
    `${r.distinct} distinct pictures for ${[...r.chars].length} characters, ${r.inked} with ink: no CJK font? ` +
    'apt-get install fonts-wqy-microhei');
}

// A message in the group as DingTalk delivers it to serve's callback: signed with the app secret
// (timestamp + "\n" + secret, HMAC-SHA256, base64), from the person's DingTalk id.
let posted = 0;
async function postToGroup(request, staffId, text) {
  const secret = env('DINGTALK_APP_SECRET');
  const ts = String(Date.now());
  const sign = crypto.createHmac('sha256', secret).update(`${ts}\n${secret}`).digest('base64');
  const res = await request.post(`${base}/hooks/dingtalk`, {
    headers: { timestamp: ts, sign, 'content-type': 'application/json' },
    data: JSON.stringify({
      msgtype: 'text', text: { content: ` ${text}` }, msgId: `browser-${process.pid}-${++posted}`,
      conversationId: 'cid-browser-group', conversationType: '2', senderStaffId: staffId,
    }),
  });
  check(res.status() === 200, `the callback from ${staffId} is acknowledged`, `${res.status()} ${await res.text()}`);
}

// "2026年12月3日17时40分": now, in Beijing time (the config's time zone).
function complaintTime(minutesAgo = 0) {
  const t = new Date(Date.now() + 8 * 3600e3 - minutesAgo * 60e3);
  return `${t.getUTCFullYear()}年${t.getUTCMonth() + 1}月${t.getUTCDate()}日${t.getUTCHours()}时` +
    `${String(t.getUTCMinutes()).padStart(2, '0')}分`;
}

async function until(what, f, ms = 10000) {
  const end = Date.now() + ms;
  for (;;) {
    const v = await f();
    if (v) return v;
    if (Date.now() > end) check(false, what, `not within ${ms} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

let shotCount = 0;
const screenshot = (page, name) => shoot(page, shots, `${String(++shotCount).padStart(2, '0')}-`, name);

async function login(page, who) {
  await page.goto(`${base}/login`);
  await page.fill('#user', who.user);
  await page.fill('#password', who.password);
  const [response] = await Promise.all([
    page.waitForNavigation(),
    page.click('button[type=submit]'),
  ]);
  return response;
}

const slug = (url) => {
  const u = new URL(url);
  const s = `${u.pathname}${u.search}`.replace(/^\/+|\/+$/g, '').replace(/[^A-Za-z0-9._-]+/g, '-');
  return s || 'home';
};

async function main() {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  const browser = await chromium.launch({
    executablePath: env('CHROMIUM'),
    headless: true,
    chromiumSandbox: !root,  // root: --no-sandbox (Chromium refuses its sandbox as root)
    args: ['--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  console.log(`# Chromium ${browser.version()} (${env('CHROMIUM')}), dashboard at ${base}`);
  try {
    // ---- the CSP listener itself works: an inline script injected into the login page is reported.
    {
      const context = await browser.newContext();
      const w = watch(context);
      await w.install();
      const page = await context.newPage();
      await page.goto(`${base}/login`);
      await page.evaluate(() => {
        const s = document.createElement('script');
        s.textContent = 'window.__cbInline = 1';
        document.head.appendChild(s);
      });
      await page.waitForTimeout(300);
      const ran = await page.evaluate(() => window.__cbInline === 1);
      check(!ran && w.problems.some((p) => p.startsWith('CSP violation')),
        'the CSP blocks an injected inline script and the test sees the violation', show(w.problems));
      await context.close();
    }

    // ---- HR: the login page, a refused password, the login.
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN',
      timezoneId: 'Asia/Shanghai' });
    const w = watch(context);
    await w.install();
    const page = await context.newPage();

    let res = await page.goto(`${base}/login`);
    check(res.status() === 200, 'GET /login is 200', `got ${res.status()}`);
    check(/script-src 'self'/.test(res.headers()['content-security-policy'] || ''),
      '/login carries the Content-Security-Policy', show(res.headers()));
    check(await page.locator('#user').isVisible() && await page.locator('#password').isVisible() &&
      await page.locator('button[type=submit]').isVisible(), 'the login form shows the user, password and submit fields');
    check((await page.title()).includes('登录'), 'the login page title says 登录', await page.title());
    await checkChinese(page, 'login page', 'h1');
    await screenshot(page, 'login');
    settled(w, 'login page');

    w.allow(/401 .*\/login$/);
    w.allow(/status of 401/);  // Chromium's console line for the refused login's own 401
    res = await login(page, { user: hr.user, password: `${hr.password}-wrong` });
    check(res.status() === 401, 'a wrong password is refused with 401', `got ${res.status()}`);
    const alert = (await page.locator('[role=alert]').textContent().catch(() => '')) || '';
    check(alert.includes('密码错误'), 'the refused login says why', `alert: ${show(alert)}`);
    check(!(await context.cookies()).some((c) => c.name === 'cb_session'), 'a refused login sets no session cookie');
    await screenshot(page, 'login-refused');
    settled(w, 'refused login');

    res = await login(page, hr);
    check(res.status() === 200 && new URL(page.url()).pathname === '/',
      `${hr.user} logs in and lands on /`, `status ${res.status()} at ${page.url()}`);
    const cookie = (await context.cookies()).find((c) => c.name === 'cb_session');
    check(cookie && cookie.httpOnly && cookie.sameSite === 'Strict', 'the session cookie is HttpOnly and SameSite=Strict',
      show(cookie));
    check((await page.textContent('body')).includes(hr.user), 'the home page shows who is logged in');
    settled(w, 'login');

    // ---- 现在 live: complaints posted in the group now show with who must act, and one posted while
    // the page is open appears at its next poll (the page's timers run on a virtual clock) without
    // a reload.
    {
      const known = new Set(report('complaints').map((c) => c.id));
      await postToGroup(context.request, 'dt-1002', '产品质量投诉\n投诉人：张三\n客户名称：苏州恒力机械有限公司\n' +
        '发货日期：2026年11月28日\n品牌：金虎\n规格及数量：M10×50 镀锌六角螺栓 300盒\n' +
        '产品存在的质量问题：约两成螺栓镀层起泡脱落，客户来料检验判定不合格\n客户要求：退货并补发合格品\n' +
        `投诉时间：${complaintTime(3)}`);
      await postToGroup(context.request, 'dt-1004', '【服务质量投诉】\n投诉人：林芳\n投诉对象：物流部 司机老陈\n' +
        '投诉事件(时间、起因、过程、结果)：送货未提前电话预约，客户仓库无人签收，货物被退回\n' +
        '投诉目的(希望达到的结果:如索赔、处理、改进服务质量)：改进服务质量\n' +
        `投诉时间：${complaintTime(1)}`);
      const fresh = await until('the two posted complaints are registered', () => {
        const now = report('complaints').filter((c) => !known.has(c.id));
        return now.length === 2 ? now : null;
      });
      const product = fresh.find((c) => c.id.startsWith('P'));
      check(product && fresh.some((c) => c.id.startsWith('S')), 'a product and a service complaint', show(fresh));
      await postToGroup(context.request, 'dt-1006', `受理 ${product.id}`);
      await until(`${product.id} is accepted`, () =>
        report('complaints').find((c) => c.id === product.id && c.stage !== 'accept'));

      const live = await context.newPage();
      await live.clock.install();
      await live.goto(`${base}/`, { waitUntil: 'load' });
      const rows = () => live.locator('table tbody').first().innerText();
      for (const c of fresh)
        check((await rows()).includes(c.id), `现在 lists ${c.id}`, await rows());
      check((await rows()).includes('周敏') || (await rows()).includes('打单部'), '现在 says who must act', await rows());
      await live.evaluate(() => { window.__cbSamePage = true; });
      await postToGroup(context.request, 'dt-1001', '产品质量投诉\n投诉人：陈静\n客户名称：宁波东海紧固件贸易公司\n' +
        '发货日期：2026年11月30日\n品牌：金虎\n规格及数量：M8 尼龙锁紧螺母 120盒\n' +
        '产品存在的质量问题：尼龙圈脱落，锁紧力不足\n客户要求：换货\n' + `投诉时间：${complaintTime()}`);
      const third = await until('the third complaint is registered', () =>
        report('complaints').find((c) => !known.has(c.id) && !fresh.some((f) => f.id === c.id)));
      check(!(await rows()).includes(third.id), `${third.id} is not on the page before the poll`);
      await live.clock.runFor(31000);
      await until(`${third.id} appears on 现在 at the next poll`, async () => (await rows()).includes(third.id), 5000);
      check(await live.evaluate(() => window.__cbSamePage === true), '现在 was redrawn, not reloaded');
      await screenshot(live, 'now-live');
      await live.close();
      settled(w, '现在 live');
    }

    // ---- the home page and every page its navigation links to (a <nav>, or the whole page while
    // the dashboard has none), found in the page so that views added later are covered.
    const links = await page.evaluate(() => {
      const navs = [...document.querySelectorAll('nav')];
      const scope = navs.length ? navs : [document.body];
      return scope.flatMap((n) => [...n.querySelectorAll('a[href]')].map((a) => a.href));
    });
    const pages = [...new Set([`${base}/`, ...links].map((u) => new URL(u)).filter((u) => u.origin === base)
      .filter((u) => !['/logout', '/login'].includes(u.pathname))
      .map((u) => { u.hash = ''; return u.href; }))];
    check(pages.length >= 2, `the home page links to other pages (${pages.length - 1} found)`, show(links));
    // The views default to this month; the replayed day may lie in another, so each view is also
    // opened for the month of the replayed fines, and so is the page of the first complaint.
    {
      const fines = report('penalties');
      const complaints = report('complaints');
      check(fines.length > 0 && complaints.length > 0, 'the replayed script left complaints and fines');
      const month = fines[0].deadline.slice(0, 7);
      const [y, m] = month.split('-').map(Number);
      const last = new Date(Date.UTC(y, m, 0)).getUTCDate();
      for (const url of [...pages]) {
        const u = new URL(url);
        if (u.pathname === '/') continue;
        u.searchParams.set('from', `${month}-01`);
        u.searchParams.set('to', `${month}-${String(last).padStart(2, '0')}`);
        pages.push(u.href);
      }
      pages.push(`${base}/complaint/${complaints[0].id}`);
    }
    for (const url of pages) {
      // A download (CSV, xlsx: an attachment, or not a page type) is fetched, not opened.
      const head = await context.request.get(url);
      const headType = head.headers()['content-type'] || '';
      if (/attachment/i.test(head.headers()['content-disposition'] || '') ||
          !/^(text\/html|application\/json|text\/plain)/.test(headType)) {
        check(head.status() === 200 && (await head.body()).length > 0,
          `GET ${url} is 200 with a body (a download: ${headType})`, `got ${head.status()}`);
        continue;
      }
      res = await page.goto(url, { waitUntil: 'load' });
      await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {});
      check(res.status() === 200, `GET ${url} is 200`, `got ${res.status()}`);
      const type = res.headers()['content-type'] || '';
      if (type.startsWith('text/html')) {
        check(/script-src 'self'/.test(res.headers()['content-security-policy'] || ''),
          `${url} carries the Content-Security-Policy`);
        await checkChinese(page, url);
      } else if (type.startsWith('application/json')) {
        let parsed = null;
        try { parsed = JSON.parse(await res.text()); } catch (e) { /* reported below */ }
        check(parsed !== null, `${url} is JSON`, type);
      }
      await screenshot(page, slug(url));
      settled(w, url);
    }

    // ---- the printable forms as the browser prints them: print media on A4 landscape (nav, filter
    // and notes hidden), saved as PDF beside a picture of the printed page.
    {
      const month = report('penalties')[0].deadline.slice(0, 7);
      const [y, m] = month.split('-').map(Number);
      const last = String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0');
      const paper = await context.newPage();
      await paper.setViewportSize({ width: 1123, height: 794 });  // A4 landscape at 96 dpi
      for (const form of ['sheet', 'statement']) {
        res = await paper.goto(`${base}/print/${form}?from=${month}-01&to=${month}-${last}`, { waitUntil: 'load' });
        check(res.status() === 200, `/print/${form} is 200`);
        await paper.emulateMedia({ media: 'print' });
        check(!(await paper.locator('header').isVisible()) && !(await paper.locator('form.filter').isVisible()),
          `/print/${form} prints without the navigation and the filter`);
        await screenshot(paper, `print-${form}-paper`);
        const pdf = await paper.pdf({ format: 'A4', landscape: true, printBackground: true });
        const file = path.join(shots, `print-${form}.pdf`);
        (await import('node:fs')).writeFileSync(file, pdf);
        check(pdf.subarray(0, 5).toString() === '%PDF-' && pdf.length > 10000, `/print/${form} prints to a PDF (${pdf.length} bytes)`);
        await paper.emulateMedia({ media: 'screen' });
      }
      await paper.close();
      settled(w, 'printing the forms');
    }

    // ---- the API: HR sees what the CLI reports; without the cookie 401.
    for (const api of ['complaints', 'fines']) {
      res = await context.request.get(`${base}/api/${api}`);
      check(res.status() === 200 && (res.headers()['content-type'] || '').startsWith('application/json'),
        `/api/${api} is JSON for ${hr.user}`, `${res.status()} ${res.headers()['content-type']}`);
      const body = await res.json();
      const expected = report(api === 'fines' ? 'penalties' : 'complaints');
      check(isDeepStrictEqual(body, expected), `/api/${api} for ${hr.user} equals report ${api === 'fines' ? 'penalties' : 'complaints'} --format json (${body.length} rows)`,
        `api ${show(body)} vs report ${show(expected)}`);
    }
    {
      const anonymous = await browser.newContext();
      for (const api of ['complaints', 'fines']) {
        const r = await anonymous.request.get(`${base}/api/${api}`);
        let body = null;
        try { body = await r.json(); } catch (e) { /* reported below */ }
        check(r.status() === 401 && body && typeof body.error === 'string', `/api/${api} without the cookie is 401 with a JSON error`,
          `${r.status()} ${show(body)}`);
      }
      const r = await anonymous.request.get(`${base}/`, { maxRedirects: 0 });
      check(r.status() === 303 && r.headers().location === '/login', '/ without the cookie redirects to /login',
        `${r.status()} ${r.headers().location}`);
      await anonymous.close();
    }

    // ---- HR marks a fine paid from the ledger: the page, the report and the audit log all show it.
    {
      const open = report('penalties').filter((f) => f.status === 'open');
      check(open.length > 0, 'the replayed script left an open fine to mark paid', show(report('penalties')));
      const fine = open[0];
      const month = fine.deadline.slice(0, 7);
      const [y, m] = month.split('-').map(Number);
      const last = String(new Date(Date.UTC(y, m, 0)).getUTCDate()).padStart(2, '0');
      res = await page.goto(`${base}/fines?from=${month}-01&to=${month}-${last}`, { waitUntil: 'load' });
      check(res.status() === 200, `the ledger of ${month} opens`, `got ${res.status()}`);
      const button = page.locator(`form[action="/fines/${fine.id}/paid"] button`);
      check(await button.count() === 1, `the ledger has a 标记已缴 button for ${fine.id}`);
      await Promise.all([page.waitForNavigation(), button.click()]);
      const notice = await page.locator('p.notice').textContent().catch(() => '');
      check(notice.includes(`${fine.id} 已标记为已缴`), `after the click the ledger says ${fine.id} is paid`, notice);
      await screenshot(page, 'fines-marked-paid');
      settled(w, 'marking a fine paid');
      const after = report('penalties').find((f) => f.id === fine.id);
      check(after && after.status === 'paid', `report penalties shows ${fine.id} paid`, show(after));
      let audit = '';
      try {
        audit = execFileSync(bot, ['audit', 'verify', '--db', db], { encoding: 'utf8' });
      } catch (e) {
        check(false, 'audit verify passes after the page marked the fine paid', `${e.stdout}${e.stderr}`);
      }
      check(true, `audit verify passes after the page marked the fine paid: ${audit.trim().split('\n')[0]}`);
      const events = execFileSync('sqlite3', [db, `SELECT actor || ' ' || detail FROM events WHERE type = 'fine_paid'`],
        { encoding: 'utf8' });
      check(events.includes(`${hr.user} ${fine.id} 已缴`), `the audit log records ${hr.user}'s 已缴 ${fine.id}`, events);
    }

    // ---- the department head: only their department's fines and complaints.
    {
      const hc = await browser.newContext({ viewport: { width: 1280, height: 800 } });
      const hw = watch(hc);
      await hw.install();
      const hp = await hc.newPage();
      res = await login(hp, head);
      check(res.status() === 200 && new URL(hp.url()).pathname === '/', `${head.user} (head of ${head.department}) logs in`,
        `status ${res.status()} at ${hp.url()}`);
      await screenshot(hp, `home-${head.user}`);
      settled(hw, `${head.user}'s home page`);
      const all = report('penalties');
      const others = all.filter((f) => f.department !== head.department);
      check(others.length > 0 && all.length > others.length,
        `the replayed day has fines of ${head.department} and of other departments (${all.length} in all)`,
        `report penalties: ${show(all)} (replay a script with fines in two departments: BROWSER_SCRIPT)`);
      const fines = await (await hc.request.get(`${base}/api/fines`)).json();
      check(Array.isArray(fines) && fines.length > 0 && fines.every((f) => f.department === head.department),
        `/api/fines for ${head.user} holds only ${head.department}'s fines (${fines.length} of ${all.length})`, show(fines));
      check(isDeepStrictEqual(fines, report('penalties', head.department)),
        `/api/fines for ${head.user} equals report penalties --department ${head.department}`, show(fines));
      const complaints = await (await hc.request.get(`${base}/api/complaints`)).json();
      check(isDeepStrictEqual(complaints, report('complaints', head.department)),
        `/api/complaints for ${head.user} equals report complaints --department ${head.department} (${complaints.length} rows)`,
        show(complaints));
      // A POST without the CSRF token is refused and ends nothing.
      const forged = await hc.request.post(`${base}/logout`, { form: { other: '1' }, maxRedirects: 0 });
      check(forged.status() === 403, 'POST /logout without the CSRF token is 403', `got ${forged.status()}`);
      check((await hc.request.get(`${base}/api/fines`)).status() === 200, `${head.user} is still logged in after it`);
      await hc.close();
    }

    // ---- logout: the page's own form (POST with its CSRF token), then / goes to the login.
    await page.goto(`${base}/`);
    const form = page.locator('form[action="/logout"]');
    check(await form.count() === 1 && (await form.locator('input[name=csrf]').getAttribute('value') || '').length >= 16,
      'the page has a logout form carrying a CSRF token');
    const [out] = await Promise.all([page.waitForNavigation(), form.locator('button[type=submit]').click()]);
    check(new URL(page.url()).pathname === '/login' && out.status() === 200, 'logging out lands on /login',
      `${out.status()} at ${page.url()}`);
    res = await page.goto(`${base}/`);
    check(new URL(page.url()).pathname === '/login', 'after logging out / redirects to the login', page.url());
    check((await context.request.get(`${base}/api/fines`)).status() === 401, 'after logging out the API is 401');
    await screenshot(page, 'logged-out');
    settled(w, 'logout');
    await context.close();
  } finally {
    await browser.close();
  }
}

run('browser_dashboard', main);

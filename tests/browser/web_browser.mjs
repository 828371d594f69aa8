// web_browser.mjs - yuebao-web in a real browser (chromium through puppeteer-core): log
// in, check what the overview shows against what the test expects, see a change arrive
// live without a reload, then open a zone, the ranking, a county and the downloads, with
// a full-page screenshot of each.
//
//   node tests/browser/web_browser.mjs BASE USER PASSWORD SHOTS_DIR EXPECT.json
//   (or YB_BASE, YB_USER, YB_PASSWORD, YB_SHOTS, YB_EXPECT; YB_WIDTH the viewport's
//    width, 1280; YB_CHROMIUM overrides
//    /usr/bin/chromium)
//
// EXPECT.json (every key optional but "completeness"):
//   {"period": "2017-06",                          opened as ?period= when given
//    "completeness": [{"county","reported","missing","late"}…],   #completeness rows
//    "city_revenue": 1234.5,                       #city-revenue's data-amount, to 1e-9 of it
//                                                  (the store's sum, summed in another order)
//    "change": {"county": "410605", "reported": 1},  see the two phases below
//    "zone": "410602001", "revisions": 2,          #revisions li.revision, at least
//    "ranking_rows": 4,                            #ranking-table tr.row, at least
//    "county": "410602", "zones": 3,               #zones tr.zone, exactly
//    "downloads": 3}                               ranked periods: a.download xlsx+csv each
//
// Two phases: after the overview's first checks it prints "READY-FOR-CHANGE" and reads
// one line from stdin (the caller makes the change meanwhile, e.g. drops a late report),
// then waits up to 10 s, without reloading, for county change.county's data-reported to
// become change.reported. Without "change" there is no second phase.
//
// Prints one line per check ("ok - …" / "not ok - …") and exits 0 only if all passed
// (1 if one failed, 2 on a usage or browser error). Also fails a page that logs an error
// to the console (a CSP refusal, a script error).
import { readFileSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import puppeteer from "puppeteer-core";

const [base, user, password, shots, expectFile] = [2, 3, 4, 5, 6].map(
  (i, n) => process.argv[i] ?? process.env[["YB_BASE", "YB_USER", "YB_PASSWORD", "YB_SHOTS", "YB_EXPECT"][n]]);
if (!base || !user || !password || !shots || !expectFile) {
  console.error("usage: web_browser.mjs BASE USER PASSWORD SHOTS_DIR EXPECT.json");
  process.exit(2);
}
const expect = JSON.parse(readFileSync(expectFile, "utf8"));
// YB_WAIT_MS: a slower machine (the daemons under valgrind) waits longer
const WAIT_MS = Number(process.env.YB_WAIT_MS) || 10000;
mkdirSync(shots, { recursive: true });

let failed = 0;
function check(ok, what, detail) {
  if (!ok) failed++;
  console.log(`${ok ? "ok" : "not ok"} - ${what}${!ok && detail !== undefined ? ": " + detail : ""}`);
  return ok;
}

const url = (path) => {
  const u = new URL(path, base);
  if (expect.period && !u.pathname.startsWith("/login")) u.searchParams.set("period", expect.period);
  return u.toString();
};

// One line of stdin, for the second phase.
function readLine() {
  return new Promise((resolve) => {
    const rl = createInterface({ input: process.stdin });
    rl.once("line", (line) => { rl.close(); resolve(line); });
    rl.once("close", () => resolve(null));
  });
}

// Waits for fn(arg) to be true in the page; false on time-out.
async function until(page, fn, arg, ms = WAIT_MS) {
  try {
    await page.waitForFunction(fn, { timeout: ms, polling: 100 }, arg);
    return true;
  } catch {
    return false;
  }
}

const shot = (page, name) => page.screenshot({ path: join(shots, `web-${name}.png`), fullPage: true });

// Opens path and waits for the page's first load to be drawn (yuebao.js marks <body>).
async function open(page, path, name) {
  const errors = [];
  const onConsole = (m) => { if (m.type() === "error") errors.push(m.text()); };
  const onError = (e) => errors.push(String(e));
  page.on("console", onConsole);
  page.on("pageerror", onError);
  const r = await page.goto(url(path), { waitUntil: "domcontentloaded" });
  check(r && r.status() === 200, `${name}: ${path} answers 200`, r && r.status());
  const drawn = await until(page, () => document.body.dataset.loaded !== undefined);
  check(drawn, `${name}: the page drew its data`);
  const errorShown = await page.$eval("#error", (e) => (e.hidden ? "" : e.textContent)).catch(() => "");
  check(!errorShown, `${name}: no load error shown`, errorShown);
  return async () => {
    await shot(page, name);
    page.off("console", onConsole);
    page.off("pageerror", onError);
    check(errors.length === 0, `${name}: no errors in the console (CSP, scripts)`, errors.join(" | "));
  };
}

let browser;
try {
  browser = await puppeteer.launch({
    executablePath: process.env.YB_CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--headless=new", "--lang=zh-CN"],
    headless: true,
    ignoreHTTPSErrors: true,
    acceptInsecureCerts: true,
  });
} catch (e) {
  console.error(`cannot start chromium: ${e.message}`);
  process.exit(2);
}

try {
  const page = await browser.newPage();
  // YB_WIDTH=390: a phone's width, for the screenshots.
  await page.setViewport({ width: Number(process.env.YB_WIDTH) || 1280, height: 900 });

  // login
  await page.goto(url("/login"), { waitUntil: "domcontentloaded" });
  check(!!(await page.$("form#login input[name=csrf]")), "login: form#login with its csrf field");
  await page.type("form#login input[name=name]", user);
  await page.type("form#login input[name=password]", password);
  await shot(page, "login");
  await Promise.all([page.waitForNavigation({ waitUntil: "domcontentloaded" }), page.click("form#login button[type=submit]")]);
  const loggedIn = new URL(page.url()).pathname === "/overview";
  check(loggedIn, "login: lands on /overview", page.url());
  if (!loggedIn) throw new Error("not logged in");

  // overview
  let done = await open(page, "/overview", "overview");
  check(await until(page, () => document.getElementById("live")?.dataset.state === "open"),
    "overview: #live says the stream is open",
    await page.$eval("#live", (e) => e.textContent).catch(() => "no #live"));
  const rows = await page.$$eval("#completeness .county", (trs) =>
    trs.map((r) => ({ county: r.dataset.county, reported: +r.dataset.reported, missing: +r.dataset.missing, late: +r.dataset.late })));
  check(rows.length === expect.completeness.length, `overview: ${expect.completeness.length} county rows`, rows.length);
  for (const want of expect.completeness) {
    const got = rows.find((r) => r.county === want.county);
    check(got && got.reported === want.reported && got.missing === want.missing && got.late === want.late,
      `overview: county ${want.county} reported ${want.reported} missing ${want.missing} late ${want.late}`,
      JSON.stringify(got));
  }
  if (expect.city_revenue !== undefined) {
    const rev = await page.$eval("#city-revenue", (e) => ({ amount: e.dataset.amount, text: e.textContent }));
    check(Math.abs(Number(rev.amount) - expect.city_revenue) <= 1e-9 * Math.max(1, Math.abs(expect.city_revenue)), `overview: #city-revenue data-amount ${expect.city_revenue}`, rev.amount);
    check(rev.text.replace(/,/g, "") === expect.city_revenue.toFixed(2), `overview: #city-revenue shows ${expect.city_revenue.toFixed(2)}`, rev.text);
  }
  for (const id of ["alerts", "arrivals", "rejections", "countdown"])
    check(!!(await page.$("#" + id)), `overview: #${id} present`);

  if (expect.change) {
    const { county, reported } = expect.change;
    const marker = await page.evaluate(() => (window.__ybNoReload = Math.random()));
    console.log("READY-FOR-CHANGE");
    await readLine();
    const seen = await until(page, ([c, n]) =>
      document.querySelector(`#completeness .county[data-county="${c}"]`)?.dataset.reported === String(n), [county, reported]);
    const got = await page.$eval(`#completeness .county[data-county="${county}"]`, (e) => e.dataset.reported).catch(() => "no row");
    check(seen, `overview: live, county ${county} reported becomes ${reported} within ${WAIT_MS / 1000} s`, got);
    check((await page.evaluate(() => window.__ybNoReload)) === marker, "overview: the change came without a reload");
  }
  await done();

  // zone
  if (expect.zone) {
    done = await open(page, `/zone/${expect.zone}`, "zone");
    const n = await page.$$eval("#revisions li.revision", (l) => l.length);
    check(n >= (expect.revisions ?? 1), `zone: #revisions has at least ${expect.revisions ?? 1} li.revision`, n);
    const charts = await page.$$eval("#charts .chart canvas", (l) => l.length);
    check(charts > 0 && !!(await page.$("#chart-revenue")), "zone: #chart-revenue drawn (ECharts)", charts);
    for (const id of ["projects", "enterprises", "problems", "measures", "zone-alerts"])
      check(!!(await page.$("#" + id)), `zone: #${id} present`);
    await done();
  }

  // ranking
  done = await open(page, "/ranking", "ranking");
  const ranked = await page.$$eval("#ranking-table tr.row", (l) => l.map((r) => +r.dataset.rank));
  check(ranked.length >= (expect.ranking_rows ?? 1), `ranking: at least ${expect.ranking_rows ?? 1} tr.row`, ranked.length);
  check(ranked.every((r, i) => i === 0 || r >= ranked[i - 1]), "ranking: rows in rank order", ranked.join(","));
  for (const id of ["top10", "fast10", "state"]) check(!!(await page.$("#" + id)), `ranking: #${id} present`);
  await done();

  // county
  if (expect.county) {
    done = await open(page, `/county/${expect.county}`, "county");
    const n = await page.$$eval("#zones tr.zone", (l) => l.length);
    if (expect.zones !== undefined) check(n === expect.zones, `county: ${expect.zones} tr.zone`, n);
    else check(n > 0, "county: some tr.zone", n);
    check(!!(await page.$("#county-totals .total")), "county: #county-totals filled");
    await done();
  }

  // downloads
  done = await open(page, "/downloads", "downloads");
  const links = await page.$$eval("a.download", (l) => l.map((a) => a.getAttribute("href")));
  const want = expect.downloads ?? 1;
  check(links.length >= 2 * want, `downloads: ${2 * want} a.download links (xlsx and csv of ${want} periods)`, links.length);
  check(links.every((h) => /^\/download\/bulletin\?period=\d{4}-\d{2}&format=(xlsx|csv)$/.test(h)), "downloads: links are /download/bulletin?period=&format=",
    links.join(" "));
  await done();
} catch (e) {
  check(false, "the run", e.message);
} finally {
  await browser.close();
}
console.log(failed ? `${failed} check(s) failed` : "all checks passed");
process.exit(failed ? 1 : 0);

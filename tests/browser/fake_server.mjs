// fake_server.mjs - a stand-in for yuebao-web, to try the pages and web_browser.mjs
// before (or without) the real server: the real assets, the HTML web_page.c writes
// (dumped by dump_pages), the JSON of fixture.json and a live stream, behind the same
// login, cookies and Content-Security-Policy as the spec's.
//
//   node tests/browser/fake_server.mjs PAGES_DIR [PORT]     (PORT 0: any; prints
//        "LISTENING http://127.0.0.1:PORT")
// Login: zhang / secret-pass-1. POST /__fake/report?county=C (no session) plays a late
// report of county C arriving: its reported +1, missing −1, a new arrival, and the
// "report" and "totals" events on every stream. POST /__fake/drop closes the streams.
import { createServer } from "node:http";
import { readFileSync, existsSync } from "node:fs";
import { randomBytes } from "node:crypto";
import { join, dirname, extname } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..", "..");
const pagesDir = process.argv[2];
const port = Number(process.argv[3] ?? 0);
if (!pagesDir || !existsSync(join(pagesDir, "overview.html"))) {
  console.error("usage: fake_server.mjs PAGES_DIR [PORT]   (PAGES_DIR: dump_pages's output)");
  process.exit(2);
}
const fx = JSON.parse(readFileSync(join(here, "fixture.json"), "utf8"));
const USER = "zhang", PASSWORD = "secret-pass-1";
const sessions = new Set();
const streams = new Set();

const CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; frame-ancestors 'none'";
const types = { ".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8", ".html": "text/html; charset=utf-8" };

function cookies(req) {
  const out = {};
  for (const part of (req.headers.cookie || "").split(";")) {
    const i = part.indexOf("=");
    if (i > 0) out[part.slice(0, i).trim()] = part.slice(i + 1).trim();
  }
  return out;
}

function send(res, status, type, body, headers = {}) {
  res.writeHead(status, {
    "Content-Type": type, "Content-Security-Policy": CSP, "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff", "Referrer-Policy": "same-origin", "Cache-Control": "no-store", ...headers,
  });
  res.end(body);
}
const json = (res, status, obj) => send(res, status, "application/json; charset=utf-8", JSON.stringify(obj));
const redirect = (res, to, headers = {}) => send(res, 302, "text/plain", "", { Location: to, ...headers });

function publish(type, data) {
  for (const s of streams) s.write(`event: ${type}\ndata: ${JSON.stringify(data)}\n\n`);
}

function lateReport(county) {
  const c = fx.overview.counties.find((x) => x.county === county);
  if (!c || c.missing === 0) return false;
  c.reported++; c.missing--; c.late++;
  const zone = county + "00" + c.reported;
  const at = Date.now();
  fx.overview.arrivals.unshift({ at_ms: at, zone, zone_name: zone, county, revision: 1, late: true });
  fx.overview.totals[0].amount = Math.round((fx.overview.totals[0].amount + 10.25) * 100) / 100;
  publish("report", { period: fx.overview.period, county, zone, revision: 1, late: true, at_ms: at });
  publish("totals", { period: fx.overview.period, county });
  return true;
}

function body(req) {
  return new Promise((ok) => {
    let s = "";
    req.on("data", (d) => (s += d));
    req.on("end", () => ok(new URLSearchParams(s)));
  });
}

const server = createServer(async (req, res) => {
  const url = new URL(req.url, "http://x");
  const path = url.pathname;
  const c = cookies(req);
  const authed = sessions.has(c.yb_session);

  if (path.startsWith("/assets/")) {
    const name = path.slice("/assets/".length);
    const file = name === "vendor/echarts.min.js" ? join(root, "node_modules/echarts/dist/echarts.min.js")
      : /^[a-z]+\.(js|css)$/.test(name) ? join(root, "web/assets", name) : null;
    if (!file || !existsSync(file)) return send(res, 404, "text/plain", "not found");
    return send(res, 200, types[extname(file)], readFileSync(file), { "Cache-Control": "max-age=60" });
  }
  if (path === "/__fake/report" && req.method === "POST")
    return json(res, lateReport(url.searchParams.get("county")) ? 200 : 404, {});
  if (path === "/__fake/drop" && req.method === "POST") {
    for (const s of streams) s.destroy();
    streams.clear();
    return json(res, 200, {});
  }
  if (path === "/login" && req.method === "GET") {
    const html = readFileSync(join(pagesDir, "login.html"), "utf8");
    return send(res, 200, types[".html"], html, { "Set-Cookie": "yb_login=fake-login; HttpOnly; SameSite=Strict; Path=/" });
  }
  if (path === "/login" && req.method === "POST") {
    const f = await body(req);
    if (f.get("csrf") !== c.yb_login) return send(res, 403, "text/plain", "csrf");
    if (f.get("name") !== USER || f.get("password") !== PASSWORD) {
      const html = readFileSync(join(pagesDir, "login.html"), "utf8")
        .replace("<form id=\"login\"", "<p class=\"error\" role=\"alert\">用户名或密码错误</p>\n<form id=\"login\"");
      return send(res, 401, types[".html"], html);
    }
    const token = randomBytes(32).toString("hex");
    sessions.add(token);
    return redirect(res, "/overview", { "Set-Cookie": `yb_session=${token}; HttpOnly; SameSite=Strict; Path=/` });
  }
  if (!authed) {
    if (path.startsWith("/api/") || path.startsWith("/download")) return json(res, 401, { error: "请先登录" });
    return redirect(res, "/login");
  }
  if (path === "/logout" && req.method === "POST") {
    const f = await body(req);
    if (f.get("csrf") !== "fake-csrf") return send(res, 403, "text/plain", "csrf");
    sessions.delete(c.yb_session);
    return redirect(res, "/login", { "Set-Cookie": "yb_session=; Max-Age=0; Path=/" });
  }
  if (path === "/") return redirect(res, "/overview");
  const page = path.match(/^\/(overview|ranking|downloads)$/) || path.match(/^\/(zone|county)\/[0-9]+$/);
  if (page) return send(res, 200, types[".html"], readFileSync(join(pagesDir, page[1] + ".html"), "utf8"));
  if (path === "/api/stream") {
    res.writeHead(200, { "Content-Type": "text/event-stream", "Cache-Control": "no-store", "Content-Security-Policy": CSP });
    res.write(`event: hello\ndata: ${JSON.stringify({ user: USER, role: "central", period: fx.me.period })}\n\n`);
    streams.add(res);
    req.on("close", () => streams.delete(res));
    return;
  }
  const api = path.match(/^\/api\/(me|periods|overview|ranking|alerts)$/) || path.match(/^\/api\/(zone|county)\/([0-9]+)$/);
  if (api) {
    const p = url.searchParams.get("period");
    if (p && !/^\d{4}-\d{2}$/.test(p)) return json(res, 400, { error: "统计期格式错误" });
    if (api[1] === "ranking" && p && !fx.periods.periods.some((x) => x.period === p && x.ranked))
      return json(res, 404, { error: "本期尚未排名" });
    if (api[1] === "alerts") return json(res, 200, { alerts: fx.overview.alerts.firing });
    const data = structuredClone(fx[api[1]]);
    if (p && data.period) data.period = p;
    return json(res, 200, data);
  }
  if (path === "/download/bulletin")
    return send(res, 200, "text/csv; charset=utf-8", "园区,主营业务收入\n", {
      "Content-Disposition": `attachment; filename*=UTF-8''${encodeURIComponent("月报-" + url.searchParams.get("period") + ".csv")}`,
    });
  return json(res, 404, { error: "没有这个页面" });
});

server.listen(port, "127.0.0.1", () => {
  console.log(`LISTENING http://127.0.0.1:${server.address().port}`);
});
for (const sig of ["SIGTERM", "SIGINT"]) process.on(sig, () => { for (const s of streams) s.destroy(); server.close(); process.exit(0); });

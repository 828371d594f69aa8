/* yuebao.js - what every page of yuebao-web shares: JSON fetching, the live stream,
 * the period picker, number formatting, DOM building and the page's words.
 *
 * A page script calls YB.start(load) once; load(period) fetches the page's JSON and
 * draws it. The stream (/api/stream) only says that something changed: every event
 * (and every reconnection, since events may have been missed meanwhile) re-runs load,
 * debounced 300 ms, so a burst of reports costs one fetch. Nothing is built with
 * innerHTML: text goes in with textContent, so no name from a report can become markup.
 */
(function () {
  "use strict";

  var words = {};
  try {
    words = JSON.parse(document.getElementById("words").textContent);
  } catch (e) {
    words = {};
  }

  /* The word for key with each "%s" replaced by the next argument ("%%" is "%"). */
  function t(key) {
    var args = Array.prototype.slice.call(arguments, 1), i = 0;
    var s = words[key] !== undefined ? words[key] : key;
    return s.replace(/%%|%s/g, function (m) {
      if (m === "%%") return "%";
      var a = args[i++];
      return a === undefined || a === null ? "" : String(a);
    });
  }

  /* An element: el("td", {class: "n", "data-zone": z}, "text", child…). Attributes
   * are set with setAttribute, children appended as text unless they are nodes. */
  function el(tag, attrs) {
    var e = document.createElement(tag);
    if (attrs) {
      Object.keys(attrs).forEach(function (k) {
        var v = attrs[k];
        if (v === null || v === undefined || v === false) return;
        if (k === "text") e.textContent = v;
        else e.setAttribute(k, v === true ? "" : String(v));
      });
    }
    append(e, Array.prototype.slice.call(arguments, 2));
    return e;
  }

  /* Appends each child to node: a node as it is, an array's items in turn, anything
   * else as text; null and undefined are skipped. */
  function append(node, children) {
    children.forEach(function (c) {
      if (c === null || c === undefined) return;
      if (Array.isArray(c)) append(node, c);
      else node.appendChild(typeof c === "object" ? c : document.createTextNode(String(c)));
    });
  }

  /* Empties node and appends the given children (as el's). */
  function fill(node) {
    if (!node) return node;
    while (node.firstChild) node.removeChild(node.firstChild);
    append(node, Array.prototype.slice.call(arguments, 1));
    return node;
  }

  var formats = {};
  /* x with exactly decimals digits, grouped the zh-CN way; "—" when unknown. */
  function num(x, decimals) {
    if (x === null || x === undefined || typeof x !== "number" || !isFinite(x)) return "—";
    var d = decimals === undefined ? 2 : decimals;
    if (!formats[d])
      formats[d] = new Intl.NumberFormat("zh-CN", { minimumFractionDigits: d, maximumFractionDigits: d });
    return formats[d].format(x);
  }

  /* A percentage with one decimal and its sign ("+8.2%"), "—" when unknown. */
  function pct(x) {
    if (x === null || x === undefined || !isFinite(x)) return "—";
    return (x > 0 ? "+" : "") + num(x, 1) + "%";
  }

  function pad(n) { return (n < 10 ? "0" : "") + n; }
  /* ms since the epoch as "MM-DD HH:MM" (or with the year) in Beijing time, whatever
   * the viewer's computer says: deadlines and arrivals are the city's (UTC+8, no DST). */
  function time(ms, withYear) {
    if (ms === null || ms === undefined) return "—";
    var d = new Date(ms + 8 * 3600 * 1000);
    var s = pad(d.getUTCMonth() + 1) + "-" + pad(d.getUTCDate()) + " " + pad(d.getUTCHours()) + ":" +
      pad(d.getUTCMinutes());
    return withYear ? d.getUTCFullYear() + "-" + s : s;
  }

  /* fn delayed until ms have passed without another call. */
  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { timer = null; fn.apply(self, args); }, ms);
    };
  }

  /* The period the page shows: ?period= of the address, or null (the current one). */
  function period() {
    var p = new URLSearchParams(location.search).get("period");
    return p && /^\d{4}-\d{2}$/.test(p) ? p : null;
  }

  /* url with ?period=P when a period is chosen. */
  function withPeriod(url, p) {
    p = p === undefined ? period() : p;
    if (!p) return url;
    return url + (url.indexOf("?") < 0 ? "?" : "&") + "period=" + encodeURIComponent(p);
  }

  /* Fetches url's JSON with the session cookie. Rejects with an Error whose message is
   * the server's {"error"} (in the reader's language) and whose status is the HTTP
   * status; a lost session (401) goes back to the login page. */
  function getJSON(url) {
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" }, cache: "no-store" })
      .then(function (r) {
        if (r.status === 401) {
          location.assign("/login");
          throw Object.assign(new Error("401"), { status: 401 });
        }
        return r.text().then(function (body) {
          var data = null;
          try { data = body ? JSON.parse(body) : null; } catch (e) { data = null; }
          if (!r.ok) {
            var msg = data && data.error ? data.error : r.status + " " + r.statusText;
            throw Object.assign(new Error(msg), { status: r.status });
          }
          return data;
        });
      });
  }

  /* Shows (or, with null, hides) the page's error line. */
  function error(message) {
    var e = document.getElementById("error");
    if (!e) return;
    if (message) {
      e.textContent = t("load_failed", message);
      e.hidden = false;
    } else {
      e.hidden = true;
      e.textContent = "";
    }
  }

  function stateWord(s) { return s ? t("state_" + s) : ""; }

  /* Fills the period picker from /api/periods; its change reloads the page's data
   * with ?period= in the address (kept in the nav links). */
  function picker(onChange) {
    var sel = document.getElementById("period");
    return getJSON("/api/periods").then(function (d) {
      var chosen = period() || d.current;
      var list = d.periods || [];
      if (chosen && !list.some(function (p) { return p.period === chosen; }))
        list = [{ period: chosen, state: null }].concat(list);
      fill(sel, list.map(function (p) {
        return el("option", { value: p.period, selected: p.period === chosen },
          p.state ? t("period_label", p.period, stateWord(p.state)) : p.period);
      }));
      YB.current = d.current;
      YB.periods = d.periods || [];
      return d;
    }).finally(function () {
      if (!sel || sel.dataset.bound) return;
      sel.dataset.bound = "1";
      sel.addEventListener("change", function () {
        var u = new URL(location.href);
        if (sel.value === YB.current) u.searchParams.delete("period");
        else u.searchParams.set("period", sel.value);
        history.replaceState(null, "", u.toString());
        navLinks();
        onChange();
      });
    });
  }

  /* The nav keeps the chosen period. */
  function navLinks() {
    ["nav-overview", "nav-ranking", "nav-county"].forEach(function (id) {
      var a = document.getElementById(id);
      if (!a) return;
      var u = new URL(a.getAttribute("href"), location.href);
      if (period()) u.searchParams.set("period", period());
      else u.searchParams.delete("period");
      a.setAttribute("href", u.pathname + u.search + u.hash);
    });
  }

  /* #live: 实时 while the stream is open, 已断开 when not. */
  function live(on) {
    var e = document.getElementById("live");
    if (!e) return;
    e.textContent = on ? t("live") : t("disconnected");
    e.className = "live " + (on ? "on" : "off");
    e.dataset.state = on ? "open" : "closed";
  }

  var EVENTS = ["report", "rejected", "totals", "ranking", "alert", "state", "resync"];

  /* The live stream: every event re-runs reload (debounced by the caller); a lost
   * connection is retried with a growing pause (1 s … 15 s) and, once back, reloads,
   * since events may have been missed. onEvent(type, data) sees each event first. */
  function stream(reload, onEvent) {
    var es = null, opened = false, pause = 1000, retry = null;
    function connect() {
      retry = null;
      es = new EventSource("/api/stream", { withCredentials: true });
      es.addEventListener("open", function () {
        live(true);
        pause = 1000;
        if (opened) reload("resync");
        opened = true;
      });
      es.addEventListener("hello", function () { live(true); });
      EVENTS.forEach(function (type) {
        es.addEventListener(type, function (ev) {
          var data = null;
          try { data = JSON.parse(ev.data); } catch (e) { data = null; }
          if (onEvent) onEvent(type, data);
          reload(type);
        });
      });
      es.addEventListener("error", function () {
        live(false);
        /* EventSource retries by itself unless the server refused (CLOSED): then we
         * retry, slower each time, and the next open reloads. */
        if (es.readyState === EventSource.CLOSED && !retry) {
          es.close();
          retry = setTimeout(connect, pause);
          pause = Math.min(pause * 2, 15000);
        }
      });
    }
    connect();
    window.addEventListener("beforeunload", function () { if (es) es.close(); });
  }

  /* The page's start: period picker, /api/me (the user, the nav's county link), the
   * first load and the stream. load(period) returns a promise; its failure is shown on
   * the error line, its success clears it. opts.onEvent(type, data) sees each event. */
  function start(load, opts) {
    opts = opts || {};
    var running = false, again = false;
    function run() {
      if (running) { again = true; return; }
      running = true;
      document.body.classList.add("loading");
      Promise.resolve()
        .then(function () { return load(period() || YB.current || null); })
        .then(function () { error(null); }, function (e) { if (e && e.status !== 401) error(e.message); })
        .finally(function () {
          running = false;
          document.body.classList.remove("loading");
          document.body.dataset.loaded = String(Date.now());
          if (again) { again = false; run(); }
        });
    }
    var reload = debounce(run, 300);
    YB.reload = reload;
    live(false);
    navLinks();
    var me = getJSON("/api/me").then(function (m) {
      YB.me = m;
      var a = document.getElementById("nav-county");
      if (a && m.counties && m.counties.length && a.getAttribute("href").indexOf("/county/") !== 0)
        a.setAttribute("href", "/county/" + encodeURIComponent(m.counties[0].county));
      if (!YB.current) YB.current = m.period;
      navLinks();
    }, function () {});
    Promise.all([picker(run).catch(function () {}), me]).then(run);
    stream(reload, opts.onEvent);
  }

  window.YB = {
    t: t, el: el, fill: fill, num: num, pct: pct, time: time, debounce: debounce,
    period: period, withPeriod: withPeriod, getJSON: getJSON, error: error,
    stateWord: stateWord, start: start, live: live,
    me: null, current: null, periods: [], reload: function () {}
  };
})();

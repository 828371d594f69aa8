/* overview.js - 总览: the city's revenue and totals, each county's reporting progress,
 * the deadline countdown, the firing alerts, the latest and the rejected reports, from
 * /api/overview; re-fetched on every event of the stream. */
(function () {
  "use strict";
  var el = YB.el, fill = YB.fill, t = YB.t;
  var deadline = null, clockOffset = 0, ticking = null;

  function totalCard(x) {
    var sub = [];
    if (x.growth_pct !== null && x.growth_pct !== undefined) sub.push(t("growth", YB.num(x.growth_pct, 1)));
    if (x.completion_pct !== null && x.completion_pct !== undefined) sub.push(t("completion", YB.num(x.completion_pct, 1)));
    return el("div", { class: "total", "data-indicator": x.indicator },
      el("div", { class: "total-name" }, x.name),
      el("div", { class: "total-amount" }, YB.num(x.amount, 2), el("span", { class: "unit" }, x.unit || "")),
      el("div", { class: "sub" }, sub.join(" · ")));
  }

  function revenue(totals) {
    var r = (totals || []).filter(function (x) { return x.indicator === "revenue"; })[0];
    var box = document.getElementById("city-revenue");
    if (!r) {
      box.textContent = "—";
      box.setAttribute("data-amount", "");
      fill(document.getElementById("city-revenue-sub"));
      return;
    }
    fill(box, YB.num(r.amount, 2));
    box.setAttribute("data-amount", r.amount === null ? "" : String(r.amount));
    box.setAttribute("title", r.unit || "");
    var sub = [r.unit || ""];
    if (r.growth_pct !== null && r.growth_pct !== undefined) sub.push(t("growth", YB.num(r.growth_pct, 1)));
    if (r.target !== null && r.target !== undefined) sub.push(t("target", YB.num(r.target, 2)));
    if (r.completion_pct !== null && r.completion_pct !== undefined) sub.push(t("completion", YB.num(r.completion_pct, 1)));
    fill(document.getElementById("city-revenue-sub"), sub.join(" · "));
  }

  function completeness(counties) {
    var head = el("tr", null, el("th", null, t("county")), el("th", { class: "n" }, t("zones")),
      el("th", { class: "n" }, t("reported")), el("th", { class: "n" }, t("late")),
      el("th", { class: "n" }, t("missing")), el("th", { class: "bar" }, ""));
    var rows = (counties || []).map(function (c) {
      var bar = el("progress", { max: c.zones || 1, value: c.reported || 0 });
      return el("tr", {
        class: "county" + (c.missing ? " has-missing" : " complete"),
        "data-county": c.county, "data-zones": c.zones, "data-reported": c.reported,
        "data-missing": c.missing, "data-late": c.late
      },
        el("td", null, el("a", { href: YB.withPeriod("/county/" + encodeURIComponent(c.county)) }, c.name || c.county)),
        el("td", { class: "n" }, c.zones), el("td", { class: "n" }, c.reported),
        el("td", { class: "n" + (c.late ? " warn" : "") }, c.late),
        el("td", { class: "n" + (c.missing ? " bad" : "") }, c.missing),
        el("td", { class: "bar" }, bar));
    });
    fill(document.getElementById("completeness"),
      rows.length ? el("table", { class: "table" }, el("thead", null, head), el("tbody", null, rows))
        : el("p", { class: "note" }, t("no_data")));
  }

  function alertItem(a) {
    return el("li", { class: "alert sev-" + a.severity, "data-key": a.key, "data-zone": a.zone },
      el("span", { class: "badge sev-" + a.severity }, t("severity_" + a.severity)),
      el("span", { class: "what" }, (a.zone_name || a.zone || "") + " " + (a.message || "")),
      el("span", { class: "when" }, t("alert_since", YB.time(a.since_ms))));
  }

  function alerts(al) {
    al = al || { critical: 0, warning: 0, info: 0, firing: [] };
    var list = (al.firing || []).map(alertItem);
    fill(document.getElementById("alerts"),
      el("p", { class: "alert-counts" }, t("alert_counts", al.critical || 0, al.warning || 0, al.info || 0)),
      list.length ? el("ul", { class: "list" }, list) : el("p", { class: "note" }, t("none")));
  }

  function arrivals(list) {
    var items = (list || []).map(function (a) {
      return el("li", { class: "arrival" + (a.late ? " late" : ""), "data-zone": a.zone, "data-revision": a.revision },
        el("span", { class: "when" }, YB.time(a.at_ms)),
        el("a", { href: YB.withPeriod("/zone/" + encodeURIComponent(a.zone)) }, a.zone_name || a.zone),
        el("span", { class: "rev" }, t("revision", a.revision)),
        a.late ? el("span", { class: "badge late" }, t("late")) : null);
    });
    fill(document.getElementById("arrivals"), items.length ? items : el("li", { class: "note" }, t("none")));
  }

  function rejections(list) {
    var items = (list || []).map(function (r) {
      return el("li", { class: "rejection", "data-zone": r.zone },
        el("span", { class: "when" }, YB.time(r.at_ms)),
        el("span", { class: "zone" }, r.zone || r.county),
        el("span", { class: "reason" }, r.reason || ""));
    });
    fill(document.getElementById("rejections"), items.length ? items : el("li", { class: "note" }, t("none")));
  }

  /* The countdown runs on the server's clock (now_ms), whatever the viewer's says. */
  function countdown() {
    var box = document.getElementById("countdown");
    if (!deadline) { fill(box); return; }
    var left = deadline - (Date.now() + clockOffset);
    var text;
    if (left <= 0) text = t("past_deadline");
    else {
      var m = Math.floor(left / 60000);
      text = t("time_left", Math.floor(m / 1440), Math.floor((m % 1440) / 60), m % 60);
    }
    box.classList.toggle("past", left <= 0);
    fill(box, el("div", { class: "deadline" }, t("deadline", YB.time(deadline, true))), el("div", { class: "left" }, text));
  }

  function load(period) {
    return YB.getJSON(YB.withPeriod("/api/overview", period)).then(function (d) {
      var st = document.getElementById("overview-state");
      st.textContent = YB.stateWord(d.state);
      st.className = "state state-" + (d.state || "none");
      deadline = d.deadline_ms || null;
      clockOffset = d.now_ms ? d.now_ms - Date.now() : 0;
      countdown();
      if (!ticking) ticking = setInterval(countdown, 30000);
      revenue(d.totals);
      fill(document.getElementById("totals"), (d.totals || []).map(totalCard));
      completeness(d.counties);
      alerts(d.alerts);
      arrivals(d.arrivals);
      rejections(d.rejections);
    });
  }

  YB.start(load);
})();

/* zone.js - 园区: one zone from /api/zone/<zone>: a line chart per indicator (the
 * year-to-date value of each month beside the pace line to the year's target), the
 * revision history (who sent what, what changed), its alerts with their history, its
 * key projects and enterprises, its problems and measures. Charts are Apache ECharts,
 * kept per indicator and updated in place on a re-fetch. */
(function () {
  "use strict";
  var el = YB.el, fill = YB.fill, t = YB.t;
  var zone = document.getElementById("main").getAttribute("data-zone");
  var charts = {};

  function chart(ind) {
    var id = "chart-" + ind.indicator;
    var box = document.getElementById(id);
    if (!box) {
      box = el("div", { id: id, class: "chart", "data-indicator": ind.indicator });
      document.getElementById("charts").appendChild(el("div", { class: "chart-card" },
        el("h3", null, ind.name + (ind.unit ? " (" + ind.unit + ")" : "")),
        el("div", { class: "sub", "data-for": id }), box));
    }
    var sub = [];
    if (ind.target !== null && ind.target !== undefined) sub.push(t("target", YB.num(ind.target, 2)));
    if (ind.growth_pct !== null && ind.growth_pct !== undefined) sub.push(t("growth", YB.num(ind.growth_pct, 1)));
    fill(box.parentNode.querySelector(".sub"), sub.join(" · "));
    var months = ind.months || [];
    var option = {
      animation: false,
      tooltip: { trigger: "axis" },
      legend: { data: [t("ytd"), t("pace")], bottom: 0 },
      grid: { left: 48, right: 16, top: 16, bottom: 40, containLabel: true },
      xAxis: { type: "category", data: months.map(function (m) { return m.period.slice(5) ; }) },
      yAxis: { type: "value", scale: false },
      series: [
        { name: t("ytd"), type: "line", data: months.map(function (m) { return m.ytd; }),
          symbolSize: 7, lineStyle: { width: 3 }, itemStyle: { color: "#1f4e8c" }, areaStyle: { opacity: 0.08 } },
        { name: t("pace"), type: "line", data: months.map(function (m) { return m.pace; }),
          symbol: "none", lineStyle: { type: "dashed", width: 2 }, itemStyle: { color: "#c0392b" } }
      ]
    };
    if (typeof echarts === "undefined") return;
    var c = charts[ind.indicator] || echarts.init(box, null, { renderer: "canvas" });
    charts[ind.indicator] = c;
    c.setOption(option, true);
  }

  function revisions(d) {
    var box = document.getElementById("revisions");
    var names = {};
    (d.indicators || []).forEach(function (i) { names[i.indicator] = i.name; });
    if (d.revisions_hidden) {
      fill(box, el("li", { class: "note" }, t("revisions_hidden")));
      return;
    }
    var items = (d.revisions || []).map(function (r) {
      var changes = (r.changes || []).map(function (c) {
        return el("li", { class: "change", "data-indicator": c.indicator },
          t("revision_change", names[c.indicator] || c.indicator, YB.num(c.from, 2), YB.num(c.to, 2)));
      });
      return el("li", { class: "revision" + (r.late ? " late" : ""), "data-revision": r.revision, "data-period": r.period },
        el("div", { class: "rev-head" },
          el("span", { class: "rev" }, r.period + " · " + t("revision", r.revision)),
          el("span", { class: "when" }, YB.time(r.at_ms, true)),
          r.sender ? el("span", { class: "sender" }, t("sender", r.sender)) : null,
          r.late ? el("span", { class: "badge late" }, t("late")) : null),
        changes.length ? el("ul", { class: "changes" }, changes) : null);
    });
    fill(box, items.length ? items : el("li", { class: "note" }, t("none")));
  }

  function alerts(list) {
    var items = (list || []).map(function (a) {
      var hist = (a.history || []).map(function (h) {
        return el("li", null, YB.time(h.at_ms, true) + " " + t("transition_" + h.transition) + " " + t("severity_" + h.severity));
      });
      return el("li", { class: "alert sev-" + a.severity, "data-key": a.key },
        el("span", { class: "badge sev-" + a.severity }, t("severity_" + a.severity)),
        el("span", { class: "what" }, a.message || a.kind),
        el("span", { class: "when" }, t("alert_since", YB.time(a.since_ms))),
        hist.length ? el("ul", { class: "history" }, hist) : null);
    });
    fill(document.getElementById("zone-alerts"), items.length ? items : el("li", { class: "note" }, t("none")));
  }

  /* A table of objects: "name" first, then the other keys in their first order. */
  function objects(id, list) {
    var box = document.getElementById(id);
    list = list || [];
    if (!list.length) { fill(box, el("p", { class: "note" }, t("none"))); return; }
    var keys = ["name"];
    list.forEach(function (o) { Object.keys(o).forEach(function (k) { if (keys.indexOf(k) < 0) keys.push(k); }); });
    var head = el("tr", null, keys.map(function (k) { return el("th", null, k === "name" ? t("name") : k); }));
    var rows = list.map(function (o) {
      return el("tr", null, keys.map(function (k) {
        var v = o[k];
        return el("td", { class: typeof v === "number" ? "n" : null }, v === null || v === undefined ? "—" : typeof v === "number" ? YB.num(v, 2) : String(v));
      }));
    });
    fill(box, el("div", { class: "scroll" }, el("table", { class: "table" }, el("thead", null, head), el("tbody", null, rows))));
  }

  function text(id, s) {
    fill(document.getElementById(id), s ? el("p", { class: "prose" }, s) : el("p", { class: "note" }, t("none")));
  }

  function load(period) {
    return YB.getJSON(YB.withPeriod("/api/zone/" + encodeURIComponent(zone), period)).then(function (d) {
      fill(document.getElementById("zone-title"), d.name || d.zone,
        el("span", { class: "sub" }, " " + (d.county_name || d.county || "") + " · " + d.period));
      document.title = (d.name || d.zone) + " · " + document.title.split(" · ").pop();
      var inds = d.indicators || [];
      inds.forEach(chart);
      /* An indicator gone from the data loses its chart. */
      Object.keys(charts).forEach(function (k) {
        if (inds.some(function (i) { return i.indicator === k; })) return;
        var box = document.getElementById("chart-" + k);
        charts[k].dispose();
        delete charts[k];
        if (box && box.parentNode) box.parentNode.remove();
      });
      revisions(d);
      alerts(d.alerts);
      objects("projects", d.projects);
      objects("enterprises", d.enterprises);
      text("problems", d.problems);
      text("measures", d.measures);
    });
  }

  window.addEventListener("resize", YB.debounce(function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  }, 200));

  YB.start(load);
})();

/* ranking.js - 排名: the period's zone ranking from /api/ranking (rank, change, total,
 * the score of each dimension, stars), the top ten and the ten fastest growing. A period
 * not ranked yet (404) says so. */
(function () {
  "use strict";
  var el = YB.el, fill = YB.fill, t = YB.t;

  function delta(d) {
    if (d === null || d === undefined) return el("span", { class: "delta" }, "—");
    if (d === 0) return el("span", { class: "delta same" }, "0");
    return el("span", { class: "delta " + (d > 0 ? "up" : "down") }, (d > 0 ? "↑" : "↓") + Math.abs(d));
  }

  function stars(n) {
    return n ? el("span", { class: "stars", title: String(n) }, "★".repeat(n)) : "—";
  }

  function zoneList(id, zones, names) {
    var items = (zones || []).map(function (z) {
      return el("li", { "data-zone": z }, el("a", { href: YB.withPeriod("/zone/" + encodeURIComponent(z)) }, names[z] || z));
    });
    /* 十快 is empty in a year's first ranked period: no rank to climb from */
    fill(document.getElementById(id), items.length ? items : el("li", { class: "note" }, t("none")));
  }

  function draw(d) {
    var state = document.getElementById("state");
    state.textContent = YB.stateWord(d.state);
    state.className = "state state-" + (d.state || "none");
    var dims = d.dimensions || [];
    var head = el("tr", null, el("th", { class: "n" }, t("rank")), el("th", { class: "n" }, t("change")),
      el("th", null, t("zone")), el("th", null, t("county")), el("th", { class: "n" }, t("total_score")));
    dims.forEach(function (name) { head.appendChild(el("th", { class: "n" }, name)); });
    head.appendChild(el("th", null, t("stars")));
    var names = {};
    var rows = (d.rows || []).map(function (r) {
      names[r.zone] = r.zone_name || r.zone;
      var tr = el("tr", { class: "row" + (r.rank <= 10 ? " top" : ""), "data-zone": r.zone, "data-rank": r.rank },
        el("td", { class: "n rank" }, r.rank), el("td", { class: "n" }, delta(r.delta)),
        el("td", null, el("a", { href: YB.withPeriod("/zone/" + encodeURIComponent(r.zone)) }, r.zone_name || r.zone)),
        el("td", null, r.county_name || r.county), el("td", { class: "n strong" }, YB.num(r.total, 1)));
      (r.scores || []).forEach(function (s) { tr.appendChild(el("td", { class: "n" }, YB.num(s, 1))); });
      tr.appendChild(el("td", null, stars(r.star)));
      return tr;
    });
    fill(document.getElementById("ranking-table"), el("thead", null, head), el("tbody", null, rows));
    fill(document.getElementById("ranking-note"), d.version ? t("ranking_version", d.version) : "");
    zoneList("top10", d.top10, names);
    zoneList("fast10", d.fast10, names);
  }

  function load(period) {
    return YB.getJSON(YB.withPeriod("/api/ranking", period)).then(draw, function (e) {
      if (e.status !== 404) throw e;
      fill(document.getElementById("ranking-table"));
      fill(document.getElementById("top10"));
      fill(document.getElementById("fast10"));
      fill(document.getElementById("state"));
      fill(document.getElementById("ranking-note"), t("not_ranked"));
    });
  }

  YB.start(load);
})();

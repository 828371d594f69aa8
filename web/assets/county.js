/* county.js - 县区: a county's totals and each of its zones (reported, late, revision,
 * rank, stars, the value of each indicator) from /api/county/<county>. */
(function () {
  "use strict";
  var el = YB.el, fill = YB.fill, t = YB.t;
  var county = document.getElementById("main").getAttribute("data-county");

  function totalCard(x) {
    var sub = [];
    if (x.growth_pct !== null && x.growth_pct !== undefined) sub.push(t("growth", YB.num(x.growth_pct, 1)));
    if (x.completion_pct !== null && x.completion_pct !== undefined) sub.push(t("completion", YB.num(x.completion_pct, 1)));
    return el("div", { class: "total", "data-indicator": x.indicator },
      el("div", { class: "total-name" }, x.name),
      el("div", { class: "total-amount", "data-amount": x.amount }, YB.num(x.amount, 2), el("span", { class: "unit" }, x.unit || "")),
      el("div", { class: "sub" }, sub.join(" · ")));
  }

  function draw(d) {
    fill(document.getElementById("county-title"), d.name || d.county);
    document.title = (d.name || d.county) + " · " + document.title.split(" · ").pop();
    var totals = d.totals || [];
    fill(document.getElementById("county-totals"), totals.map(totalCard));
    var head = el("tr", null, el("th", null, t("zone")), el("th", null, t("state")),
      el("th", { class: "n" }, t("revision_short")), el("th", { class: "n" }, t("rank")), el("th", null, t("stars")));
    totals.forEach(function (x) { head.appendChild(el("th", { class: "n" }, x.name + (x.unit ? " (" + x.unit + ")" : ""))); });
    var rows = (d.zones || []).map(function (z) {
      var status = !z.reported ? el("span", { class: "badge bad" }, t("not_reported"))
        : z.late ? el("span", { class: "badge late" }, t("late")) : el("span", { class: "badge ok" }, t("on_time"));
      var tr = el("tr", { class: "zone" + (z.reported ? "" : " missing"), "data-zone": z.zone,
        "data-reported": z.reported ? "true" : "false" },
        el("td", null, el("a", { href: YB.withPeriod("/zone/" + encodeURIComponent(z.zone)) }, z.name || z.zone)),
        el("td", null, status), el("td", { class: "n" }, z.revision === null || z.revision === undefined ? "—" : z.revision),
        el("td", { class: "n" }, z.rank === null || z.rank === undefined ? "—" : z.rank),
        el("td", null, z.star ? "★".repeat(z.star) : "—"));
      var byInd = {};
      (z.values || []).forEach(function (v) { byInd[v.indicator] = v; });
      totals.forEach(function (x) {
        var v = byInd[x.indicator];
        tr.appendChild(el("td", { class: "n" }, v ? YB.num(v.amount, 2) : "—",
          v && v.growth_pct !== null && v.growth_pct !== undefined ? el("div", { class: "sub" }, YB.pct(v.growth_pct)) : null));
      });
      return tr;
    });
    fill(document.getElementById("zones"), el("thead", null, head), el("tbody", null, rows));
  }

  function load(period) {
    return YB.getJSON(YB.withPeriod("/api/county/" + encodeURIComponent(county), period)).then(draw);
  }

  YB.start(load);
})();

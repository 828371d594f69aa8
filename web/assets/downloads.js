/* downloads.js - 下载: the bulletin of every ranked period, as xlsx and csv, from
 * /api/periods. A county user's download carries only its county (the server sees to
 * that). */
(function () {
  "use strict";
  var el = YB.el, fill = YB.fill, t = YB.t;

  function link(period, format, label) {
    return el("a", { class: "download button", "data-period": period, "data-format": format,
      href: "/download/bulletin?period=" + encodeURIComponent(period) + "&format=" + format }, label);
  }

  function load() {
    return YB.getJSON("/api/periods").then(function (d) {
      var ranked = (d.periods || []).filter(function (p) { return p.ranked; });
      var table = document.getElementById("downloads");
      if (!ranked.length) {
        fill(table, el("tbody", null, el("tr", null, el("td", { class: "note" }, t("no_downloads")))));
        return;
      }
      var head = el("tr", null, el("th", null, t("period")), el("th", null, t("state")), el("th", null, t("files")));
      fill(table, el("thead", null, head), el("tbody", null, ranked.map(function (p) {
        return el("tr", { class: "period-row", "data-period": p.period },
          el("td", { class: "strong" }, p.period),
          el("td", null, el("span", { class: "state state-" + p.state }, YB.stateWord(p.state))),
          el("td", { class: "links" }, link(p.period, "xlsx", t("download_xlsx")), " ", link(p.period, "csv", t("download_csv"))));
      })));
    });
  }

  YB.start(load);
})();

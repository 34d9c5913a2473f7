/* 数据统计 of a poll: ECharts charts (static/vendor, never a CDN) from the figures embedded in
 * <script id="poll-stats-data">, and the live results table refreshed every 5 s from the
 * console's JSON endpoint. Brand red for the key series, grays for the others; flat. */
(function () {
  "use strict";
  var styles = getComputedStyle(document.documentElement);
  var brand = (styles.getPropertyValue("--xy-brand") || "").trim() || "#C8102E";
  var AXIS = { axisLine: { lineStyle: { color: "#E5E5E5" } }, axisTick: { show: false }, axisLabel: { color: "#616161" } };
  var node = document.getElementById("poll-stats-data");
  var charts = {};
  window.xiaoyouPollStats = charts;
  function bars(chart, horizontal) {
    var category = Object.assign({ type: "category", data: chart.labels }, AXIS);
    var value = Object.assign({ type: "value", minInterval: 1, splitLine: { lineStyle: { color: "#F0F0F0" } } }, AXIS);
    return {
      color: [brand], grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: horizontal ? value : category, yAxis: horizontal ? category : value,
      series: [{ name: chart.name, type: "bar", data: chart.values, barMaxWidth: 22 }], animationDuration: 300
    };
  }
  var options = {
    options: function (chart) { return bars(chart, true); },
    hours: function (chart) { return bars(chart, false); },
    years: function (chart) { return bars(chart, false); },
    verified: function (chart) {
      return { color: [brand, "#9E9E9E"], tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { bottom: 0, textStyle: { color: "#616161" } },
        series: [{ type: "pie", radius: ["40%", "66%"], center: ["50%", "44%"],
          data: chart.labels.map(function (label, i) { return { name: label, value: chart.values[i] }; }) }] };
    }
  };
  if (node && window.echarts) {
    var data = JSON.parse(node.textContent);
    document.querySelectorAll("[data-chart]").forEach(function (element) {
      var key = element.getAttribute("data-chart");
      if (!data[key] || !options[key]) return;
      var chart = window.echarts.init(element, null, { renderer: "canvas" });
      chart.setOption(options[key](data[key]));
      charts[key] = chart;
    });
    window.addEventListener("resize", function () { Object.keys(charts).forEach(function (key) { charts[key].resize(); }); });
  }
  var live = document.querySelector("[data-live-results]");
  if (!live) return;
  function refresh() {
    fetch(live.getAttribute("data-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (result) {
        if (!result) return;
        var total = document.querySelector("[data-live-total]");
        if (total) total.textContent = String(result.total);
        result.options.forEach(function (item) {
          var cell = live.querySelector('[data-result-option="' + item.id + '"] [data-votes]');
          if (cell) cell.textContent = String(item.votes);
        });
        if (charts.options) charts.options.setOption({ series: [{ data: result.options.map(function (item) { return item.votes; }) }] });
      })
      .catch(function () {});
  }
  setInterval(refresh, 5000);
})();

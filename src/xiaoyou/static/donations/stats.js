/* 项目统计: the charts of the giving statistics page, drawn with ECharts (static/vendor, never a
 * CDN) from the figures embedded in <script id="donation-stats-data">. Brand red for the key
 * series, grays for the others; flat. Instances are window.xiaoyouDonationStats[key]. */
(function () {
  "use strict";
  var node = document.getElementById("donation-stats-data");
  if (!node || !window.echarts) return;
  var data = JSON.parse(node.textContent);
  var styles = getComputedStyle(document.documentElement);
  var brand = (styles.getPropertyValue("--xy-brand") || "").trim() || "#C8102E";
  var AXIS = { axisLine: { lineStyle: { color: "#E5E5E5" } }, axisTick: { show: false }, axisLabel: { color: "#616161" } };
  var charts = {};
  window.xiaoyouDonationStats = charts;
  function merge(target, source) { Object.keys(source).forEach(function (key) { target[key] = source[key]; }); return target; }
  function bars(chart, horizontal) {
    var category = merge({ type: "category", data: chart.labels }, AXIS);
    var value = merge({ type: "value", splitLine: { lineStyle: { color: "#F0F0F0" } } }, AXIS);
    return {
      color: [brand], grid: { left: 8, right: 24, top: 16, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: horizontal ? value : category, yAxis: horizontal ? merge(category, { inverse: true }) : value,
      series: [{ name: chart.name, type: "bar", data: chart.values, barMaxWidth: 22 }], animationDuration: 300
    };
  }
  var options = {
    projects: function (chart) { return bars(chart, true); },
    orgs: function (chart) { return bars(chart, true); },
    months: function (chart) { return bars(chart, false); },
    years: function (chart) { return bars(chart, false); },
    donors: function (chart) {
      return { color: [brand, "#9E9E9E"], tooltip: { trigger: "item", formatter: "{b}: {c} ({d}%)" },
        legend: { bottom: 0, textStyle: { color: "#616161" } },
        series: [{ type: "pie", radius: ["40%", "66%"], center: ["50%", "44%"], label: { formatter: "{b}\n{c}", color: "#424242" },
          data: chart.labels.map(function (label, i) { return { name: label, value: chart.values[i] }; }) }] };
    }
  };
  document.querySelectorAll("[data-chart]").forEach(function (element) {
    var key = element.getAttribute("data-chart");
    if (!data[key] || !options[key]) return;
    var chart = window.echarts.init(element, null, { renderer: "canvas" });
    chart.setOption(options[key](data[key]));
    charts[key] = chart;
  });
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (key) { charts[key].resize(); }); });
})();

/* Charts of the organization statistics page (ECharts from static/vendor, never a CDN).
 * The figures come from the page's <script id="org-stats-data"> (json_script); the same
 * figures are in the tables under each chart. */
(function () {
  "use strict";
  var doc = document;

  function css(name, fallback) {
    var value = getComputedStyle(doc.documentElement).getPropertyValue(name);
    return (value && value.trim()) || fallback;
  }

  function base() {
    return {
      textStyle: { fontFamily: css("--xy-font", "sans-serif"), color: "#111111" },
      grid: { left: 8, right: 16, top: 24, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      animationDuration: 300
    };
  }

  var AXIS = { axisLine: { lineStyle: { color: "#E5E5E5" } }, axisTick: { show: false }, axisLabel: { color: "#616161" } };
  var SPLIT = { splitLine: { lineStyle: { color: "#F0F0F0" } } };

  function merge(target, source) { Object.keys(source).forEach(function (key) { target[key] = source[key]; }); return target; }

  function monthsChart(data, brand) {
    return merge(base(), {
      legend: { top: 0, right: 0, icon: "roundRect", itemWidth: 12, itemHeight: 8, textStyle: { color: "#616161" } },
      grid: { left: 8, right: 8, top: 36, bottom: data.labels.length > 36 ? 36 : 8, containLabel: true },
      xAxis: merge({ type: "category", data: data.labels }, AXIS),
      yAxis: [
        merge(merge({ type: "value", minInterval: 1 }, AXIS), SPLIT),
        merge({ type: "value", minInterval: 1, splitLine: { show: false } }, AXIS)
      ],
      // Long histories get a visible slider over the last three years; short ones show whole.
      dataZoom: data.labels.length > 36 ? [
        { type: "slider", startValue: data.labels.length - 36, height: 18, bottom: 4, borderColor: "#E5E5E5",
          fillerColor: "rgba(17,17,17,0.06)", handleStyle: { color: "#FFFFFF", borderColor: "#9E9E9E" }, textStyle: { color: "#616161" } },
        { type: "inside" }
      ] : [],
      series: [
        { name: data.joinedName, type: "bar", data: data.joined, itemStyle: { color: "#111111" }, barMaxWidth: 18 },
        { name: data.totalName, type: "line", yAxisIndex: 1, data: data.total, smooth: false, symbol: "none", lineStyle: { color: brand, width: 2 }, itemStyle: { color: brand } }
      ]
    });
  }

  function barChart(data, brand, horizontal) {
    // Ranked breakdowns show their top 15 (the table lists all); years show every year.
    var labels = horizontal ? data.labels.slice(0, 15) : data.labels;
    var values = horizontal ? data.values.slice(0, 15) : data.values;
    var category = merge({ type: "category", data: horizontal ? labels.slice().reverse() : labels }, AXIS);
    var value = merge(merge({ type: "value", minInterval: 1 }, AXIS), SPLIT);
    return merge(base(), {
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: [{
        name: data.name, type: "bar", data: horizontal ? values.slice().reverse() : values,
        itemStyle: { color: brand }, barMaxWidth: 22,
        label: { show: true, position: horizontal ? "right" : "top", color: "#616161", fontSize: 11 }
      }]
    });
  }

  function init() {
    var source = doc.getElementById("org-stats-data");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    var brand = css("--xy-brand", "#C8102E");
    var charts = [];
    Array.prototype.forEach.call(doc.querySelectorAll("[data-chart]"), function (element) {
      var key = element.dataset.chart;
      var series = data[key];
      if (!series || !series.labels.length) { element.hidden = true; return; }
      if (key !== "months" && key !== "graduation_years") {
        // Ranked bars: the chart is as tall as its (at most 15) rows need.
        element.style.height = Math.max(180, Math.min(series.labels.length, 15) * 36 + 56) + "px";
      }
      var chart = window.echarts.init(element, null, { renderer: "svg" });
      var option = key === "months" ? monthsChart(series, brand) : barChart(series, brand, key !== "graduation_years");
      chart.setOption(option);
      charts.push(chart);
    });
    window.addEventListener("resize", function () { charts.forEach(function (chart) { chart.resize(); }); });
  }

  if (doc.readyState === "loading") doc.addEventListener("DOMContentLoaded", init); else init();
})();

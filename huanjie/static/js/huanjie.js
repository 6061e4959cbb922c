/* 换届通: small page behaviours, no inline scripts needed in templates.
 *
 * Charts: an element
 *     <div class="hj-chart" data-chart="ID" role="img" aria-label="..."></div>
 * with {{ option|json_script:"ID" }} on the page is drawn with ECharts (load
 * vendor/echarts/echarts.common.min.js in the page's extra_js block first). The JSON is the full
 * ECharts option object (title, tooltip, xAxis, series, ...); it is drawn in Chinese, resized
 * with the window, and drawn again when htmx swaps new content in.
 *
 * Print: a button with the attribute data-hj-print prints the page (print styles in huanjie.css
 * leave out the menu, the filters and the buttons).
 */
(function () {
  "use strict";

  function drawCharts(root) {
    if (typeof window.echarts === "undefined") {
      return;
    }
    root = root || document;
    var nodes = Array.prototype.slice.call(root.querySelectorAll(".hj-chart[data-chart]"));
    if (root.matches && root.matches(".hj-chart[data-chart]")) {
      nodes.push(root);
    }
    nodes.forEach(function (node) {
      var source = document.getElementById(node.getAttribute("data-chart"));
      if (!source) {
        return;
      }
      var option = JSON.parse(source.textContent);
      var chart = window.echarts.getInstanceByDom(node) ||
        window.echarts.init(node, null, { locale: "ZH", renderer: "canvas" });
      chart.setOption(option, true);
    });
  }

  function resizeCharts() {
    if (typeof window.echarts === "undefined") {
      return;
    }
    var nodes = document.querySelectorAll(".hj-chart[data-chart]");
    Array.prototype.forEach.call(nodes, function (node) {
      var chart = window.echarts.getInstanceByDom(node);
      if (chart) {
        chart.resize();
      }
    });
  }

  var resizeTimer = null;
  window.addEventListener("resize", function () {
    window.clearTimeout(resizeTimer);
    resizeTimer = window.setTimeout(resizeCharts, 150);
  });
  // Print at the paper's width, not the screen's.
  window.addEventListener("beforeprint", resizeCharts);
  window.addEventListener("afterprint", resizeCharts);

  document.addEventListener("DOMContentLoaded", function () {
    drawCharts(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    drawCharts(event.target);
  });

  document.addEventListener("click", function (event) {
    var target = event.target.closest && event.target.closest("[data-hj-print]");
    if (target) {
      event.preventDefault();
      window.print();
    }
  });

  window.huanjie = { drawCharts: drawCharts, resizeCharts: resizeCharts };
})();

/* 换届通: the progress board's drill-down. A chart drawn by huanjie.js
 *     <div class="hj-chart" data-chart="ID" data-links="LINKS"></div>
 * with {{ links|json_script:"LINKS" }} beside it (one URL per category of the x axis) opens the
 * child region's board when one of its bars is clicked. Load after huanjie.js and ECharts.
 */
(function () {
  "use strict";

  function bindLinks(root) {
    if (typeof window.echarts === "undefined") {
      return;
    }
    var nodes = (root || document).querySelectorAll(".hj-chart[data-links]");
    Array.prototype.forEach.call(nodes, function (node) {
      var source = document.getElementById(node.getAttribute("data-links"));
      var chart = window.echarts.getInstanceByDom(node);
      if (!source || !chart) {
        return;
      }
      var links = JSON.parse(source.textContent);
      chart.off("click");
      chart.on("click", function (params) {
        var url = links[params.dataIndex];
        // Only the board's own paths: the links are the server's, never data from the chart.
        if (typeof url === "string" && url.charAt(0) === "/") {
          window.location.assign(url);
        }
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    bindLinks(document);
  });
  document.addEventListener("htmx:afterSettle", function (event) {
    bindLinks(event.target);
  });
})();

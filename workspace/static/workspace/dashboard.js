// The dashboard charts (Chart.js from the admin theme), drawn from the figures the page embeds as JSON.
// A chart without data has no canvas (the page says 暂无数据 instead).
(function () {
  if (typeof Chart === "undefined") { return; }
  function read(id) { return JSON.parse(JSON.parse(document.getElementById(id).textContent)); }
  function draw(id, config) {
    var canvas = document.getElementById(id);
    if (canvas) { new Chart(canvas, config); }
  }
  // counts: the axis starts at 0 and steps by whole numbers
  var counts = {beginAtZero: true, ticks: {precision: 0}};
  var w = read("data-warnings");
  draw("chart-warnings", {type: "bar", data: w, options: {scales: {x: {stacked: true}, y: Object.assign({stacked: true}, counts)}}});
  var s = read("data-scores");
  draw("chart-scores", {type: "bar", data: {labels: s.labels, datasets: [{label: "合作方业务数", data: s.data}]}, options: {scales: {y: counts}}});
  var g = read("data-grades");
  draw("chart-grades", {type: "doughnut", data: {labels: g.labels, datasets: [{data: g.data}]}});
})();

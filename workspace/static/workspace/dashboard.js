// The dashboard charts (Chart.js from the admin theme), drawn from the figures the page embeds as JSON.
(function () {
  if (typeof Chart === "undefined") { return; }
  function read(id) { return JSON.parse(JSON.parse(document.getElementById(id).textContent)); }
  var w = read("data-warnings");
  new Chart(document.getElementById("chart-warnings"), {type: "bar", data: w, options: {scales: {x: {stacked: true}, y: {stacked: true, beginAtZero: true}}}});
  var s = read("data-scores");
  new Chart(document.getElementById("chart-scores"), {type: "bar", data: {labels: s.labels, datasets: [{label: "合作方业务数", data: s.data}]}, options: {scales: {y: {beginAtZero: true}}}});
  var g = read("data-grades");
  new Chart(document.getElementById("chart-grades"), {type: "doughnut", data: {labels: g.labels, datasets: [{data: g.data}]}});
})();

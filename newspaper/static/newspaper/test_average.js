// The test page: show the average of the scores typed so far and the decision it would give, before saving.
// The saved average (late scores per the rule set) is the one that counts.
(function () {
  "use strict";
  function update() {
    var rule = document.getElementById("np-decision-rule");
    var target = document.getElementById("np-live-average");
    if (!rule || !target) { return; }
    var low = parseFloat(rule.dataset.low), high = parseFloat(rule.dataset.high);
    var values = [];
    document.querySelectorAll('input[name$="-score"]').forEach(function (input) {
      var value = parseFloat(input.value);
      if (!isNaN(value)) { values.push(value); }
    });
    if (!values.length) { target.textContent = ""; return; }
    var sum = values.reduce(function (a, b) { return a + b; }, 0);
    var average = Math.floor((sum / values.length) * 100) / 100;
    var decision = average >= high ? "通过" : (average >= low ? "调整后重新执行上线流程" : "退回");
    target.textContent = "当前录入 " + values.length + " 份评分，平均 " + average.toFixed(2) + " 分 → " + decision +
      "（保存后按逾期规则正式计算）";
  }
  document.addEventListener("input", function (event) {
    if (event.target.name && /-score$/.test(event.target.name)) { update(); }
  });
  document.addEventListener("DOMContentLoaded", update);
})();

// Agency suggestions for the search form: fills the <datalist> from /-/agencies.json as the
// user types. Optional: without JavaScript the field is a plain text input.
(function () {
  "use strict";
  var input = document.getElementById("agency");
  var list = document.getElementById("agency-list");
  if (!input || !list || !window.fetch) return;
  var timer = null;
  var last = "";
  input.addEventListener("input", function () {
    var prefix = input.value.trim();
    if (prefix === last) return;
    last = prefix;
    clearTimeout(timer);
    timer = setTimeout(function () {
      fetch("/-/agencies.json?_size=15&prefix=" + encodeURIComponent(prefix))
        .then(function (r) { return r.ok ? r.json() : { agencies: [] }; })
        .then(function (data) {
          list.textContent = "";
          (data.agencies || []).forEach(function (a) {
            var option = document.createElement("option");
            option.value = a.name;
            option.label = a.name + "（" + a.reports + "）";
            list.appendChild(option);
          });
        })
        .catch(function () {});
    }, 150);
  });
})();

// The editors' console: small helps on top of pages that work without script.
// Text is always set with textContent, never parsed as HTML.
(function () {
  "use strict";

  // Amounts, durations, phone numbers and postcodes come from municipality.yml, not from the texts.
  var FACTS = [
    [/€|\beur(o|os)?\b/i, "een bedrag"],
    [/\b\d+\s*(werk)?(dag|dagen|week|weken|maand|maanden|days?|weeks?|months?|jours?|semaines?|mois)\b/i, "een termijn"],
    [/(\+31|\b0)\d([\s-]?\d){8}\b|\b14\s?0\d{2,3}\b/, "een telefoonnummer"],
    [/\b[1-9]\d{3}\s?[A-Z]{2}\b/, "een postcode"]
  ];

  function check(area) {
    var out = document.getElementById(area.id + "-check");
    if (!out) return;
    var found = [];
    FACTS.forEach(function (rule) { if (rule[0].test(area.value)) found.push(rule[1]); });
    out.textContent = found.length
      ? "Let op: deze tekst lijkt " + found.join(" en ") + " te bevatten. Zulke gegevens komen uit municipality.yml."
      : "";
  }

  Array.prototype.forEach.call(document.querySelectorAll("textarea[data-check='facts']"), function (area) {
    area.addEventListener("input", function () { check(area); });
    check(area);
  });

  // After "Voorbeeld bekijken" the page opens at the preview: move the focus there too.
  var preview = document.getElementById("preview");
  if (preview && window.location.hash === "#preview") preview.focus();

  // Publishing takes a few seconds (the catalogue is rebuilt): say so, and do not publish twice.
  var form = document.getElementById("product-form");
  if (form) {
    form.addEventListener("submit", function (event) {
      var button = event.submitter;
      if (button && button.id === "publish-button") {
        window.setTimeout(function () {
          button.disabled = true;
          button.textContent = button.getAttribute("data-busy");
        }, 0);
      }
    });
  }
}());

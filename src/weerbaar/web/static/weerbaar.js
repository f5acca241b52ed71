/* Weerbaar: small progressive enhancements. Every page also works without this file. */
"use strict";

// Loaded in <head> without defer, so CSS can hide the no-JavaScript buttons before first paint.
document.documentElement.classList.add("wb-js");

(function () {
  // htmx requests carry the session's CSRF token in a header (the CSP forbids inline scripts,
  // so the token comes from a <meta> element).
  document.addEventListener("htmx:configRequest", function (event) {
    var meta = document.querySelector('meta[name="csrf-token"]');
    if (meta) {
      event.detail.headers["X-CSRF-Token"] = meta.content;
    }
  });

  // A party row shows only the fields of its kind (persoon, bedrijf, voertuig). Hidden fields
  // are disabled as well, so what the user cannot see is not sent.
  function syncParty(row) {
    var kind = row.querySelector("select[data-soort]");
    if (!kind) {
      return;
    }
    row.querySelectorAll("[data-voor]").forEach(function (group) {
      var shown = group.getAttribute("data-voor") === kind.value;
      group.hidden = !shown;
      group.querySelectorAll("input, select, textarea").forEach(function (field) {
        field.disabled = !shown;
      });
    });
  }

  function init(root) {
    if (root.matches && root.matches("[data-betrokkene]")) {
      syncParty(root);
    }
    if (root.querySelectorAll) {
      root.querySelectorAll("[data-betrokkene]").forEach(syncParty);
    }
  }

  document.addEventListener("change", function (event) {
    if (event.target.matches("select[data-soort]")) {
      syncParty(event.target.closest("[data-betrokkene]"));
    }
  });

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    // On a phone the filter panel starts folded, so the results come first.
    if (window.matchMedia("(max-width: 40rem)").matches) {
      document.querySelectorAll("details[data-dicht-op-telefoon]").forEach(function (d) {
        d.open = false;
      });
    }
    // After a failed submit, move focus to the error summary so screen readers announce it.
    var summary = document.getElementById("foutmeldingen");
    if (summary) {
      summary.focus();
    }
  });

  document.addEventListener("htmx:load", function (event) {
    init(event.detail.elt);
  });

  // A party row added with "Nog een betrokkene toevoegen" gets the focus.
  document.addEventListener("htmx:afterSwap", function (event) {
    if (event.detail.target && event.detail.target.id === "betrokkenen") {
      var rows = event.detail.target.querySelectorAll("[data-betrokkene]");
      var last = rows[rows.length - 1];
      var first = last && last.querySelector("select, input");
      if (first) {
        first.focus();
      }
    }
  });
})();

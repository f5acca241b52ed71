// The network drawing (Cytoscape.js): colours and shapes per kind, placeholders grey, edge labels
// with dates; a click on a person, company or address expands it one step (diepte=1) and merges
// the answer into the drawing; a double click opens that subject's own network page.
(function () {
  "use strict";
  var SUBJECTS = { persoon: true, bedrijf: true, adres: true };
  var PLACEHOLDER = "bekend (privacytoets 1 nodig)";
  var COLOURS = { persoon: "#1d5fa8", bedrijf: "#8a4b08", adres: "#2e7d32", signaal: "#b3261e",
                  voertuig: "#5e35b1", casus: "#00838f" };
  var SHAPES = { persoon: "ellipse", bedrijf: "round-rectangle", adres: "diamond", signaal: "triangle",
                 voertuig: "hexagon", casus: "star" };

  function shortDate(iso) {
    if (!iso) { return ""; }
    var p = iso.slice(0, 10).split("-");
    return p[2] + "-" + p[1] + "-" + p[0];
  }

  function nodeLabel(n) {
    if (n.gegevensZichtbaar) { return n.label || n.id; }
    if (SUBJECTS[n.soort]) { return n.id + "\n" + PLACEHOLDER; }
    return n.label || n.soort;
  }

  function edgeLabel(e) {
    var period = "";
    if (e.vanaf) { period = shortDate(e.vanaf); }
    if (e.tot && e.tot !== e.vanaf) { period += " – " + shortDate(e.tot); }
    return e.omschrijving + (period ? " (" + period + ")" : "");
  }

  function elements(data) {
    var out = [];
    data.knopen.forEach(function (n) {
      out.push({ group: "nodes", data: { id: n.id, label: nodeLabel(n), soort: n.soort,
                                         grijs: n.gegevensZichtbaar ? "nee" : "ja",
                                         uitbreidbaar: SUBJECTS[n.soort] ? "ja" : "nee" } });
    });
    data.relaties.forEach(function (e) {
      out.push({ group: "edges", data: { id: e.id, source: e.van, target: e.naar, label: edgeLabel(e),
                                         type: e.type } });
    });
    return out;
  }

  function style() {
    var rules = [
      { selector: "node", style: { "label": "data(label)", "font-size": 10, "text-wrap": "wrap",
                                   "text-max-width": 140, "text-valign": "bottom", "text-margin-y": 4,
                                   "width": 26, "height": 26, "color": "#1a1a1a" } },
      { selector: "edge", style: { "label": "data(label)", "font-size": 8, "width": 1.5, "line-color": "#9aa4ad",
                                   "curve-style": "bezier", "text-rotation": "autorotate",
                                   "text-background-color": "#ffffff", "text-background-opacity": 0.8,
                                   "color": "#333333" } },
      { selector: "edge[type = 'signaal'], edge[type = 'casus']", style: { "line-style": "dashed" } },
      { selector: "node[grijs = 'ja']", style: { "background-color": "#c4c4c4", "color": "#666666",
                                                 "border-width": 1, "border-color": "#8c8c8c" } },
      { selector: "node:selected", style: { "border-width": 3, "border-color": "#f0a500" } },
      { selector: ".wb-centrum", style: { "width": 36, "height": 36, "border-width": 3, "border-color": "#000000" } }
    ];
    Object.keys(COLOURS).forEach(function (kind) {
      rules.splice(2, 0, { selector: "node[soort = '" + kind + "']",
                           style: { "background-color": COLOURS[kind], "shape": SHAPES[kind] } });
    });
    return rules;
  }

  function start() {
    var box = document.getElementById("netwerk-graaf");
    var source = document.getElementById("netwerk-gegevens");
    var status = document.getElementById("netwerk-status");
    if (!box || !source || typeof window.cytoscape !== "function") { return; }
    var data = JSON.parse(source.textContent);
    var form = document.getElementById("netwerk-filters");
    var cy = window.cytoscape({ container: box, elements: elements(data), style: style(),
                                layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000 },
                                wheelSensitivity: 0.3 });
    cy.getElementById(data.subject).addClass("wb-centrum");
    box.setAttribute("data-getekend", String(cy.nodes().length));
    window.weerbaarNetwerk = cy;

    function filterQuery() {
      var params = new URLSearchParams();
      params.set("diepte", "1");
      if (form) {
        ["vanaf", "tot"].forEach(function (name) {
          var field = form.elements.namedItem(name);
          if (field && field.value) { params.set(name, field.value); }
        });
        form.querySelectorAll("input[name=relatietype]:checked").forEach(function (box) {
          params.append("relatietype", box.value);
        });
      }
      return params.toString();
    }

    function expand(id) {
      status.textContent = "Netwerk rond " + id + " wordt geladen…";
      fetch("/subjecten/" + encodeURIComponent(id) + "/netwerk/gegevens?" + filterQuery(),
            { credentials: "same-origin", headers: { "Accept": "application/json" } })
        .then(function (r) {
          if (!r.ok) { throw new Error(String(r.status)); }
          return r.json();
        })
        .then(function (more) {
          var added = cy.add(elements(more).filter(function (el) {
            return cy.getElementById(el.data.id).length === 0;
          }));
          cy.layout({ name: "cose", animate: false, randomize: false, nodeRepulsion: 9000 }).run();
          box.setAttribute("data-getekend", String(cy.nodes().length));
          status.textContent = added.nodes().length + " knopen toegevoegd rond " + id +
            (more.afgekapt ? " (afgekapt)." : ".");
        })
        .catch(function () { status.textContent = "Uitbreiden is niet gelukt."; });
    }

    cy.on("tap", "node[uitbreidbaar = 'ja']", function (evt) { expand(evt.target.id()); });
    cy.on("dbltap", "node[uitbreidbaar = 'ja']", function (evt) {
      window.location.href = "/subjecten/" + encodeURIComponent(evt.target.id()) + "/netwerk";
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

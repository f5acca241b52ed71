// The map on /kaart: the buurten or wijken as a Leaflet choropleth from the page's own data
// (colours, labels and legend are decided on the server, the same as the table below the map).
// Without tiles configured the map has a plain background and makes no outside requests.
(function () {
  "use strict";

  function start() {
    var element = document.getElementById("kaart");
    var blob = document.getElementById("kaart-gegevens");
    if (!element || !blob || typeof L === "undefined") {
      return;
    }
    var data = JSON.parse(blob.textContent);
    var query = element.dataset.query || "";
    var map = L.map(element, { attributionControl: false, zoomSnap: 0.25, scrollWheelZoom: false });
    if (element.dataset.tegels) {
      L.tileLayer(element.dataset.tegels, { maxZoom: 19 }).addTo(map);
    } else {
      element.classList.add("wb-kaart--zonder-tegels");
    }
    var drawn = data.features.filter(function (f) { return f.geometry; });
    var layer = L.geoJSON({ type: "FeatureCollection", features: drawn }, {
      style: function (f) {
        var p = f.properties;
        return {
          fillColor: p.kleur, fillOpacity: 0.85, color: p.afgeschermd ? "#555555" : "#1a1a1a",
          weight: 1, dashArray: p.afgeschermd ? "4 3" : null
        };
      },
      onEachFeature: function (f, shape) {
        var p = f.properties;
        var tip = p.naam + ": " + p.label + (data.maat === "treffers" ? " treffers" : " signalen") +
          (p.afgeschermd ? "" : " per 1.000 adressen");
        shape.bindTooltip(p.label, { permanent: true, direction: "center", className: "wb-kaart-label" });
        shape.on("mouseover", function () { shape.setStyle({ weight: 3 }); });
        shape.on("mouseout", function () { layer.resetStyle(shape); });
        shape.on("click", function () {
          window.location.href = "/buurten/" + encodeURIComponent(p.code) + query;
        });
        shape.on("add", function () {
          var el = shape.getElement();
          if (el) {
            el.setAttribute("aria-label", tip);
            var title = document.createElementNS("http://www.w3.org/2000/svg", "title");
            title.textContent = tip;
            el.appendChild(title);
          }
        });
      }
    }).addTo(map);
    if (drawn.length) {
      map.fitBounds(layer.getBounds(), { padding: [12, 12] });
    } else {
      map.setView([52.1, 5.3], 8);
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();

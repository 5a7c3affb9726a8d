/* Veerkracht webkaart: the maps of one page, from the JSON in #veerkracht-gegevens (made by veerkracht:webkaart).
   Every text from the data is put in the page with textContent, never as HTML. */
(function () {
  "use strict";

  var data = JSON.parse(document.getElementById("veerkracht-gegevens").textContent);
  var buurten = data.buurten;
  var count = buurten.code.length;
  var shapes = data.vormen;
  var step = shapes.stap;
  var PDOK_TILES = "https://service.pdok.nl/brt/achtergrondkaart/wmts/v2_0/standaard/EPSG:3857/{z}/{x}/{y}.png";

  function element(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function number(value) {
    if (value === null || value === undefined) return "onbekend";
    return value.toLocaleString("nl-NL", { maximumFractionDigits: 3 });
  }

  // Arcs: first point absolute, then steps, as integers of `step` degrees (x = longitude). Made LatLng objects
  // once, so the buurten on both sides of an arc share them and Leaflet converts nothing.
  var west = Infinity, east = -Infinity, south = Infinity, north = -Infinity;
  var arcs = shapes.bogen.map(function (flat) {
    var points = [], x = 0, y = 0;
    for (var i = 0; i < flat.length; i += 2) {
      x += flat[i];
      y += flat[i + 1];
      if (x < west) west = x;
      if (x > east) east = x;
      if (y < south) south = y;
      if (y > north) north = y;
      points.push(new L.LatLng(y * step, x * step));
    }
    return points;
  });
  var bounds = L.latLngBounds([south * step, west * step], [north * step, east * step]);

  function ring(refs) {
    var points = [];
    refs.forEach(function (ref) {
      var arc = ref < 0 ? arcs[~ref].slice().reverse() : arcs[ref];
      for (var i = points.length ? 1 : 0; i < arc.length; i++) points.push(arc[i]);
    });
    return points;
  }

  // A hatched class (class 0, "onvoldoende gegevens") as the QML draws it: its fill colour under lines of the
  // hatch colour. One SVG <pattern> per map and class in a hidden <svg>; the buurten on the map and the legend's
  // swatches both paint with fill="url(#...)", so they cannot differ. Works offline, under the CSP and in print.
  var SVG = "http://www.w3.org/2000/svg";
  function svg(tag, attributes) {
    var node = document.createElementNS(SVG, tag);
    Object.keys(attributes || {}).forEach(function (name) { node.setAttribute(name, attributes[name]); });
    return node;
  }
  var patterns = svg("svg", { "class": "patronen", width: 0, height: 0, "aria-hidden": "true", focusable: "false" });
  var defs = patterns.appendChild(svg("defs"));
  document.body.appendChild(patterns);

  function paint(map, c) {
    if (!c.arcering) return c.kleur;
    var h = c.arcering, size = h.afstand, id = "arcering-" + map.id + "-" + c.code;
    var pattern = defs.appendChild(svg("pattern", {
      id: id, patternUnits: "userSpaceOnUse", width: size, height: size, patternTransform: "rotate(" + -h.hoek + ")"
    }));
    pattern.appendChild(svg("rect", { width: size, height: size, fill: c.kleur }));
    pattern.appendChild(svg("line", { x1: 0, y1: size / 2, x2: size, y2: size / 2, stroke: h.kleur, "stroke-width": h.breedte }));
    return "url(#" + id + ")";
  }

  function swatch(fill) {
    var box = svg("svg", { "class": "vlak", "aria-hidden": "true", focusable: "false" });
    box.appendChild(svg("rect", { width: "100%", height: "100%", fill: fill }));
    return box;
  }

  var maps = {};
  data.kaarten.forEach(function (map) {
    map.vulling = {};
    map.label = {};
    map.klassen.forEach(function (c) {
      c.vulling = paint(map, c);
      map.vulling[c.code] = c.vulling;
      map.label[c.code] = c.label;
    });
    maps[map.id] = map;
  });
  var current = data.kaarten[0].id;

  var map = L.map("kaart", { zoomSnap: 0.25, attributionControl: true });
  map.fitBounds(bounds, { padding: [10, 10], animate: false }); // before the buurten: each is projected once
  map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
  var renderer = L.svg({ padding: 0.2 }); // SVG, not canvas: the hatch of class 0 is a <pattern>
  var background = L.tileLayer(PDOK_TILES, {
    maxZoom: 19,
    attribution: "Achtergrond: BRT-Achtergrondkaart, PDOK, © Kadaster"
  });

  function fillOf(i) {
    var klasse = data.klasse[current][i];
    return maps[current].vulling[klasse] || maps[current].vulling[0] || "#bdbdbd";
  }

  function opacity() {
    return map.hasLayer(background) ? 0.75 : 1;
  }

  var polygons = [];
  for (var i = 0; i < count; i++) {
    var latlngs = shapes.vormen[i].map(function (polygon) { return polygon.map(ring); });
    var polygon = L.polygon(latlngs, {
      renderer: renderer,
      color: "#ffffff",
      weight: 0.6,
      fillColor: fillOf(i),
      fillOpacity: 1
    });
    polygon.buurt = i;
    polygon.on("click", function (event) { openPopup(event.target.buurt, event.latlng); });
    polygon.addTo(map);
    polygons.push(polygon);
  }

  function outline(refs, style) {
    return L.polyline(refs.map(function (ref) { return arcs[ref]; }), Object.assign({
      renderer: renderer,
      interactive: false
    }, style)).addTo(map);
  }
  outline(shapes.grenzen.wijk, { color: "#303030", weight: 1.4 });
  outline(shapes.grenzen.gemeente, { color: "#000000", weight: 2.6 });

  function labelPoint(i) {
    var p = shapes.punten[i];
    return L.latLng(p[1] * step, p[0] * step);
  }

  function buurtName(i) {
    return buurten.naam[i] || buurten.code[i] || "buurt " + (i + 1);
  }

  function perspectiveMap() {
    if (current === "signalering_relatief" && data.klasse.signalering_relatief) return "signalering_relatief";
    return data.klasse.signalering ? "signalering" : null;
  }

  function popupContent(i) {
    var box = element("div", null, "popup");
    box.appendChild(element("h3", buurtName(i)));
    var where = [buurten.naam[i] ? buurten.code[i] : null, data.gemeenten[buurten.gemeente[i]] || buurten.gemeente[i]];
    if (buurten.wijk[i]) where.splice(1, 0, "wijk " + buurten.wijk[i]);
    box.appendChild(element("p", where.filter(Boolean).join(" · "), "waar"));
    var mapInfo = maps[current];
    var klasse = data.klasse[current][i];
    box.appendChild(element("p", mapInfo.titel, "kaartnaam"));
    var label = element("p", null, "klasse");
    label.appendChild(swatch(mapInfo.vulling[klasse] || "#bdbdbd"));
    label.appendChild(element("strong", mapInfo.label[klasse] || data.klasse_0));
    box.appendChild(label);

    function row(table, name, value) {
      var tr = element("tr");
      tr.appendChild(element("th", name));
      tr.appendChild(element("td", number(value)));
      table.appendChild(tr);
    }
    if (mapInfo.waarde && data.waarde[current][i] !== null) {
      var valueTable = element("table", null, "cijfers");
      row(valueTable, mapInfo.waarde, data.waarde[current][i]);
      box.appendChild(valueTable);
    }
    if (data.cijfers.namen.length) {
      var figures = element("details", null, "cijfers");
      figures.appendChild(element("summary", "Cijfers van deze buurt"));
      var table = element("table");
      data.cijfers.namen.forEach(function (name, k) { row(table, name, data.cijfers.waarden[k][i]); });
      figures.appendChild(table);
      box.appendChild(figures);
    }

    var perspective = perspectiveMap();
    var pk = perspective ? data.klasse[perspective][i] : 0;
    var texts = data.perspectieven.klassen[String(pk)];
    if (texts) {
      var section = element("div", null, "perspectief");
      section.appendChild(element("h4", "Handelingsperspectief: " + data.perspectieven.labels[pk]));
      var list = element("ul");
      data.perspectieven.strategieen.forEach(function (strategy) {
        if (!texts[strategy]) return;
        var item = element("li");
        item.appendChild(element("em", strategy + ": "));
        item.appendChild(document.createTextNode(texts[strategy]));
        list.appendChild(item);
      });
      section.appendChild(list);
      section.appendChild(element("p", "Een begin van het gesprek, geen advies uit de gegevens.", "klein"));
      box.appendChild(section);
    }
    return box;
  }

  var selected = null, selectedAt = null;
  function openPopup(i, latlng) {
    selected = i;
    selectedAt = latlng || labelPoint(i);
    L.popup({ maxWidth: 360, autoPanPadding: [20, 20] })
      .setLatLng(selectedAt)
      .setContent(popupContent(i))
      .openOn(map);
    writeHash();
  }
  map.on("popupclose", function () { selected = null; writeHash(); });

  function showLegend() {
    var mapInfo = maps[current];
    document.getElementById("kaarttitel").textContent = mapInfo.titel;
    document.getElementById("kaartuitleg").textContent = mapInfo.uitleg;
    var counts = {};
    data.klasse[current].forEach(function (k) { counts[k] = (counts[k] || 0) + 1; });
    var list = document.getElementById("klassen");
    list.textContent = "";
    mapInfo.klassen.forEach(function (c) {
      var item = element("li");
      item.appendChild(swatch(c.vulling));
      item.appendChild(element("span", c.label, "label"));
      item.appendChild(element("span", counts[c.code] || 0, "aantal"));
      item.dataset.klasse = c.code;
      list.appendChild(item);
    });
  }

  var drawn = { kaart: current, opacity: 1 };
  function show(id) {
    if (!maps[id]) return false;
    current = id;
    var fillOpacity = opacity();
    if (drawn.kaart !== id || drawn.opacity !== fillOpacity) {
      polygons.forEach(function (polygon, i) {
        polygon.setStyle({ fillColor: fillOf(i), fillOpacity: fillOpacity });
      });
      drawn = { kaart: id, opacity: fillOpacity };
    }
    Array.prototype.forEach.call(document.querySelectorAll("#kaarten button"), function (button) {
      button.setAttribute("aria-pressed", button.dataset.kaart === id ? "true" : "false");
    });
    showLegend();
    if (selected !== null) openPopup(selected, selectedAt);
    writeHash();
    return true;
  }

  var nav = document.getElementById("kaarten");
  data.kaarten.forEach(function (mapInfo) {
    var button = element("button", mapInfo.titel);
    button.type = "button";
    button.dataset.kaart = mapInfo.id;
    button.addEventListener("click", function () { show(mapInfo.id); });
    nav.appendChild(button);
  });

  // Search by name or code: the first ten matches, shown as text.
  var search = document.getElementById("zoek");
  var results = document.getElementById("zoekresultaten");
  function simple(text) {
    return String(text || "").normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
  }
  var keys = buurten.naam.map(function (name, i) { return simple(name) + " " + simple(buurten.code[i]); });
  function go(i) {
    results.hidden = true;
    search.value = buurtName(i);
    map.fitBounds(polygons[i].getBounds(), { maxZoom: 16, padding: [40, 40] });
    openPopup(i);
  }
  search.addEventListener("input", function () {
    var query = simple(search.value.trim());
    results.textContent = "";
    if (!query) { results.hidden = true; return; }
    var found = 0;
    for (var i = 0; i < count && found < 10; i++) {
      if (keys[i].indexOf(query) < 0) continue;
      found++;
      var item = element("li");
      var button = element("button", buurtName(i) + " (" + (data.gemeenten[buurten.gemeente[i]] || "") + ")");
      button.type = "button";
      button.dataset.buurt = i;
      button.addEventListener("click", function (event) { go(Number(event.currentTarget.dataset.buurt)); });
      item.appendChild(button);
      results.appendChild(item);
    }
    if (!found) results.appendChild(element("li", "Geen buurt gevonden.", "leeg"));
    results.hidden = false;
  });
  search.addEventListener("keydown", function (event) {
    if (event.key !== "Enter") return;
    var first = results.querySelector("button");
    if (first) first.click();
  });

  document.getElementById("achtergrond").addEventListener("change", function (event) {
    if (event.target.checked) background.addTo(map); else map.removeLayer(background);
    show(current);
  });
  document.getElementById("afdrukken").addEventListener("click", function () { window.print(); });

  // Sources, editions, reference set: as the layer's metadata says.
  var sources = data.bronnen;
  var dl = document.getElementById("bronnenlijst");
  function entry(term, lines) {
    lines = (Array.isArray(lines) ? lines : [lines]).filter(Boolean);
    if (!lines.length) return;
    dl.appendChild(element("dt", term));
    lines.forEach(function (line) { dl.appendChild(element("dd", line)); });
  }
  entry("Referentieset", sources.referentieset);
  entry("Edities", sources.edities);
  entry("Toelichting", sources.details);
  entry("Voorlopige grenzen", sources.drempels);
  entry("Laag", sources.laag);
  entry("Gemaakt op", sources.gemaakt);
  entry("Handelingsperspectieven", data.perspectieven.toelichting);

  document.getElementById("titel").textContent = data.titel;

  // State in the address (#kaart=...&buurt=...): a link opens the same map and buurt.
  var reading = false;
  function writeHash() {
    if (reading) return;
    var hash = "#kaart=" + encodeURIComponent(current);
    if (selected !== null && buurten.code[selected]) hash += "&buurt=" + encodeURIComponent(buurten.code[selected]);
    if (history.replaceState) history.replaceState(null, "", hash);
  }
  function readHash() {
    var parts = {};
    location.hash.replace(/^#/, "").split("&").forEach(function (part) {
      var pair = part.split("=");
      if (pair.length === 2) parts[pair[0]] = decodeURIComponent(pair[1]);
    });
    reading = true;
    show(maps[parts.kaart] ? parts.kaart : current);
    var i = parts.buurt ? buurten.code.indexOf(parts.buurt) : -1;
    reading = false;
    if (i >= 0) go(i);
  }

  readHash();
  window.addEventListener("hashchange", readHash);

  // For scripts and tests: the colour each buurt is filled with, and where its label point is on screen.
  window.veerkrachtKaart = {
    toon: show,
    kaart: function () { return current; },
    vulkleuren: function () { return polygons.map(function (p) { return p.options.fillColor; }); }, // or url(#...)
    schermpunt: function (i) {
      var point = map.latLngToContainerPoint(labelPoint(i));
      var box = document.getElementById("kaart").getBoundingClientRect();
      return [point.x + box.left, point.y + box.top];
    }
  };
  requestAnimationFrame(function () {
    requestAnimationFrame(function () { document.body.setAttribute("data-klaar", "ja"); });
  });
})();

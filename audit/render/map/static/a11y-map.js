/* Draws a11y-audit map layers from the page's JSON payload. User text is only ever set with
   textContent or as attribute values, never parsed as HTML. */
(function () {
  "use strict";

  var F = {geometry: 0, style: 1, blocked: 2, compliant: 3, name: 4, score: 5, kind: 6, area: 7, round: 8,
           failed: 9, photos: 10, url: 11};
  var pending = 0;
  var readyCallbacks = [];

  function el(tag, text, className) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) node.textContent = String(text);
    if (className) node.className = className;
    return node;
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (m, key) { return key in values ? values[key] : m; });
  }

  function escapeHtml(text) {
    return String(text).replace(/[&<>"']/g, function (c) {
      return {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c];
    });
  }

  function safeHttpUrl(url) {
    try {
      var parsed = new URL(url, document.baseURI);
      return (parsed.protocol === "http:" || parsed.protocol === "https:") ? parsed.href : null;
    } catch (e) { return null; }
  }

  function Payload(data) {
    var self = this;
    this.d = data;
    this.L = data.labels;
    this.icons = data.styles.map(function (s) {
      return [false, true].map(function (blocked) {
        return L.divIcon({html: blocked ? s.svgBlocked : s.svg, className: "a11y-marker",
                          iconSize: [28, 28], iconAnchor: [14, 14], popupAnchor: [0, -12]});
      });
    });
    // 100,000 markers must stay light: options shared per symbol (no per-marker copy), title, alt and popup
    // made only when a marker is first drawn or opened, one click/Enter handler per cluster group.
    this.Marker = L.Marker.extend({
      options: {keyboard: true, riseOnHover: true},
      initialize: function (rec, category) {
        this._latlng = L.latLng(rec[F.geometry][0], rec[F.geometry][1]);
        this.options = self.markerOptions[rec[F.style]][rec[F.blocked]];
        this.a11yRecord = rec;
        this.a11yCategory = category;
        this.a11yStyle = rec[F.style];
      },
      a11yTitle: function () { return self.title(this.a11yRecord); },
      _initIcon: function () {
        if (!this._a11yNamed) {
          var title = this.a11yTitle();
          this.options = L.extend(Object.create(this.options), {title: title, alt: title});
          this._a11yNamed = true;
        }
        return L.Marker.prototype._initIcon.call(this);
      },
      a11yBind: function () {
        var marker = this;
        if (!this.getPopup()) {
          this.bindPopup(function () { return self.popup(marker.a11yRecord, marker.a11yCategory); }, {maxWidth: 320});
        }
        return this;
      },
      openPopup: function (latlng) {
        this.a11yBind();
        return L.Marker.prototype.openPopup.call(this, latlng);
      }
    });
    this.markerOptions = this.icons.map(function (pair) {
      return pair.map(function (icon) { return L.extend(Object.create(self.Marker.prototype.options), {icon: icon}); });
    });
  }

  Payload.prototype.title = function (rec) {
    var style = this.d.styles[rec[F.style]];
    return rec[F.name] + " — " + style.label + " (" + style.code + ")";
  };

  Payload.prototype.popup = function (rec, categoryName) {
    var d = this.d, L_ = this.L, style = d.styles[rec[F.style]];
    var box = el("div", null, "a11y-popup");
    box.appendChild(el("h2", rec[F.name]));
    var facts = el("dl");
    function fact(label, value) {
      facts.appendChild(el("dt", label));
      facts.appendChild(el("dd", value));
    }
    fact(L_["col.category"], categoryName + " · " + d.kinds[rec[F.kind]]);
    if (d.areas[rec[F.area]]) fact(L_["col.area"], d.areas[rec[F.area]]);
    fact(L_["col.score"], rec[F.score] === null ? L_.unknown : rec[F.score].toFixed(1));
    fact(L_["col.grade"], style.label + " (" + style.code + ")");
    fact(L_["col.compliant"], rec[F.compliant] === null ? L_.unknown : (rec[F.compliant] ? L_.yes : L_.no));
    fact(L_["col.round"], d.rounds[rec[F.round]]);
    box.appendChild(facts);
    var url = rec[F.url] && safeHttpUrl(rec[F.url]);  // failed, photos and url may be left out when empty
    if (url) {
      var link = el("a", rec[F.url]);
      link.setAttribute("href", url);
      link.setAttribute("rel", "noopener noreferrer");
      box.appendChild(el("p")).appendChild(link);
    }
    box.appendChild(el("h3", L_["col.failed"]));
    var failed = rec[F.failed] || [], photoNames = rec[F.photos] || [];
    if (!failed.length) {
      box.appendChild(el("p", L_["no-failed"]));
    } else {
      var list = el("ul");
      failed.forEach(function (f) {
        var check = d.checks[f[0]];
        var item = el("li");
        item.appendChild(el("strong", check[0]));
        if (check[1]) item.appendChild(el("span", " — " + check[1]));
        var measured = d.texts[f[1]];
        if (measured) item.appendChild(el("span", " — " + measured));
        list.appendChild(item);
      });
      box.appendChild(list);
    }
    if (photoNames.length) {
      box.appendChild(el("h3", L_["col.photos"]));
      var photos = el("div", null, "a11y-photos");
      photoNames.forEach(function (name, i) {
        var src = d.photoBase + encodeURIComponent(name);
        var a = el("a");
        a.setAttribute("href", src);
        var img = el("img");
        img.setAttribute("src", src);
        img.setAttribute("alt", rec[F.name] + " " + (i + 1));
        img.setAttribute("loading", "lazy");
        img.setAttribute("width", "96");
        img.setAttribute("height", "72");
        a.appendChild(img);
        photos.appendChild(a);
      });
      box.appendChild(photos);
    }
    return box;
  };

  Payload.prototype.marker = function (rec, categoryName) {
    return new this.Marker(rec, categoryName);
  };

  Payload.prototype.line = function (rec, categoryName, renderer) {
    var self = this, style = this.d.styles[rec[F.style]];
    var line = L.polyline(rec[F.geometry], {
      color: style.colour, weight: this.d.road.weight, opacity: 0.95, renderer: renderer,
      dashArray: rec[F.compliant] === 1 ? null : this.d.road.dash
    });
    line.bindPopup(function () { return self.popup(rec, categoryName); }, {maxWidth: 320});
    line.bindTooltip(function () { return el("span", self.title(rec)); }, {sticky: true});
    return line;
  };

  function clusterIcon(itemsLabel) {
    return function (cluster) {
      var n = cluster.getChildCount();
      var size = n < 100 ? 34 : n < 1000 ? 40 : 48;
      return L.divIcon({
        html: "<span aria-hidden=\"true\">" + n + "</span><span class=\"a11y-sr\">" +
              escapeHtml(fill(itemsLabel, {n: n})) + "</span>",
        className: "a11y-cluster", iconSize: [size, size]
      });
    };
  }

  function whenLoaded(done) {
    pending -= 1;
    if (done) done();
    if (pending === 0) {
      window.A11yMap.ready = true;
      document.documentElement.setAttribute("data-map-ready", "true");
      readyCallbacks.splice(0).forEach(function (cb) { cb(); });
    }
  }

  // Clustering tuned for 100,000 points (see bench/map): markercluster files every marker at each zoom level
  // from the map's minZoom up to disableClusteringAtZoom - 1 until it joins a cluster, so the levels where
  // clusters are rare cost the most. From zoom 16 (a few streets in view) every marker is drawn on its own;
  // markers at one spot still spiderfy when their cluster is clicked at zoom 15. Slices of 120 ms with a 4 ms
  // gap: input and frames get in between slices, and a busy machine does not stretch the load much further.
  var CLUSTER_OPTIONS = {
    chunkedLoading: true, chunkInterval: 120, chunkDelay: 4, showCoverageOnHover: false,
    spiderfyOnMaxZoom: true, disableClusteringAtZoom: 16, removeOutsideVisibleBounds: true,
    maxClusterRadius: 80
  };

  function openMarker(e) {
    var marker = e.layer || e.propagatedFrom;
    if (!marker || !marker.a11yBind) return;  // a cluster badge: markercluster zooms or spiderfies it
    if (marker.getPopup()) return;            // bound on an earlier opening: its own handler toggles it
    if (e.type === "keypress" && !(e.originalEvent && e.originalEvent.keyCode === 13)) return;
    marker.openPopup();
  }

  function categoryLayer(p, category, renderer) {
    var group = L.layerGroup();
    if (category.lines.length) {
      category.lines.forEach(function (rec) { group.addLayer(p.line(rec, category.name, renderer)); });
    }
    if (category.points.length) {
      var markers = new Array(category.points.length);
      for (var i = 0; i < markers.length; i++) markers[i] = p.marker(category.points[i], category.name);
      var cluster = L.markerClusterGroup(L.extend({}, CLUSTER_OPTIONS, {
        iconCreateFunction: clusterIcon(p.L.items),
        // markercluster also reports an empty (0, 0) pass when the group itself is added: ignore it
        chunkProgress: function (processed, total) { if (total === markers.length && processed >= total) whenLoaded(); }
      }));
      // One handler for all markers (mouse click, or Enter on a focused marker) instead of one popup each.
      cluster.on("click keypress", openMarker);
      pending += 1;
      group.addLayer(cluster);
      // chunkedLoading adds markers in slices between frames, so the page answers input while loading;
      // markercluster only chunks when the group is already on a map, hence after "add".
      group.once("add", function () { cluster.addLayers(markers, true); });
      group.a11yMarkerCount = markers.length;
      group.a11yCluster = cluster;
    }
    return group;
  }

  // A gap is [shape P|L, coordinates, check index, length in metres or null, subject name, where].
  function gapShapes(p, gap, renderer) {
    var s = p.d.gapStyle, check = p.d.checks[gap[2]];
    var text = gap[4] + (gap[5] ? " · " + gap[5] : "") + " — " + check[0] +
               (gap[3] ? " — " + fill(p.L["gap-length"], {length: gap[3]}) : "");
    var layers = gap[0] === "P"
      ? [L.circleMarker(gap[1], {radius: 7, color: s.outer, weight: 3, fillColor: s.inner, fillOpacity: 1,
                                 renderer: renderer})]
      : [L.polyline(gap[1], {color: s.outer, weight: s.weight, renderer: renderer}),
         L.polyline(gap[1], {color: s.inner, weight: s.weight - 4, dashArray: s.dash, renderer: renderer})];
    layers.forEach(function (layer) { layer.bindTooltip(function () { return el("span", text); }, {sticky: true}); });
    return layers;
  }

  function gapLayer(p, renderer) {
    var group = L.layerGroup();
    p.d.gaps.items.forEach(function (gap) { gapShapes(p, gap, renderer).forEach(group.addLayer, group); });
    return group;
  }

  function circleLayer(p, renderer) {
    var d = p.d, group = L.layerGroup();
    d.circles.items.forEach(function (rec) {
      var style = d.styles[rec[F.style]];
      var shape = L.polygon(rec[F.geometry], {color: style.colour, weight: 3, fillOpacity: 0.08,
                                              dashArray: rec[F.compliant] === 1 ? null : d.road.dash,
                                              renderer: renderer});
      shape.bindPopup(function () { return p.popup(rec, d.circles.name); }, {maxWidth: 320});
      shape.bindTooltip(function () { return el("span", p.title(rec)); }, {sticky: true});
      group.addLayer(shape);
    });
    d.circles.gaps.forEach(function (gap) { gapShapes(p, gap, renderer).forEach(group.addLayer, group); });
    return group;
  }

  // Open problems of the ledger: a text badge at the subject's place ("!" when overdue), its popup the problem's
  // reference, check, severity, status, age, overdue flag, unit and deadline. Keyboard as every marker (role=button,
  // Enter/Space open the popup dialog, Escape closes it): a11yBind is what keyboardPopups looks for.
  function problemPopup(layer, rec) {
    var box = el("div", null, "a11y-popup"), labels = layer.labels, facts = el("dl");
    box.appendChild(el("h2", layer.badge + " " + rec[1]));
    function fact(key, value) {
      facts.appendChild(el("dt", labels[key]));
      facts.appendChild(el("dd", value));
    }
    fact("name", rec[2]);
    fact("check", rec[3]);
    fact("severity", rec[4]);
    fact("status", rec[5]);
    fact("age", String(rec[6]));
    fact("overdue", layer.overdue[rec[7]]);
    fact("unit", rec[8] || layer.none);
    fact("deadline", rec[9] || layer.none);
    box.appendChild(facts);
    return box;
  }

  function problemLayer(p) {
    var layer = p.d.problems, group = L.featureGroup();
    layer.items.forEach(function (rec) {
      var text = layer.badge + (rec[7] ? " !" : "");
      var badge = el("span", text, "a11y-problem-badge");
      var icon = L.divIcon({html: badge.outerHTML, className: "a11y-problem-icon" + (rec[7] ? " overdue" : ""),
                            iconSize: null, iconAnchor: [0, 24], popupAnchor: [12, -24]});
      var title = layer.badge + " " + rec[1] + " — " + rec[2] + " — " + rec[3] + (rec[7] ? " — " + layer.overdue[1] : "");
      var marker = L.marker(rec[0], {icon: icon, keyboard: true, title: title, alt: title, zIndexOffset: 1000});
      marker.bindPopup(function () { return problemPopup(layer, rec); }, {maxWidth: 320});
      marker.a11yBind = function () { return marker; };
      marker.a11yProblem = rec[1];
      group.addLayer(marker);
    });
    return group;
  }

  function percent(x) { return x === null ? null : (x * 100).toFixed(1) + "%"; }

  // A change of a rate is in percentage points ("+12.5 pp", "−3.0 个百分点"), never "%".
  function signedPoints(delta, unit) {
    var value = Math.round(delta * 1000) / 10;
    var sign = value > 0 ? "+" : value < 0 ? "\u2212" : "";
    return sign + Math.abs(value).toFixed(1) + " " + unit;
  }

  function countyLayer(p, renderer) {
    var c = p.d.counties;
    return L.geoJSON(c.geojson, {
      renderer: renderer,
      style: function (feature) {
        var bin = feature.properties.bin;
        return {color: "#333", weight: 1, fillOpacity: 0.55,
                fillColor: bin < 0 ? c.noData : c.bins[bin]};
      },
      onEachFeature: function (feature, layer) {
        var prop = feature.properties;
        layer.bindTooltip(function () {
          var box = el("div");
          box.appendChild(el("strong", prop.name));
          box.appendChild(el("div", c.labels.rate + ": " + (percent(prop.rate) || c.labels.noData)));
          if (prop.mean !== null) box.appendChild(el("div", c.labels.mean + ": " + prop.mean.toFixed(1)));
          box.appendChild(el("div", c.labels.n + ": " + prop.n));
          if (prop.change !== null) {
            box.appendChild(el("div", c.labels.change + ": " + signedPoints(prop.change, c.labels.points)));
          }
          return box;
        }, {sticky: true});
      }
    });
  }

  // Keyboard use of markers. Leaflet alone opens a popup on Enter only and leaves focus on the marker, so a
  // screen reader hears nothing and Escape (heard only while the map itself has focus) cannot close it. Here
  // Enter and Space open it, the popup is a labelled dialog that takes focus, and Escape closes it and puts
  // focus back on the marker. One delegated listener serves every marker, clustered or not.
  var popupCount = 0;

  function markIcons() {
    var initIcon = L.Marker.prototype._initIcon;
    L.Marker.prototype._initIcon = function () {
      initIcon.call(this);
      if (this._icon) {
        this._icon.a11yLayer = this;
        if (this.options.keyboard) this._icon.setAttribute("role", "button");
      }
    };
  }

  function keyboardPopups(map) {
    var container = map.getContainer(), opener = null;
    container.addEventListener("keydown", function (event) {
      var key = event.key;
      if (key === "Escape" || key === "Esc") {
        if (map._popup && map.hasLayer(map._popup)) {
          event.preventDefault();
          event.stopPropagation();
          map.closePopup();
        }
        return;
      }
      if (key !== "Enter" && key !== " " && key !== "Spacebar") return;
      var icon = event.target, layer = icon && icon.a11yLayer;
      if (!layer) return;
      event.preventDefault();  // no page scroll on Space, and no second (keypress) opening on Enter
      if (layer.a11yBind) {
        opener = icon;
        layer.openPopup();
      } else {  // a cluster badge: the same as a click (markercluster zooms in or spiderfies)
        layer.fire("click", {originalEvent: event, latlng: layer.getLatLng()}, true);
      }
    });
    map.on("popupopen", function (e) {
      var node = e.popup.getElement(), heading = node && node.querySelector(".a11y-popup h2");
      if (!node) return;
      var source = e.popup._source && e.popup._source._icon;
      if (source) opener = source;
      node.setAttribute("role", "dialog");
      if (heading) {
        popupCount += 1;
        heading.id = heading.id || "a11y-popup-heading-" + popupCount;
        heading.setAttribute("tabindex", "-1");
        node.setAttribute("aria-labelledby", heading.id);
        heading.focus({preventScroll: true});
      }
    });
    map.on("popupclose", function (e) {
      var node = e.popup.getElement();
      var focusInside = !document.activeElement || document.activeElement === document.body ||
                        (node && node.contains(document.activeElement));
      if (opener && focusInside && document.contains(opener)) opener.focus({preventScroll: true});
      opener = null;
    });
  }

  // Below 40rem the legend starts folded (a button-like summary), so it never covers the layer toggles.
  function foldLegendWhenNarrow(node) {
    var details = node.querySelector("details");
    if (details && window.matchMedia && window.matchMedia("(max-width: 40rem)").matches) details.open = false;
  }

  window.A11yMap = {
    ready: false,
    layers: {},
    onReady: function (cb) { if (window.A11yMap.ready) cb(); else readyCallbacks.push(cb); },
    payload: function (id) {
      var p = new Payload(JSON.parse(document.getElementById(id).textContent));
      window.A11yMap.data = p.d;
      return p;
    },
    categoryLayer: function (p, id, renderer) {
      var category = p.d.categories.filter(function (c) { return c.id === id; })[0];
      var layer = categoryLayer(p, category, renderer);
      window.A11yMap.layers[id] = layer;
      return layer;
    },
    gapLayer: function (p, r) { return (window.A11yMap.layers.gaps = gapLayer(p, r)); },
    circleLayer: function (p, r) { return (window.A11yMap.layers.circles = circleLayer(p, r)); },
    problemLayer: function (p) { return (window.A11yMap.layers.problems = problemLayer(p)); },
    countyLayer: function (p, r) { return (window.A11yMap.layers.counties = countyLayer(p, r)); },
    start: function () {
      // Called last: the layers with markers have been added, so nothing pending means ready now.
      if (pending === 0) { pending = 1; whenLoaded(); }
    },
    init: function (viewId, dataId) { return init(viewId, dataId); }
  };

  // Builds the map from the page's two JSON blocks: the view (tiles, bounds, overlays) and the data.
  function init(viewId, dataId) {
    var A = window.A11yMap;
    var view = JSON.parse(document.getElementById(viewId).textContent);
    if (!L.Marker.prototype._a11yMarked) { markIcons(); L.Marker.prototype._a11yMarked = true; }
    var map = L.map(view.element, {center: view.centre, zoom: view.zoom, minZoom: view.minZoom,
                                   maxZoom: view.maxZoom, preferCanvas: true, zoomControl: true});
    A.map = map;
    keyboardPopups(map);
    L.control.scale().addTo(map);
    view.tiles.forEach(function (t) {
      L.tileLayer(t.url, {attribution: t.attribution, subdomains: t.subdomains, maxZoom: t.maxZoom,
                          maxNativeZoom: t.maxZoom}).addTo(map);
    });
    if (view.bounds) map.fitBounds(view.bounds, {padding: view.padding});
    var p = A.payload(dataId);
    var factories = {counties: A.countyLayer, circles: A.circleLayer, gaps: A.gapLayer, problems: A.problemLayer};
    var overlays = {};
    view.layers.forEach(function (spec) {
      var layer = spec.kind === "category" ? A.categoryLayer(p, spec.category) : factories[spec.kind](p);
      layer.addTo(map);
      // the layer control writes names as HTML
      overlays[escapeHtml(spec.name)] = layer;
    });
    var node = document.getElementById(view.legend);
    var Legend = L.Control.extend({options: {position: "bottomleft"}, onAdd: function () {
      L.DomEvent.disableClickPropagation(node);
      L.DomEvent.disableScrollPropagation(node);
      node.hidden = false;
      foldLegendWhenNarrow(node);
      return node;
    }});
    new Legend().addTo(map);
    L.control.layers({}, overlays, {position: "topright", collapsed: false}).addTo(map);
    A.start();
    return map;
  }
})();

/* The public report form (随手拍): focus the error summary, and (optional) a place from the device or a click on
   the small map. Texts and the map's start come from data- attributes; without script the form works as typed. */
(function () {
  "use strict";
  var summary = document.getElementById("error-summary");
  if (summary) { summary.focus(); }

  var mapBox = document.getElementById("report-map");
  var lat = document.getElementById("lat");
  var lon = document.getElementById("lon");
  var source = document.getElementById("location_source");
  var status = document.getElementById("location-status");
  if (!mapBox || !lat || !lon) { return; }
  var text = mapBox.dataset;

  function say(message) { if (status) { status.textContent = message; } }
  function fixed(value) { return (Math.round(value * 1e6) / 1e6).toString(); }

  var map = null, marker = null;
  function mark(latitude, longitude) {
    if (!map) { return; }
    var where = [latitude, longitude];
    if (marker) { marker.setLatLng(where); } else { marker = window.L.circleMarker(where, { radius: 9 }).addTo(map); }
    map.setView(where, Math.max(map.getZoom(), 16));
  }
  function place(latitude, longitude, how, message) {
    lat.value = fixed(latitude);
    lon.value = fixed(longitude);
    source.value = how;
    mark(latitude, longitude);
    say(message + " " + lat.value + ", " + lon.value);
  }

  if (window.L) {
    mapBox.hidden = false;
    mapBox.setAttribute("role", "application");
    mapBox.setAttribute("aria-label", text.label);
    map = window.L.map(mapBox, { attributionControl: !!text.tiles }).setView([+text.lat, +text.lon], 7);
    if (text.tiles) {
      window.L.tileLayer(text.tiles, { maxZoom: 19, attribution: "&copy; OpenStreetMap" }).addTo(map);
    }
    map.on("click", function (event) { place(event.latlng.lat, event.latlng.lng, "map", text.picked); });
    if (lat.value && lon.value && isFinite(+lat.value) && isFinite(+lon.value)) { mark(+lat.value, +lon.value); }
  }
  function typed() {
    source.value = "typed";
    if (lat.value && lon.value && isFinite(+lat.value) && isFinite(+lon.value)) { mark(+lat.value, +lon.value); }
  }
  lat.addEventListener("change", typed);
  lon.addEventListener("change", typed);

  var button = document.getElementById("use-location");
  if (button && navigator.geolocation) {
    button.parentNode.hidden = false;
    button.addEventListener("click", function () {
      say(text.locating);
      navigator.geolocation.getCurrentPosition(
        function (position) { place(position.coords.latitude, position.coords.longitude, "device", text.located); },
        function () { say(text.noLocation); },
        { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 }
      );
    });
  }
}());

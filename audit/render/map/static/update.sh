#!/bin/sh
# Refresh the vendored Leaflet and Leaflet.markercluster from npm, so maps work offline.
# Usage: audit/render/map/static/update.sh [leaflet-version] [markercluster-version]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
leaflet=${1:-$(npm view leaflet version)}
cluster=${2:-$(npm view leaflet.markercluster version)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
npm pack "leaflet@$leaflet" --silent >/dev/null && mkdir l && tar xzf leaflet-*.tgz -C l
npm pack "leaflet.markercluster@$cluster" --silent >/dev/null && mkdir m && tar xzf leaflet.markercluster-*.tgz -C m
mkdir -p "$here/leaflet/images" "$here/markercluster"
cp l/package/dist/leaflet.js l/package/dist/leaflet.css l/package/LICENSE "$here/leaflet/"
cp l/package/dist/images/layers.png l/package/dist/images/layers-2x.png "$here/leaflet/images/"
cp m/package/dist/leaflet.markercluster.js m/package/dist/MarkerCluster.css "$here/markercluster/"
cp m/package/MIT-LICENCE.txt "$here/markercluster/LICENSE"
printf 'leaflet %s\nleaflet.markercluster %s\n' "$leaflet" "$cluster" > "$here/VERSION"
echo "vendored leaflet $leaflet and leaflet.markercluster $cluster into $here"

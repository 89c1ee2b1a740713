#!/bin/sh
# Refresh the vendored axe-core from npm: axe.min.js, the zh_CN locale, its licence and VERSION.
# Usage: audit/web/vendor/update.sh [version]   (default: npm's latest)
set -eu
here=$(cd "$(dirname "$0")" && pwd)
version=${1:-$(npm view axe-core version)}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack "axe-core@$version" --silent >/dev/null && tar xzf axe-core-*.tgz)
mkdir -p "$here/locales"
cp "$work/package/axe.min.js" "$here/axe.min.js"
cp "$work/package/locales/zh_CN.json" "$here/locales/zh_CN.json"
cp "$work/package/LICENSE" "$here/LICENSE"
echo "$version" > "$here/VERSION"
echo "axe-core $version vendored into $here"

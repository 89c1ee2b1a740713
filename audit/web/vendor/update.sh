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
sums() { (cd "$here" && for f in "$@"; do printf '"%s" = "%s"\n' "$f" "$(sha256sum "$f" | cut -d' ' -f1)"; done); }
cat > "$here/VENDORED.toml" <<TOML
# What is vendored here, from where, and each file's sha256 (checked by tests/test_vendored.py).
# update.sh rewrites this file; a vendored file changed by hand fails that test.

[[package]]
name = "axe-core"
version = "$version"
source = "npm axe-core@$version: package/axe.min.js, package/locales/zh_CN.json, package/LICENSE"
license = "MPL-2.0"
[package.sha256]
$(sums axe.min.js locales/zh_CN.json LICENSE)
TOML
echo "axe-core $version vendored into $here"

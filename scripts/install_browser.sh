#!/usr/bin/env bash
# Install what the browser tests need: Debian's Chromium + ChromeDriver (and Noto fonts so
# every script in the language menu renders) and axe-core (pinned in
# channels/webchat/package-lock.json) under var/node/. Playwright's own browser download is
# never used: the tests drive /usr/bin/chromium.
#
# Never fails the build: when something cannot be installed it says why and exits 0, and the
# browser tests then skip with that reason.
set -u
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
NODE_DIR="$ROOT/var/node"
AXE="$NODE_DIR/node_modules/axe-core/axe.min.js"

say() { echo "install_browser: $*"; }

if [ -x /usr/bin/chromium ] && [ -x /usr/bin/chromedriver ]; then
  say "Chromium is installed ($(/usr/bin/chromium --version 2>/dev/null | head -n1))"
elif [ "$(id -u)" != "0" ]; then
  say "Chromium is missing and this is not root: run 'sudo apt-get install -y chromium chromium-driver fonts-noto-core'. Browser tests will skip."
elif ! command -v apt-get >/dev/null 2>&1; then
  say "Chromium is missing and there is no apt-get here: install Chromium at /usr/bin/chromium. Browser tests will skip."
else
  say "installing Debian's chromium, chromium-driver and fonts-noto-core"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver fonts-noto-core >/dev/null; }; then
    say "apt-get could not install Chromium. Browser tests will skip."
  fi
fi

if [ -f "$AXE" ] && cmp -s "$ROOT/channels/webchat/package-lock.json" "$NODE_DIR/package-lock.json"; then
  say "axe-core is installed ($AXE)"
elif ! command -v npm >/dev/null 2>&1; then
  say "npm is missing, so axe-core cannot be installed. Accessibility tests will skip."
else
  mkdir -p "$NODE_DIR"
  cp "$ROOT/channels/webchat/package.json" "$ROOT/channels/webchat/package-lock.json" "$NODE_DIR/"
  if (cd "$NODE_DIR" && npm ci --no-audit --no-fund --loglevel=error >/dev/null 2>&1); then
    say "axe-core installed in $NODE_DIR"
  else
    say "npm could not install axe-core (offline?). Accessibility tests will skip."
  fi
fi
exit 0

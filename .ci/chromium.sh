#!/usr/bin/env bash
# CI: the browser tests need a Chromium. playwright's own download needs a
# network CI may not have, so install Debian's `chromium` package when none
# is on PATH (scripts/chromium.js points playwright at it). Fails if none
# can be had: CI must run both targets.
set -euo pipefail

for name in chromium chromium-browser google-chrome-stable google-chrome; do
  if command -v "$name" >/dev/null 2>&1; then
    echo "using $(command -v "$name")"
    exit 0
  fi
done

if [ -n "${CHROMIUM_BIN:-}" ] && [ -x "$CHROMIUM_BIN" ]; then
  echo "using $CHROMIUM_BIN"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then
    sudo="sudo"
  else
    echo "no Chromium, and not root to install Debian's chromium package" >&2
    exit 1
  fi
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "no Chromium, and no apt-get to install Debian's chromium package" >&2
  exit 1
fi

echo "installing Debian's chromium"
$sudo apt-get update -qq
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
command -v chromium

#!/usr/bin/env bash
# Run by `npm test` before the tests: makes sure a Chromium binary is there for the dashboard's browser
# tests (packages/web/test, driven by playwright-core, which downloads no browser). With IOASID_CHROMIUM
# set it uses that binary; otherwise /usr/bin/chromium, which it installs when missing (as root, with
# Debian's apt-get), or stops at once saying the exact command to run.
set -uo pipefail

binary="${IOASID_CHROMIUM:-/usr/bin/chromium}"

if [ -x "$binary" ]; then
  echo "Chromium: $binary"
  exit 0
fi

if [ -n "${IOASID_CHROMIUM:-}" ]; then
  echo "IOASID_CHROMIUM is '$binary', which is not an executable file: point it at a Chromium binary," >&2
  echo "or unset it to use /usr/bin/chromium" >&2
  exit 1
fi

install="apt-get update && apt-get install -y --no-install-recommends chromium"
if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
  echo "Chromium: not installed; installing it with '$install' (a few minutes, about 300 MB)..."
  status=0
  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium; } \
    >/tmp/ioasid-chromium-install.log 2>&1 || status=$?
  if [ "$status" -eq 0 ] && [ -x "$binary" ]; then
    echo "Chromium: installed $binary ($("$binary" --version 2>/dev/null || echo 'version unknown'))"
    exit 0
  fi
  echo "Chromium: '$install' failed (exit $status); its output is in /tmp/ioasid-chromium-install.log" >&2
  exit 1
fi

echo "Chromium is not installed here, and the dashboard's browser tests need it: run" >&2
echo "  sudo sh -c '$install'" >&2
echo "or point IOASID_CHROMIUM at a Chromium binary" >&2
exit 1

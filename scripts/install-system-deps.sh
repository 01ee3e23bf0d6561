#!/usr/bin/env bash
# Installs the Debian packages that tests and benchmarks drive for real, when missing:
#   chromium    browser tests (test/web)
#   squid       real-proxy tests (test/integration)
#   squidguard  the filter benchmark's baseline (bench/filter.ts)
#   hyperfine   start-up timing of CLI commands (optional)
# Usage: scripts/install-system-deps.sh [package ...]   (default: chromium squid)
# .ci/run calls it with the defaults; benchmarks name what they need.
set -euo pipefail
wanted=("$@")
[ ${#wanted[@]} -gt 0 ] || wanted=(chromium squid)
declare -A binary=([chromium]=/usr/bin/chromium [squid]=/usr/sbin/squid [squidguard]=/usr/bin/squidGuard [hyperfine]=/usr/bin/hyperfine)
missing=()
for pkg in "${wanted[@]}"; do
  bin=${binary[$pkg]:-}
  if [ -z "$bin" ]; then echo "unknown package $pkg (known: ${!binary[*]})" >&2; exit 2; fi
  [ -x "$bin" ] || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  # Another apt run on the machine holds the dpkg lock for a while; wait for it rather than fail.
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
fi

#!/usr/bin/env bash
# The Debian packages huanjie needs. As root on Debian it installs them; otherwise it says exactly
# what to install. Usage: scripts/system-deps.sh [browser]
set -euo pipefail
need=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-wqy-microhei poppler-utils)
if [ "${1:-}" = "browser" ]; then need+=(chromium); fi
missing=()
for pkg in "${need[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "安装系统依赖: ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  exit 0
fi
echo "缺少系统依赖，请先安装： sudo apt-get install -y ${missing[*]}" >&2
exit 1

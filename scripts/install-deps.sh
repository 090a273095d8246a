#!/usr/bin/env bash
# Installs the Debian packages GrowthLens needs to build, test and benchmark, then the
# dashboard's npm packages (Plotly; playwright-core for the browser tests) into web/.
# --browser also installs Debian's Chromium, which the browser tests drive; --ci what the CI jobs
# of scripts/test.sh need besides (clang with its sanitizer runtimes, curl); --compare the peers
# of the side-by-side benchmark (pandas, scikit-learn, GNU time; DuckDB from npm into
# bench/compare).
# Idempotent: what is already present is skipped, so a second run is quick.
set -euo pipefail
cd "$(dirname "$0")/.."

packages=(
  build-essential cmake ninja-build pkg-config git xz-utils gzip
  libcli11-dev nlohmann-json3-dev libfmt-dev zlib1g-dev
  libboost-dev libeigen3-dev libxgboost-dev libcpp-httplib-dev libsqlite3-dev libzstd-dev libssl-dev sqlite3
  libhiredis-dev redis-server libroaring-dev
  clickhouse-server clickhouse-client
  libgtest-dev libgmock-dev libbenchmark-dev clang-format
  help2man dpkg-dev file
)
command -v npm >/dev/null 2>&1 || packages+=(nodejs npm)
compare=0
for option in "$@"; do
  case "$option" in
    --browser) packages+=(chromium fonts-dejavu-core) ;;
    --ci) packages+=(clang libclang-rt-14-dev curl systemd man-db adduser python3) ;;
    --compare) packages+=(python3-pandas python3-sklearn time) compare=1 ;;
    *) echo "install-deps: unknown option '$option' (expected --browser, --ci or --compare)" >&2; exit 2 ;;
  esac
done

missing=()
for package in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$package")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} Debian packages present"
else
  echo "install-deps: installing ${missing[*]}"
  sudo_cmd=()
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# The dashboard's packages, exactly as locked; again only when the lock file changed.
if [ ! -f web/node_modules/.package-lock.json ] ||
   [ web/package-lock.json -nt web/node_modules/.package-lock.json ]; then
  echo "install-deps: npm ci in web/"
  (cd web && npm ci --no-audit --no-fund --loglevel=error)
fi
if [ "$compare" -eq 1 ] && { [ ! -f bench/compare/node_modules/.package-lock.json ] ||
   [ bench/compare/package-lock.json -nt bench/compare/node_modules/.package-lock.json ]; }; then
  # npm install, not ci: @duckdb/node-bindings lists a binary package per platform as optional,
  # the registry here has only Linux's, and npm ci refuses a lock without the others. install
  # takes the locked versions, skips the missing optional ones and leaves the lock unchanged.
  echo "install-deps: npm install in bench/compare/"
  (cd bench/compare && npm install --no-audit --no-fund --loglevel=error)
fi

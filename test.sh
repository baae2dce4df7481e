#!/usr/bin/env bash
# Runs every TriageBot test on a fresh machine. It installs what the tests need first (the npm
# packages of the end-to-end tests, Debian's chromium and postgresql), so no test is skipped for want of a tool.
set -euo pipefail
cd "$(dirname "$0")"

# npm packages of the tests (Agents Playground, adaptivecards): installed again when the lock changed.
if ! cmp -s tests/e2e-tools/package-lock.json tests/e2e-tools/node_modules/.triagebot-lock 2>/dev/null; then
  echo "== npm ci (tests/e2e-tools)"
  (cd tests/e2e-tools && npm ci --no-audit --no-fund --loglevel=error && cp package-lock.json node_modules/.triagebot-lock)
fi

# Chromium for the screenshot test of the Playground's web UI (Debian's package; Playwright never downloads a browser).
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1
if [ ! -x /usr/bin/chromium ]; then
  echo "== apt-get install chromium"
  if [ "$(id -u)" -eq 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium
  else
    echo "test.sh: /usr/bin/chromium is missing and this is not root; run: sudo apt-get install -y chromium" >&2
  fi
fi
# The screenshot test also copies its PNGs here (git-ignored) when the folder exists.
mkdir -p artifacts/screenshots

# PostgreSQL server binaries for the PostgreSQL storage tests (Debian's package). The tests start their own
# throwaway cluster from them (on 127.0.0.1, as the OS user postgres when run as root) and delete it after;
# no system service is started (the package's default cluster is not created, so its service has nothing to run).
if ! compgen -G '/usr/lib/postgresql/*/bin/initdb' > /dev/null; then
  echo "== apt-get install postgresql"
  if [ "$(id -u)" -eq 0 ]; then
    mkdir -p /etc/postgresql-common/createcluster.d
    echo "create_main_cluster = false" > /etc/postgresql-common/createcluster.d/triagebot-tests.conf
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql
  else
    echo "test.sh: PostgreSQL server binaries (/usr/lib/postgresql/*/bin/initdb) are missing and this is not root; run: sudo apt-get install -y postgresql (or set TRIAGEBOT_TEST_POSTGRES to the connection string of a server the tests may use)" >&2
  fi
fi

echo "== dotnet build"
dotnet build TriageBot.sln -c Release -nologo -clp:ErrorsOnly

log=$(mktemp)
trap 'rm -f "$log"' EXIT
echo "== dotnet test"
set +e
dotnet test TriageBot.sln -c Release --no-build -nologo 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
set -e

# One closing line for the whole run, summed over the test projects.
awk '/(Passed|Failed)! +- +Failed:/ {
       gsub(",", ""); for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     }
     END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$log"
exit "$status"

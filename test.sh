#!/usr/bin/env bash
# Builds LeadSync with warnings as errors and runs every test project.
# The PostgreSQL-backed tests need the machine's PostgreSQL 15: this script starts it when it is installed and stopped.
# Ends with one line "N passed, N failed"; exits non-zero on a build warning, a build error or a failed test.
set -uo pipefail
cd "$(dirname "$0")"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

if command -v pg_ctlcluster >/dev/null 2>&1 && [ -z "${LEADSYNC_TEST_POSTGRES:-}" ]; then
  if ! pg_ctlcluster 15 main status >/dev/null 2>&1; then
    echo "starting PostgreSQL 15 for the PostgreSQL-backed tests…"
    pg_ctlcluster 15 main start || echo "warning: could not start PostgreSQL; its tests will fail and say how to start it"
  fi
  # The tests connect over TCP as postgres/postgres (pg_hba requires a password on 127.0.0.1).
  if [ "$(id -u)" = "0" ]; then
    su postgres -c "psql -qc \"ALTER USER postgres PASSWORD 'postgres'\"" >/dev/null 2>&1 || true
  fi
fi

# The console's browser tests drive Debian's Chromium (Playwright cannot download a browser here).
if [ ! -x /usr/bin/chromium ] && [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  echo "installing Chromium for the browser tests…"
  (apt-get install -y chromium >/dev/null 2>&1 || { apt-get update >/dev/null 2>&1 && apt-get install -y chromium >/dev/null 2>&1; }) \
    || echo "warning: could not install Chromium; the browser tests will fail and say how to install it"
fi

logs=$(mktemp -d)
echo "building (Release, warnings are errors)…"
if ! dotnet build LeadSync.sln -c Release -nologo 2>&1 | tee "$logs/build.log" | grep -E "error|Warn|Elapsed" ; then :; fi
if ! grep -qE "^\s*0 Error\(s\)" "$logs/build.log"; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi
if ! grep -qE "^\s*0 Warning\(s\)" "$logs/build.log"; then
  grep -E "warning" "$logs/build.log" | sort -u | head -20
  echo "build has warnings"; echo "0 passed, 1 failed"; exit 1
fi

echo "testing…"
dotnet test LeadSync.sln -c Release --no-build -nologo 2>&1 | tee "$logs/test.log"
status=${PIPESTATUS[0]}

passed=$(grep -oE "Passed: +[0-9]+" "$logs/test.log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE "Failed: +[0-9]+" "$logs/test.log" | awk '{s+=$2} END {print s+0}')
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  # A test host that crashed prints no summary line of its own: count it as a failure.
  failed=1
fi
echo "$passed passed, $failed failed"
[ "$status" -eq 0 ] && [ "$failed" -eq 0 ]

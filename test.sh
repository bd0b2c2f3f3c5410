#!/usr/bin/env bash
# Runs the whole test suite from a clean checkout and ends with one line: "N passed, N failed".
# It starts what the tests need itself: a local PostgreSQL (scripts/start-postgres.sh) and the npm
# packages of the external-client tests (tests/clients). Exit code 0 only when nothing failed.
#   ./test.sh [--real-comfyui] [--full]
# --full runs the fuzz and soak tests (tests/Gantry.Tests/Fuzz, Soak) at full size (GANTRY_TEST_FULL=1) instead of the small default.
# The real-ComfyUI tier runs when GANTRY_TEST_COMFYUI names a ComfyUI URL (yours), or with --real-comfyui, which
# starts one with GANTRY_COMFYUI_START (default ../shared/comfyui/start.sh) in a temp folder and stops it at the end.
set -uo pipefail
cd "$(dirname "$0")"

real_comfyui=0
for arg in "$@"; do
  case "$arg" in
    --real-comfyui) real_comfyui=1;;
    --full) export GANTRY_TEST_FULL=1;;
    *) echo "unknown argument: $arg (usage: ./test.sh [--real-comfyui] [--full])" >&2; exit 2;;
  esac
done

results=artifacts/test-results
rm -rf "$results"
mkdir -p "$results"
export CI="${CI:-1}"
export DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

summary() { echo "$1 passed, $2 failed"; }

comfyui_dir=""
stop_comfyui() {
  if [ -n "$comfyui_dir" ]; then
    if [ -f "$comfyui_dir/comfyui.pid" ]; then kill "$(cat "$comfyui_dir/comfyui.pid")" 2>/dev/null; fi
    rm -rf "$comfyui_dir"
  fi
}
frontend_dir=""
cleanup() { stop_comfyui; if [ -n "$frontend_dir" ]; then rm -rf "$frontend_dir"; fi; }
trap cleanup EXIT
if [ "$real_comfyui" -eq 1 ] && [ -z "${GANTRY_TEST_COMFYUI:-}" ]; then
  start="${GANTRY_COMFYUI_START:-../shared/comfyui/start.sh}"
  comfyui_dir="$(mktemp -d "${TMPDIR:-/tmp}/gantry-test-comfyui.XXXXXX")"
  port="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
  if ! url=$(bash "$start" --port "$port" --dir "$comfyui_dir" 2>"$comfyui_dir/start.err" | tail -n 1) || [ -z "$url" ]; then
    echo "Could not start the real ComfyUI ($start failed: $(tail -n 1 "$comfyui_dir/start.err" 2>/dev/null))." >&2
    summary 0 1
    exit 1
  fi
  export GANTRY_TEST_COMFYUI="$url" GANTRY_COMFYUI_START="$(cd "$(dirname "$start")" && pwd)/$(basename "$start")"
  echo "Real ComfyUI for the tests: $url" >&2
fi

if ! postgres=$(scripts/start-postgres.sh | tail -n 1); then
  echo "Could not start PostgreSQL (scripts/start-postgres.sh failed)." >&2
  summary 0 1
  exit 1
fi
export GANTRY_TEST_POSTGRES="$postgres"

# The browser tests (the dashboard's, and the editor tier) drive Debian's Chromium, never a downloaded browser;
# install it when missing.
if [ -z "${GANTRY_TEST_CHROMIUM:-}" ] && [ ! -x /usr/lib/chromium/chromium ] && [ ! -x /usr/bin/chromium ]; then
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium) >"$results/chromium-install.log" 2>&1; then
    echo "Could not install chromium (see $results/chromium-install.log); the browser tests will fail." >&2
  fi
fi

# The dashboard's Firefox test drives Debian's Firefox ESR (stock, over WebDriver BiDi); install it when missing.
if [ -z "${GANTRY_TEST_FIREFOX:-}" ] && [ ! -x /usr/bin/firefox-esr ]; then
  if ! (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends firefox-esr) >"$results/firefox-install.log" 2>&1; then
    echo "Could not install firefox-esr (see $results/firefox-install.log); the Firefox test will fail." >&2
  fi
fi

# The load driver's external scenario (tests/Gantry.Bench.Tests) drives wrk, Debian's package; install it when missing.
if ! bench/install-load-tools.sh >"$results/wrk-install.log" 2>&1; then
  echo "Could not install wrk (see $results/wrk-install.log); the external load scenario's smoke run will fail." >&2
fi

# The editor tier (tests/Gantry.Tests/Editor): the real ComfyUI frontend, unpacked from ../shared/comfyui-frontend.
if [ -z "${GANTRY_TEST_FRONTEND:-}" ] && ls ../shared/comfyui-frontend/*.tar.gz >/dev/null 2>&1; then
  frontend_dir="$(mktemp -d "${TMPDIR:-/tmp}/gantry-test-frontend.XXXXXX")"
  if tar -xzf "$(ls ../shared/comfyui-frontend/*.tar.gz | head -n 1)" -C "$frontend_dir"; then
    export GANTRY_TEST_FRONTEND="$frontend_dir"
  fi
fi

if [ -f tests/clients/package.json ]; then
  # An interrupted earlier run can leave a half-written node_modules that npm ci cannot remove; start clean then.
  if ! (cd tests/clients && { npm ci --no-audit --no-fund --loglevel=error || { rm -rf node_modules && npm ci --no-audit --no-fund --loglevel=error; }; }); then
    echo "npm ci in tests/clients failed." >&2
    summary 0 1
    exit 1
  fi
fi

if ! dotnet build Gantry.slnx -c Release --nologo -v quiet; then
  echo "The build failed." >&2
  summary 0 1
  exit 1
fi

# --hangdump: when no test ends for $hang_minutes minutes (10; 30 with --full, whose fuzz test alone may take 10), the
# runner names the tests still running, writes a small dump of the test process next to the results, and stops it:
# the run fails there instead of hanging until CI's own timeout. GANTRY_TEST_HANG_MINUTES changes the wait.
if [ "${GANTRY_TEST_FULL:-}" = 1 ]; then default_hang_minutes=30; else default_hang_minutes=10; fi
hang_minutes="${GANTRY_TEST_HANG_MINUTES:-$default_hang_minutes}"
dotnet test --solution Gantry.slnx -c Release --no-build --no-progress \
  --results-directory "$results" --report-trx \
  --hangdump --hangdump-timeout "${hang_minutes}m" --hangdump-type Mini 2>&1 | tee "$results/dotnet-test.log"
status=${PIPESTATUS[0]}
while IFS= read -r hang; do
  echo "A test process hung: no test ended for $hang_minutes minutes. The tests still running then, with their time ($hang):" >&2
  head -n 50 "$hang" >&2
done < <(find "$results" -name '*_hang.log')

# Count from the TRX files: one per test assembly, whatever the console summary looks like.
# The failed tests again, each with its message and the top of its stack, so that the end of a long log says
# what failed (the runner prints them amid the servers' logs).
python3 - "$results" <<'PY' >&2
import glob, sys, xml.etree.ElementTree as ET
for path in sorted(glob.glob(sys.argv[1] + "/**/*.trx", recursive=True)):
    for result in ET.parse(path).getroot().findall(".//{*}UnitTestResult"):
        if result.get("outcome") in ("Passed", "NotExecuted", "Inconclusive"):
            continue
        message = result.findtext(".//{*}ErrorInfo/{*}Message") or ""
        stack = result.findtext(".//{*}ErrorInfo/{*}StackTrace") or ""
        print(f"FAILED {result.get('testName')} ({result.get('duration')})")
        for line in (message.strip().splitlines()[:20] + stack.strip().splitlines()[:8]):
            print("    " + line[:400])
PY

read -r passed failed < <(python3 - "$results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
passed = failed = 0
for path in glob.glob(sys.argv[1] + "/**/*.trx", recursive=True):
    counters = ET.parse(path).getroot().find(".//{*}Counters")
    if counters is None:
        continue
    passed += int(counters.get("passed", 0))
    failed += int(counters.get("failed", 0)) + int(counters.get("error", 0)) + int(counters.get("timeout", 0)) + int(counters.get("aborted", 0))
print(passed, failed)
PY
)
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then
  failed=1   # the runner failed without a failed test (a crash, no tests found): never report green
fi
summary "$passed" "$failed"
[ "$failed" -eq 0 ]

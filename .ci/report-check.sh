#!/usr/bin/env bash
# The team health report in a real browser: builds the demo's handbook and
# its report.html, renders the page in Debian's headless Chromium, and checks
# every grid cell of the DOM the browser built against the JSON report of the
# same repository at the same time (.ci/report-check.py); then takes a
# screenshot and checks it is a real picture.
#
#   .ci/report-check.sh                          the demo's report (CI)
#   .ci/report-check.sh --page HTML --json JSON  a page and JSON you already have
#
# Called by .ci/run after the demo step, whose release build it reuses.
set -euo pipefail
cd "$(dirname "$0")/.."

# The demo's fixed time (src/app/demo.rs, DEMO_NOW): its report.html is
# made at this time, so the JSON must be too.
demo_now="2026-06-15T12:00:00Z"
screenshot="$PWD/target/report-screenshot.png"

find_chromium() {
  local candidate
  for candidate in chromium-headless-shell headless_shell chromium chromium-browser; do
    if command -v "$candidate" >/dev/null 2>&1; then
      command -v "$candidate"
      return 0
    fi
  done
  for candidate in /usr/lib/chromium/headless_shell /usr/lib/chromium/chromium-headless-shell \
    /usr/lib/chromium-headless-shell/chromium-headless-shell /usr/lib/chromium/chromium; do
    if [ -x "$candidate" ]; then
      echo "$candidate"
      return 0
    fi
  done
  return 1
}

chromium="$(find_chromium)" || {
  echo "report-check: installing Debian's chromium-headless-shell"
  apt-get update -qq && apt-get install -y -qq chromium-headless-shell >/dev/null
  chromium="$(find_chromium)"
}
command -v python3 >/dev/null || { apt-get update -qq && apt-get install -y -qq python3 >/dev/null; }

# Chromium's sandbox refuses to start as root (as in a CI container).
browser=("$chromium" --headless --disable-gpu --hide-scrollbars --no-first-run)
if [ "$(id -u)" = 0 ]; then
  browser+=(--no-sandbox)
fi

dir="$(mktemp -d)"
trap 'rm -rf "$dir"' EXIT

if [ "${1:-}" = "--page" ] && [ "${3:-}" = "--json" ] && [ $# -eq 4 ]; then
  page="$(realpath "$2")"
  report_json="$(realpath "$4")"
else
  cargo run --locked --release --quiet -- demo --color never --keep "$dir/demo" >"$dir/demo.txt"
  page="$dir/demo/report.html"
  report_json="$dir/report.json"
  [ -s "$page" ] || { echo "report-check: the demo wrote no $page" >&2; exit 1; }
  # Exit 1 means findings at failing severity (the demo has them by
  # design) and the report is still whole; 2 means it could not run.
  status=0
  (cd "$dir/demo" && cargo run --locked --release --quiet \
    --manifest-path "$OLDPWD/Cargo.toml" -- report --format json --now "$demo_now" \
    >"$report_json") || status=$?
  if [ "$status" -gt 1 ]; then
    echo "report-check: \`handbook-lint report --format json\` failed (exit $status)" >&2
    exit 1
  fi
fi

timeout 180 "${browser[@]}" --dump-dom "file://$page" >"$dir/dom.html" 2>"$dir/chromium.log" || {
  cat "$dir/chromium.log" >&2
  echo "report-check: Chromium could not render $page" >&2
  exit 1
}
mkdir -p "$(dirname "$screenshot")"
rm -f "$screenshot"
timeout 180 "${browser[@]}" --screenshot="$screenshot" --window-size=1280,2000 \
  "file://$page" >/dev/null 2>>"$dir/chromium.log" || {
  cat "$dir/chromium.log" >&2
  echo "report-check: Chromium could not take a screenshot of $page" >&2
  exit 1
}
python3 .ci/report-check.py "$dir/dom.html" "$report_json" \
  --screenshot "${screenshot#"$PWD/"}"

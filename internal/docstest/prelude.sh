# Sourced before every documentation block the docs test runs (internal/docstest).
# DOCS_FILE and DOCS_LINE name the block's fence, so a failing command is reported at its line
# in the Markdown file: the block's text starts on line 2 of the script.
set -eo pipefail
# SQLFORGE_DOCS_TRACE=FILE appends every command run, with its start time, to FILE.
if [ -n "${SQLFORGE_DOCS_TRACE:-}" ]; then
  exec {BASH_XTRACEFD}>>"$SQLFORGE_DOCS_TRACE"
  PS4='+ ${EPOCHREALTIME} ${DOCS_FILE}:$((DOCS_LINE + LINENO - 1)): '
  set -x
fi
trap 'echo "docs test: ${DOCS_FILE}:$((DOCS_LINE + LINENO - 1)): exit status $?" >&2' ERR
# Servers a block started in the background are stopped when it ends.
trap 'docs_stop_jobs' EXIT
docs_stop_jobs() {
  local st=$? pids
  pids=$(jobs -p)
  if [ -n "$pids" ]; then
    kill $pids 2>/dev/null || true
    wait $pids 2>/dev/null || true
  fi
  return $st
}

# serve_once runs a server command (a foreground `sqlforge serve` line of the docs) until it
# printed its ready line (serve prints it once its own GET /readyz answered 200) and /readyz
# answers on its --addr, then stops it with an interrupt, as a reader would with Ctrl-C.
serve_once() {
  local addr=127.0.0.1:8080 prev="" a pid n=0 log
  for a in "$@"; do
    [ "$prev" = --addr ] && addr=$a
    case "$a" in --addr=*) addr=${a#--addr=} ;; esac
    prev=$a
  done
  log=$(mktemp "${TMPDIR:-/tmp}/serve_once.XXXXXX")
  "$@" >"$log" 2>&1 &
  pid=$!
  until grep -q '^ready: ' "$log"; do
    if ! kill -0 "$pid" 2>/dev/null; then
      wait "$pid" && a=0 || a=$?
      echo "docs test: $* exited with status $a before it was ready:" >&2
      tail -n 20 "$log" >&2
      return 1
    fi
    n=$((n + 1))
    if [ "$n" -ge 1500 ]; then
      echo "docs test: $* not ready after 300 s:" >&2
      tail -n 20 "$log" >&2
      kill "$pid"
      return 1
    fi
    sleep 0.2
  done
  if ! curl -sf "http://$addr/readyz" >/dev/null; then
    echo "docs test: $* printed its ready line but GET http://$addr/readyz fails:" >&2
    tail -n 20 "$log" >&2
    kill "$pid" 2>/dev/null
    return 1
  fi
  if ! kill -INT "$pid" 2>/dev/null; then
    echo "docs test: $* exited before it was stopped:" >&2
    tail -n 20 "$log" >&2
    return 1
  fi
  wait "$pid" || { echo "docs test: $* exited with status $? when stopped:" >&2; tail -n 20 "$log" >&2; return 1; }
}

# Gatehouse test module: runs in gatehouse/busybox-module:test (FROM scratch + Debian's static busybox).
#
# Behaviour, chosen by the command (arguments) or, without one, by MODULE_MODE:
#   run                      a line on stdout every TICK_SECONDS (default 1), until stopped
#   exit [code] [seconds]    a line every second; after `seconds` (EXIT_AFTER, default 3) a notice on stderr
#                            and exit with `code` (EXIT_CODE, default 0)
#   crashloop [code]         a notice on stderr and exit at once with `code` (EXIT_CODE, default 1); every
#                            (re)start of the same container does the same and counts itself in /tmp/starts
# Lines start with LOG_PREFIX (default `busybox-module`). SIGTERM/SIGINT: a notice on stderr, exit 0 at once.

prefix="${LOG_PREFIX:-busybox-module}"
mode="${1:-${MODULE_MODE:-run}}"
[ "$#" -gt 0 ] && shift

trap 'echo "$prefix: received a stop signal, exiting" >&2; exit 0' TERM INT

case "$mode" in
  run)
    n=0
    while true; do
      n=$((n + 1))
      echo "$prefix tick $n"
      sleep "${TICK_SECONDS:-1}" &
      wait $!
    done
    ;;
  exit)
    code="${1:-${EXIT_CODE:-0}}"
    after="${2:-${EXIT_AFTER:-3}}"
    n=0
    while [ "$n" -lt "$after" ]; do
      n=$((n + 1))
      echo "$prefix tick $n"
      sleep 1 &
      wait $!
    done
    echo "$prefix: exiting with code $code" >&2
    exit "$code"
    ;;
  crashloop)
    code="${1:-${EXIT_CODE:-1}}"
    starts=$(($(cat /tmp/starts 2>/dev/null || echo 0) + 1))
    echo "$starts" >/tmp/starts
    echo "$prefix: start #$starts, crashing with code $code" >&2
    exit "$code"
    ;;
  *)
    echo "$prefix: unknown mode '$mode' (run | exit [code] [seconds] | crashloop [code])" >&2
    exit 64
    ;;
esac

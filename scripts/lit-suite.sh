# Sourced by the test scripts. `run_lit_suite DIR [NOTE]` runs lit on the
# suite in DIR (output shown), then prints `tests: N passed, M failed [NOTE]`
# (failed: Failed + Unresolved + Timed Out + XPASS, at least 1 if lit itself
# failed) and returns non-zero on any failure.
run_lit_suite() {
  local dir=$1 note=${2:-} log status passed failed
  log=$(mktemp)
  # (written so that a caller's `set -e` does not stop it at a failure)
  /usr/lib/llvm-22/bin/lit -sv "$dir" 2>&1 | tee "$log" && status=0 || status=${PIPESTATUS[0]}
  count() { grep -E "^ *$1 *: +[0-9]+" "$log" | sed -E 's/.*: +([0-9]+).*/\1/' | head -n1; }
  passed=$(( $(count Passed || true) + 0 ))
  failed=$(( $(count Failed || true) + $(count Unresolved || true) + $(count 'Timed Out' || true) + $(count XPASS || true) + 0 ))
  rm -f "$log"
  if (( status != 0 && failed == 0 )); then failed=1; fi
  echo "tests: $passed passed, $failed failed${note:+ $note}"
  (( status == 0 && failed == 0 ))
}

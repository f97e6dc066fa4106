# Sourced by the test scripts: `lit_counts LOG` prints "PASSED FAILED" from
# the summary of a `lit -s` run (failed: Failed + Unresolved + Timed Out +
# XPASS).
lit_counts() {
  local log=$1
  count() { grep -E "^ *$1: +[0-9]+" "$log" | sed -E 's/.*: +([0-9]+).*/\1/' | head -n1; }
  local passed=$(( $(count Passed || true) + 0 ))
  local failed=$(( $(count Failed || true) + $(count Unresolved || true) + $(count 'Timed Out' || true) + $(count XPASS || true) + 0 ))
  echo "$passed $failed"
}

#!/bin/sh
# `make valgrind`: meson test runs every test through this wrapper. Compiled
# tests, and the pvgpu processes they start (exec'd: --trace-children; forked
# per client: followed too), run under memcheck; interpreters (python3 drivers)
# and other system programs run as they are, so only our code is checked.
# Every process writes its own log; the test fails (status 99) when any log
# reports an error or a definite leak, whichever process it was in (a forked
# server child's exit status would not reach the test).
# PVGPU_VALGRIND_SUPP: the suppressions file (tests/valgrind.supp).
set -eu
# Valgrind does not implement seccomp(2): the sandboxed processes run without it.
export PVGPU_SANDBOX=off
prog=$1
case "$prog" in
*/*) path=$prog ;;
*) path=$(command -v "$prog" || echo "$prog") ;;
esac
if ! head -c 4 "$path" 2>/dev/null | grep -q 'ELF'; then
	exec "$@"
fi
case "$path" in
/usr/*) exec "$@" ;; # a system tool: not ours
esac
logs=$(mktemp -d /tmp/pvgpu-valgrind.XXXXXX)
set +e
valgrind --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --track-origins=yes --trace-children=yes \
	--trace-children-skip='/usr/*,*/python3*,*/sh,*/Xvfb,*/virgl_test_server' \
	--log-file="$logs/vg.%p" --suppressions="${PVGPU_VALGRIND_SUPP:-/dev/null}" "$@"
status=$?
set -e
# A log without a summary is a process that exec'd another program: look for
# error reports themselves, not only at summaries.
bad=$(grep -lE 'ERROR SUMMARY: [1-9]|^==[0-9]+== (Invalid |Conditional jump|Use of uninit|Syscall param|Mismatched|Source and destination overlap|[0-9,]+ bytes in [0-9,]+ blocks are definitely)' \
	"$logs"/vg.* 2>/dev/null || true)
if [ -n "$bad" ]; then
	for f in $bad; do
		echo "=== memcheck: $f" >&2
		cat "$f" >&2
	done
	status=99
fi
rm -rf "$logs"
exit $status

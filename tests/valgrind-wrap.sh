#!/bin/sh
# `make valgrind`: meson test runs every test through this wrapper. Compiled
# tests (and the pvgpu binaries they start: --trace-children) run under
# memcheck; interpreters (python3 drivers) and shell scripts run as they are,
# so only our code is checked. Any error or definite leak fails the test.
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
/usr/*) exec "$@" ;; # a system tool (python3, sh): not ours
esac
exec valgrind --quiet --error-exitcode=99 --leak-check=full --errors-for-leak-kinds=definite \
	--show-leak-kinds=definite --track-origins=yes --trace-children=yes \
	--trace-children-skip='/usr/*,*/python3*,*/sh,*/Xvfb,*/virgl_test_server' \
	--child-silent-after-fork=yes \
	--suppressions="${PVGPU_VALGRIND_SUPP:-/dev/null}" "$@"

#!/bin/sh
# Checks every tracked C source against .clang-format; prints offending files.
cd "$(dirname "$0")/.." || exit 1
command -v clang-format >/dev/null 2>&1 || { echo "format-check: clang-format missing"; exit 1; }
bad=0
for f in $(git ls-files '*.c' '*.h'); do
	if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
		echo "format-check: $f is not clang-formatted (run: clang-format -i $f)"
		bad=1
	fi
done
[ $bad -eq 0 ] && echo "format-check: ok"
exit $bad

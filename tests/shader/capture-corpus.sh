#!/bin/sh
# Grows tests/shader/corpus/: runs real Mesa clients (virpipe driver) against
# pvgpu-vtest through tests/shader/tgsi-capture.py, which saves every distinct
# TGSI text Mesa sends under *our* caps profile plus the VS/FS(/GS) sets bound
# at draws (corpus/PAIRS).
#
# Developer tool only: the product and the tests never run it; they use the
# files it wrote. Needs root (private mount namespace: Mesa 22.3 hard-codes
# /tmp/.virgl_test), Xvfb, mesa-utils, glmark2-x11, glmark2-es2-x11 (es2gears)
# and piglit (Debian package "piglit", ~2 GB installed, so not in
# scripts/install-deps.sh; its tests run from their installed location).
#
# Usage: tests/shader/capture-corpus.sh [BUILD_DIR] [CORPUS_DIR]
#   BUILD_DIR   default build-sht (must contain renderer/vtest/pvgpu-vtest)
#   CORPUS_DIR  default tests/shader/corpus
# Env: PIGLIT_LIST (default tests/shader/piglit-tests.txt), DISPLAY_NUM (default 93),
#      APP_TIMEOUT seconds per app (default 60), PIGLIT_TIMEOUT (default 10),
#      CAPTURE_GROUPS (default "gears glmark2 piglit").
set -eu

here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
build=${1:-$top/build-sht}
corpus=${2:-$here/corpus}
piglit_list=${PIGLIT_LIST:-$here/piglit-tests.txt}
dnum=${DISPLAY_NUM:-93}
app_timeout=${APP_TIMEOUT:-60}
piglit_timeout=${PIGLIT_TIMEOUT:-10}
groups=${CAPTURE_GROUPS:-gears glmark2 piglit}
vtest=$build/renderer/vtest/pvgpu-vtest

[ -x "$vtest" ] || { echo "capture: build pvgpu first ($vtest missing)" >&2; exit 1; }
[ "$(id -u)" = 0 ] || { echo "capture: needs root for the private mount namespace" >&2; exit 1; }
mkdir -p "$corpus"
run=$(mktemp -d /tmp/pvgpu-capture.XXXXXX)
pids=""
proxy_pid=""
cleanup() {
	for p in $pids $proxy_pid; do kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	rm -rf "$run"
}
trap cleanup EXIT INT TERM

# Mount target for the bind mount below (a socket from another server is fine).
[ -e /tmp/.virgl_test ] || : >/tmp/.virgl_test

Xvfb ":$dnum" -screen 0 1280x1024x24 -nolisten tcp >"$run/xvfb.log" 2>&1 &
pids="$pids $!"
PVGPU_LOG=error "$vtest" --socket-path="$run/pvgpu.sock" >"$run/vtest.log" 2>&1 &
pids="$pids $!"
for _ in $(seq 50); do
	[ -S "$run/pvgpu.sock" ] && [ -e "/tmp/.X11-unix/X$dnum" ] && break
	sleep 0.1
done

start_proxy() { # $1 = source tag
	rm -f "$run/proxy.sock"
	python3 "$here/tgsi-capture.py" --listen "$run/proxy.sock" --upstream "$run/pvgpu.sock" \
		--corpus "$corpus" --source "$1" >>"$run/proxy.log" 2>&1 &
	proxy_pid=$!
	for _ in $(seq 50); do
		[ -S "$run/proxy.sock" ] && break
		sleep 0.1
	done
}
stop_proxy() {
	sleep 0.3 # let the last connection's pairs be flushed
	kill "$proxy_pid" 2>/dev/null || true
	wait "$proxy_pid" 2>/dev/null || true
}
client() { # $1 = timeout (s), rest = command
	t=$1
	shift
	timeout -s KILL "$t" unshare -m --propagation private sh -c \
		'mount --bind "$0" /tmp/.virgl_test && exec "$@"' "$run/proxy.sock" \
		env DISPLAY=":$dnum" GALLIUM_DRIVER=virpipe LIBGL_ALWAYS_SOFTWARE=1 \
		vblank_mode=0 "$@" >>"$run/client.log" 2>&1 || true
}

before=$(ls "$corpus" | grep -c '\.tgsi$' || true)
for g in $groups; do
	case $g in
	gears)
		start_proxy glxgears
		client 8 glxgears
		stop_proxy
		start_proxy es2gears
		client 8 es2gears_x11
		stop_proxy
		;;
	glmark2)
		start_proxy glmark2
		client "$app_timeout" glmark2 --validate
		stop_proxy
		;;
	piglit)
		pdir=""
		for d in /usr/lib/x86_64-linux-gnu/piglit /usr/lib/piglit; do
			[ -x "$d/bin/shader_runner" ] && pdir=$d && break
		done
		[ -n "$pdir" ] || { echo "capture: piglit not installed, skipping" >&2; continue; }
		start_proxy piglit
		n=0
		grep -v '^#' "$piglit_list" | while read -r t; do
			[ -n "$t" ] && [ -f "$pdir/$t" ] || continue
			client "$piglit_timeout" "$pdir/bin/shader_runner" "$pdir/$t" -auto -fbo
			n=$((n + 1))
			if [ $((n % 50)) = 0 ]; then
				echo "capture: piglit $n done, $(ls "$corpus" | grep -c '\.tgsi$') shaders"
			fi
		done
		stop_proxy
		;;
	*)
		echo "capture: unknown group $g" >&2
		;;
	esac
	echo "capture: after $g: $(ls "$corpus" | grep -c '\.tgsi$') shaders"
done
# Keep the corpus small (whole draw sets, feature coverage first).
python3 "$here/corpus-prune.py" "$corpus"
after=$(ls "$corpus" | grep -c '\.tgsi$' || true)
echo "capture: $((after - before)) new shaders in $corpus ($after total), $(du -sh "$corpus" | cut -f1)"

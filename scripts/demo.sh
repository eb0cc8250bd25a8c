#!/bin/bash
# make demo: start pvgpu-vtest, run glxgears through Mesa's unmodified virgl driver
# (GALLIUM_DRIVER=virpipe) against it, save a screenshot PNG and print the frame rate.
# Uses the user's X session when DISPLAY works, else a private Xvfb.
# Env: BUILD (build dir, default build), DEMO_SECONDS (default 10), DEMO_OUT (out/demo).
set -u
cd "$(dirname "$0")/.."
BUILD=${BUILD:-build}
SECS=${DEMO_SECONDS:-10}
# glxgears prints its frame rate every 5 s: run long enough for one line.
[ "$SECS" -ge 6 ] 2>/dev/null || SECS=6
OUT=${DEMO_OUT:-out/demo}
VTEST="$BUILD/renderer/vtest/pvgpu-vtest"
SHOT="$BUILD/tools/pvgpu-x11shot"
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

die() { echo "demo: $*" >&2; exit 1; }
[ -x "$VTEST" ] || die "$VTEST not built (run make build)"
command -v glxgears >/dev/null || die "glxgears missing (scripts/install-deps.sh installs mesa-utils)"

pids=()
cleanup() {
	for p in "${pids[@]}"; do kill "$p" 2>/dev/null; done
	wait 2>/dev/null
}
trap cleanup EXIT INT TERM

# --- an X display
if [ -n "${DISPLAY:-}" ] && xdpyinfo >/dev/null 2>&1; then
	echo "demo: using your X display $DISPLAY"
else
	n=90
	while [ -e "/tmp/.X11-unix/X$n" ] || [ -e "/tmp/.X$n-lock" ]; do n=$((n + 1)); done
	Xvfb ":$n" -screen 0 1024x768x24 -nolisten tcp >"$OUT/xvfb.log" 2>&1 &
	pids+=($!)
	export DISPLAY=":$n"
	for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; sleep 0.1; done
	xdpyinfo >/dev/null 2>&1 || die "Xvfb did not start (see $OUT/xvfb.log)"
	echo "demo: started Xvfb on $DISPLAY"
fi

# --- the server. Mesa 22.3 always connects to /tmp/.virgl_test; as root we give the
# client a private mount namespace with our socket bind-mounted over that path, so an
# existing server on the default path is left alone.
if [ "$(id -u)" = 0 ] && command -v unshare >/dev/null; then
	SOCK="$OUT/pvgpu.sock"
	run_client() {
		exec unshare -m --propagation private sh -c \
			'mount --bind "$0" /tmp/.virgl_test 2>/dev/null || { touch /tmp/.virgl_test && mount --bind "$0" /tmp/.virgl_test; } && exec "$@"' \
			"$SOCK" env GALLIUM_DRIVER=virpipe LIBGL_ALWAYS_SOFTWARE=1 "$@"
	}
else
	SOCK=/tmp/.virgl_test
	[ -S "$SOCK" ] && die "$SOCK is in use by another server and we are not root"
	run_client() { exec env GALLIUM_DRIVER=virpipe LIBGL_ALWAYS_SOFTWARE=1 "$@"; }
fi
rm -f "$SOCK"
"$VTEST" --socket-path="$SOCK" >"$OUT/server.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
[ -S "$SOCK" ] || die "pvgpu-vtest did not start (see $OUT/server.log)"
echo "demo: pvgpu-vtest listening on $SOCK (log: $OUT/server.log)"

# --- the guest app
echo "demo: running glxgears through Mesa virpipe for ${SECS}s ..."
run_client glxgears -info >"$OUT/glxgears.log" 2>&1 &
gears=$!
pids+=($gears)
sleep "$SECS"
if ! kill -0 "$gears" 2>/dev/null; then
	cat "$OUT/glxgears.log"
	die "glxgears exited early (server log: $OUT/server.log)"
fi
# A client killed mid-message is logged as truncated; look before stopping it.
dropped=$(grep dropped "$OUT/server.log")
if [ -x "$SHOT" ]; then
	"$SHOT" --window=glxgears "$OUT/glxgears.png" && echo "demo: screenshot $OUT/glxgears.png"
fi
# Background jobs of a non-interactive shell ignore SIGINT, so stop it with TERM.
kill -TERM "$gears" 2>/dev/null
pkill -TERM -P "$gears" 2>/dev/null
wait "$gears" 2>/dev/null

grep -m1 GL_RENDERER "$OUT/glxgears.log"
grep -m1 GL_VERSION "$OUT/glxgears.log"
grep 'frames in' "$OUT/glxgears.log" | tail -n 3
fps=$(grep 'frames in' "$OUT/glxgears.log" | tail -n 1 | sed -n 's/.*= *\([0-9.]*\) FPS/\1/p')
if [ -n "$dropped" ]; then
	echo "$dropped"
	die "the server dropped the client"
fi
[ -n "$fps" ] || die "glxgears reported no frame rate (see $OUT/glxgears.log)"
echo "demo: glxgears through pvgpu: $fps FPS (last 5 s)"

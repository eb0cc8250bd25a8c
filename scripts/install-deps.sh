#!/bin/sh
# Installs every Debian package pvgpu's build, demo and tests need.
# Idempotent: does nothing (and needs no network) when everything is already present.
# Usage: scripts/install-deps.sh [--force]   (run as root, or with sudo available)
set -eu

PKGS="
build-essential pkg-config meson ninja-build clang clang-format libclang-rt-14-dev
libseccomp-dev valgrind strace
libepoxy-dev libegl-dev libgbm-dev libdrm-dev libpng-dev libx11-dev libsdl2-dev libxtst-dev
libgl1-mesa-dri libegl-mesa0 libgl1-mesa-dev
xvfb xauth x11-utils mesa-utils glmark2-x11 glmark2-es2-x11
virgl-server libvirglrenderer-dev qemu-system-x86 qemu-system-gui
util-linux python3 glslang-tools piglit gnuplot-nox
"

missing=""
for p in $PKGS; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done

if [ -z "$missing" ] && [ "${1:-}" != "--force" ]; then
	echo "install-deps: all packages present"
	exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null 2>&1 || { echo "install-deps: need root (or sudo) to install:$missing" >&2; exit 1; }
	SUDO=sudo
fi

echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
# shellcheck disable=SC2086
$SUDO apt-get install -y --no-install-recommends $PKGS

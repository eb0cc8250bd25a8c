#!/bin/bash
# Fetch and cache what the `qemu` test suite boots: QEMU 10 from Debian
# bookworm-backports (QEMU 7.2 refuses vhost-user devices without KVM), Debian 12's
# kernel, busybox-static and, for the kmscube payload, the guest's Mesa. Everything is
# fetched with `apt-get download` through a private apt configuration (the system's own
# mirror) and unpacked with `dpkg-deb -x`: nothing is installed into the system.
#
# usage: scripts/qemu-fetch.sh [CACHE]     (default $PVGPU_QEMU_CACHE, else ~/.cache/pvgpu/qemu)
# Re-running is cheap: a part whose stamp exists is not fetched again.
# Exit status: 0 ready, 1 failure (the reason on stderr).
set -euo pipefail
C=${1:-${PVGPU_QEMU_CACHE:-$HOME/.cache/pvgpu/qemu}}
mkdir -p "$C"
C=$(cd "$C" && pwd)
A=$C/apt
log() { echo "qemu-fetch: $*" >&2; }
die() { log "$*"; exit 1; }

command -v apt-get >/dev/null || die "apt-get not found (a Debian host is needed)"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found"

# The system's mirror: deb822 sources first, then one-line sources.
mirror() {
	local f u
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		u=$(awk '/^URIs:/ && $2 !~ /security/ {print $2; exit}' "$f")
		[ -n "$u" ] && { echo "$u"; return; }
	done
	for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
		[ -f "$f" ] || continue
		u=$(awk '$1 == "deb" && $0 !~ /security/ {for (i = 2; i <= NF; i++) if ($i ~ /^https?:/) {print $i; exit}}' "$f")
		[ -n "$u" ] && { echo "$u"; return; }
	done
	echo http://deb.debian.org/debian
}

APTO=(-o Dir::Etc::SourceList="$A/sources.list" -o Dir::Etc::SourceParts=/dev/null
	-o Dir::State::Lists="$A/lists" -o Dir::Cache="$A/cache"
	-o Dir::State::Status=/var/lib/dpkg/status -o APT::Get::AllowUnauthenticated=false -o APT::Sandbox::User=root)
apt_ready() {
	[ -f "$A/updated" ] && return
	mkdir -p "$A/lists/partial" "$A/cache/archives/partial"
	local u
	u=$(mirror)
	printf 'deb %s bookworm main\ndeb %s bookworm-backports main\n' "$u" "$u" > "$A/sources.list"
	log "apt-get update ($u bookworm, bookworm-backports)"
	apt-get "${APTO[@]}" update -qq || die "apt-get update failed"
	touch "$A/updated"
}
# download PKG... into $C/debs/$1 (first argument: a group name)
download() {
	local group=$1
	shift
	mkdir -p "$C/debs/$group"
	(cd "$C/debs/$group" && apt-get "${APTO[@]}" download "$@" >/dev/null) ||
		die "apt-get download $* failed"
}
unpack() { # unpack GROUP DIR
	rm -rf "$2.tmp"
	mkdir -p "$2.tmp"
	local d
	for d in "$C/debs/$1"/*.deb; do dpkg-deb -x "$d" "$2.tmp"; done
	rm -rf "$2"
	mv "$2.tmp" "$2"
}

# 1. QEMU 10 (+ its firmware and the reference vhost-user-gpu, which is in -gui).
if [ ! -f "$C/qemu.stamp" ]; then
	apt_ready
	log "QEMU from bookworm-backports"
	download qemu qemu-system-x86/bookworm-backports qemu-system-common/bookworm-backports \
		qemu-system-data/bookworm-backports qemu-system-gui/bookworm-backports \
		seabios/bookworm-backports
	unpack qemu "$C/qemu"
	[ -x "$C/qemu/usr/bin/qemu-system-x86_64" ] || die "no qemu-system-x86_64 in the packages"
	ls "$C/debs/qemu" > "$C/qemu.stamp"
fi

# 2. Debian 12's kernel (the package linux-image-amd64 points to) and busybox-static.
if [ ! -f "$C/kernel.stamp" ]; then
	apt_ready
	kpkg=$(apt-cache "${APTO[@]}" depends linux-image-amd64/bookworm 2>/dev/null |
		awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
	[ -n "$kpkg" ] || die "cannot resolve linux-image-amd64"
	log "kernel $kpkg, busybox-static"
	download kernel "$kpkg/bookworm" busybox-static/bookworm
	unpack kernel "$C/kernel"
	kver=$(ls "$C/kernel/lib/modules")
	cp "$C/kernel/boot/vmlinuz-$kver" "$C/vmlinuz"
	# The uncompressed ELF boots through PVH and saves the xz decompression under TCG.
	python3 - "$C/vmlinuz" "$C/vmlinux" <<'PY'
import lzma, sys
d = open(sys.argv[1], 'rb').read()
i = d.find(b'\xfd7zXZ\x00')
if i < 0:
    sys.exit('vmlinuz: no xz payload')
open(sys.argv[2], 'wb').write(lzma.LZMADecompressor().decompress(d[i:]))
PY
	echo "$kver" > "$C/kernel.stamp"
fi

# 3. The guest's Mesa for kmscube: the dependency closure of kmscube and Mesa's DRI
#    drivers (the initramfs builder keeps only the shared objects actually needed).
if [ "${PVGPU_QEMU_NO_MESA:-0}" != 1 ] && [ ! -f "$C/mesa.stamp" ]; then
	apt_ready
	roots=(kmscube libgl1-mesa-dri libgbm1 libegl-mesa0 libegl1 libgles2)
	pkgs=$(apt-cache "${APTO[@]}" depends --recurse --no-recommends --no-suggests \
		--no-conflicts --no-breaks --no-replaces --no-enhances "${roots[@]}" |
		awk '/^[a-z0-9]/ {print $1}' | sort -u |
		grep -vxE 'debconf|perl-base|dpkg|tar|base-files|libc-bin|install-info|adduser|passwd|login|mount|util-linux.*|coreutils|bash|dash|debianutils|sensible-utils|mawk|ncurses-.*|lsb-base|sysvinit-utils|init-system-helpers|iso-codes|libcap2-bin' || true)
	# (tools and data the initramfs never uses are left out; the builder then keeps only
	# the shared objects kmscube, EGL and the DRI driver load)
	[ -n "$pkgs" ] || die "cannot resolve the Mesa dependency closure"
	# shellcheck disable=SC2086
	log "guest Mesa: $(echo $pkgs | wc -w) packages"
	# shellcheck disable=SC2086
	download mesa $(for p in $pkgs; do echo "$p/bookworm"; done)
	unpack mesa "$C/mesa"
	[ -f "$C/mesa/usr/lib/x86_64-linux-gnu/dri/virtio_gpu_dri.so" ] ||
		die "guest Mesa has no virtio_gpu_dri.so"
	ls "$C/debs/mesa" > "$C/mesa.stamp"
fi
log "ready in $C"
echo "$C"

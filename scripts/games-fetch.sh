#!/bin/bash
# Fetch the optional timedemo games pvgpu-bench runs when present, without
# installing anything: OpenArena 0.8.8 (ioquake3 engine; its data carries the
# demo088-test1 timedemo) and the libraries ioquake3 needs beyond the test
# dependencies, from the system's Debian mirror with `apt-get download`, unpacked
# with `dpkg-deb -x` into CACHE (about 400 MB).
#
# usage: scripts/games-fetch.sh [CACHE]   (default $PVGPU_GAMES_CACHE, else ~/.cache/pvgpu/games)
# Re-running is cheap once the stamp exists. Exit status: 0 ready, 1 failure.
set -euo pipefail
C=${1:-${PVGPU_GAMES_CACHE:-$HOME/.cache/pvgpu/games}}
PKGS=(ioquake3 openarena openarena-088-data openarena-085-data openarena-data
	openarena-081-maps openarena-081-misc openarena-081-textures openarena-081-players
	libopenal1 libopenal-data libopusfile0 libvorbisfile3)
log() { echo "games-fetch: $*" >&2; }
die() { log "$*"; exit 1; }
command -v apt-get >/dev/null || die "apt-get not found (a Debian host is needed)"
command -v dpkg-deb >/dev/null || die "dpkg-deb not found"
mkdir -p "$C"
C=$(cd "$C" && pwd)
if [ -f "$C/.stamp-openarena" ]; then
	log "ready in $C"
	exit 0
fi
D=$C/.debs
mkdir -p "$D"
log "apt-get download ${PKGS[*]}"
(cd "$D" && apt-get -o APT::Sandbox::User=root download "${PKGS[@]}" >/dev/null) ||
	die "apt-get download failed (run apt-get update first?)"
for f in "$D"/*.deb; do
	dpkg-deb -x "$f" "$C" || die "cannot unpack $f"
done
rm -rf "$D"
[ -x "$C/usr/lib/ioquake3/ioquake3" ] && [ -e "$C/usr/lib/openarena/baseoa/pak6-patch088.pk3" ] ||
	die "unpacked, but the engine or the OpenArena 0.8.8 data is missing"
touch "$C/.stamp-openarena"
log "ready in $C (pvgpu-bench finds it there)"

#!/usr/bin/env bash
# Builds the Debian package of handsetd from the tree `make install
# PREFIX=/usr` writes, with dpkg-deb, and checks it with lintian (errors
# fail; warnings are shown). Usage: scripts/deb.sh OUTDIR
# The package lands in OUTDIR as handsetd_VERSION_ARCH.deb. Its programs are
# built here, as position-independent executables (dynamically linked, as
# Debian's hardening wants) without symbols (stripped).
# DEB_VERSION and DEB_MAINTAINER override the version (from the commit) and
# the maintainer (the commit's author). DEB_COMPRESS is dpkg-deb's
# compressor (xz unless set: gzip builds in a fraction of the time, for a
# package that is only installed in a test), and DEB_LINTIAN=no skips
# lintian (a test that installs the package, where another checks it).
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:?usage: scripts/deb.sh OUTDIR}
go=${GO:-go}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
pkg=$work/pkg

"$go" build -buildmode=pie -ldflags='-s -w' -o "$work/bin/" ./cmd/... ./udev/handsetd-probe
# The same tree as `make install`, under /usr.
make --no-print-directory install-files DESTDIR="$pkg" PREFIX=/usr BIN="$work/bin" >/dev/null

version=${DEB_VERSION:-0.0~git$(git log -1 --format=%cd --date=format:%Y%m%d.%H%M%S).$(git rev-parse --short=8 HEAD)}
maintainer=${DEB_MAINTAINER:-$(git log -1 --format='%an <%ae>')}
arch=$(dpkg --print-architecture)
doc=$pkg/usr/share/doc/handsetd

# A native package's changelog, compressed as policy wants (no name, no time).
{
	echo "handsetd ($version) unstable; urgency=medium"
	echo
	echo "  * Built from commit $(git rev-parse HEAD)."
	echo
	echo " -- $maintainer  $(git log -1 --format=%cD)"
} | gzip -9n > "$doc/changelog.gz"
install -m 0644 scripts/deb/copyright "$doc/copyright"

# The shared libraries the programs link (libc, PortAudio...), as
# dpkg-shlibdeps finds them; it wants a debian/control to read.
mkdir -p "$work/src/debian"
printf 'Source: handsetd\n\nPackage: handsetd\nArchitecture: any\n' > "$work/src/debian/control"
shlibs=$(cd "$work/src" && dpkg-shlibdeps -O "${pkg}"/usr/bin/* "${pkg}"/usr/lib/udev/handsetd-probe 2>/dev/null | sed -n 's/^shlibs:Depends=//p')
[ -n "$shlibs" ] || { echo "deb: dpkg-shlibdeps found no dependencies" >&2; exit 1; }

mkdir -p "$pkg/DEBIAN"
installed_size=$(du -sk --apparent-size "$pkg" | cut -f1)
cat > "$pkg/DEBIAN/control" <<CONTROL
Package: handsetd
Version: $version
Architecture: $arch
Maintainer: $maintainer
Installed-Size: $installed_size
Depends: $shlibs
Recommends: udev, systemd
Suggests: dbus-user-session
Section: comm
Priority: optional
Description: driver for USB phone handsets speaking the Skype Phone API
 handsetd drives USB desk phones and headsets (HID Telephony devices, the
 Yealink USB-P1K family, CM109-based phones): it turns hook, keypad and
 mute into Phone API commands for a host on D-Bus or a socket, and rings
 the handset and lights its LEDs when the host says so.
 .
 The package installs udev rules that let the user at the seat open
 supported handsets without root, the probe those rules run on hidraw
 devices, and a systemd user unit that starts the driver when a handset is
 plugged in. It also holds phonesim, a firmware simulator of the supported
 handsets, and phoneapi-host, a reference Phone API host.
CONTROL
install -m 0755 scripts/deb/postinst scripts/deb/postrm "$pkg/DEBIAN/"
(cd "$pkg" && find . -path ./DEBIAN -prune -o -type f -printf '%P\0' | sort -z | xargs -0 md5sum) > "$pkg/DEBIAN/md5sums"
chmod 0644 "$pkg/DEBIAN/md5sums" "$pkg/DEBIAN/control"

mkdir -p "$out"
deb=$out/handsetd_${version}_${arch}.deb
dpkg-deb --root-owner-group -Z"${DEB_COMPRESS:-xz}" --build "$pkg" "$deb" >/dev/null
echo "deb: built $deb"
if [ "${DEB_LINTIAN:-yes}" = no ]; then
	echo "deb: lintian skipped (DEB_LINTIAN=no)"
elif command -v lintian >/dev/null; then
	# --fail-on error: warnings (no man pages yet, a Go binary's static
	# parts) are shown but do not fail.
	lintian --fail-on error --tag-display-limit 0 "$deb"
else
	echo "deb: lintian is not installed (make deps installs it)" >&2
fi

#!/usr/bin/env bash
# Prepares Debian's kernel for the in-VM tests (make test-kernel), in a cache
# directory, without installing it on the host:
#   - `apt-get download` the image package linux-image-amd64 depends on;
#   - `dpkg-deb -x` it into CACHE/VERSION/root;
#   - pull the uncompressed vmlinux out of vmlinuz (booting it under TCG is
#     much faster than letting the guest decompress itself);
#   - depmod, so that modprobe -d CACHE/VERSION/root works in the guest.
# Then it points CACHE/current at VERSION. A second run with the same kernel
# does nothing. Usage: scripts/vmkernel.sh [CACHE]   (default .cache/kernel)
set -euo pipefail
cache=${1:-.cache/kernel}
mkdir -p "$cache"
cache=$(cd "$cache" && pwd)

pkg=$(apt-cache depends linux-image-amd64 2>/dev/null | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
if [ -z "$pkg" ]; then
	apt-get update -q </dev/null >/dev/null
	pkg=$(apt-cache depends linux-image-amd64 | awk '/Depends: linux-image-[0-9]/ {print $2; exit}')
fi
[ -n "$pkg" ] || { echo "vmkernel: cannot tell which kernel linux-image-amd64 wants (is apt set up?)" >&2; exit 1; }
version=${pkg#linux-image-}
dir=$cache/$version
if [ -f "$dir/ready" ]; then
	ln -sfn "$version" "$cache/current"
	exit 0
fi

echo "vmkernel: preparing $pkg in $dir"
rm -rf "$dir"
mkdir -p "$dir/dl"
chmod 777 "$dir/dl" # apt's download user must be able to write there
(cd "$dir/dl" && apt-get download -q "$pkg" </dev/null >/dev/null)
dpkg-deb -x "$dir"/dl/*.deb "$dir/root"
rm -rf "$dir/dl"

# The bzImage holds the kernel compressed; find the stream by its magic and
# decompress it. Debian uses xz; zstd and gzip are tried too.
vmlinuz=$dir/root/boot/vmlinuz-$version
try() { # magic, decompressor...
	local magic=$1; shift
	local off
	for off in $(LC_ALL=C grep -obUaP "$magic" "$vmlinuz" | cut -d: -f1); do
		tail -c +$((off + 1)) "$vmlinuz" | "$@" >"$dir/vmlinux" 2>/dev/null || true
		if [ "$(head -c 4 "$dir/vmlinux" | od -An -tx1 | tr -d ' ')" = "7f454c46" ]; then
			return 0
		fi
	done
	return 1
}
try '\xfd\x37\x7a\x58\x5a\x00' xz -dc --single-stream ||
	try '\x28\xb5\x2f\xfd' zstd -dc ||
	try '\x1f\x8b\x08' gzip -dc ||
	{ echo "vmkernel: found no ELF kernel inside $vmlinuz" >&2; exit 1; }

depmod -b "$dir/root" "$version"
echo "$version" >"$dir/version"
touch "$dir/ready"
ln -sfn "$version" "$cache/current"
# Older kernels are of no use any more: each takes about 400 MB.
for old in "$cache"/*/; do
	old=${old%/}
	[ "$old" = "$dir" ] || [ -L "$old" ] || rm -rf "$old"
done
echo "vmkernel: ready: $dir"

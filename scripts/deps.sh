#!/usr/bin/env bash
# Installs the named Debian packages that are not installed yet. Safe to run
# any number of times; it never prompts (CI has no stdin).
set -euo pipefail
missing=()
for p in "$@"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
	exit 0
fi
sudo=""
if [ "$(id -u)" -ne 0 ]; then
	command -v sudo >/dev/null || { echo "deps: need root to install: ${missing[*]}" >&2; exit 1; }
	sudo="sudo -n"
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get install -y --no-install-recommends "${missing[@]}" </dev/null ||
	{ $sudo apt-get update -q </dev/null && $sudo apt-get install -y --no-install-recommends "${missing[@]}" </dev/null; }

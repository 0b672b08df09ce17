#!/usr/bin/env bash
# Runs every fuzz target in the module for the given time each. A target that
# finds a failure does not stop the others: each is run, and the script fails
# at the end, naming the targets that failed (their inputs are written under
# the package's testdata/fuzz, where they join the seed corpus once fixed).
set -uo pipefail
t=${1:-30s}
failed=()
for pkg in $(go list ./...); do
	for f in $(go test -list '^Fuzz' "$pkg" | grep '^Fuzz' || true); do
		echo "== $pkg $f"
		go test -run '^$' -fuzz "^$f\$" -fuzztime "$t" "$pkg" || failed+=("$pkg $f")
	done
done
if [ ${#failed[@]} -gt 0 ]; then
	printf 'fuzz: failed: %s\n' "${failed[@]}"
	exit 1
fi
echo "fuzz: every target ran $t without a failure"

//go:build race

package kerneltest

// raceBuild is true when the test binary has the race detector: the
// programs built for the guest then get it too, sharing the build cache.
const raceBuild = true

// Command handsetd-bench measures handsetd against its transports' own
// limits and writes BENCHMARKS.md.
//
// Every headline is a ratio of two figures measured side by side in one
// run, because the machines it runs on are noisy: a key press through the
// driver against a bare round trip on the same bus or socket, a ring
// against the same bare round trip. Idle cost, scale and start-up are
// measured on a real handsetd process (exec'd, so /proc tells its own
// context switches, CPU time and memory), with the simulated handsets and
// the host served from this process.
//
//	handsetd-bench [-out BENCHMARKS.md] [-short] [-handsetd bin/handsetd] [-micro FILE] [-fuzz FILE]
//	handsetd-bench -peer-only [-peer-samples 200] [-out BENCHMARKS.md]
//	handsetd-bench -latency-only [-latency-paths dbus,stream] [-samples 2000] [-cpuprofile FILE]
//
// The comparison with the kernel's own yealink.ko runs in a VM: it is the
// test TestKernelPeerLatency of package firmware-sim/kerneltest, which
// this command runs (go test) and whose figures it reads; without the
// prepared kernel the report says it was not measured. -peer-only runs
// only it and replaces its section in an existing report.
//
// -latency-only measures only the latency pairs, in this process, and
// prints their ratio table to stdout without touching the report: the
// quick loop while working on the key → command path.
//
// BENCH_SHORT=1 (or -short) runs every measurement briefly, for tests.
package main

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
//
// BENCH_SHORT=1 (or -short) runs every measurement briefly, for tests.
package main

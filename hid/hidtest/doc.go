// Package hidtest provides hid.Device doubles for tests, and the conformance
// suite every real backend must pass.
//
// Three tools, from loosest to strictest:
//
//   - Fake is a device whose far end is the test: it queues input reports,
//     records output reports, serves feature reports from a table, and can
//     be unplugged. Use it to drive code that reads and writes freely.
//   - Playback replays a recorded conversation (read this report, expect
//     exactly these bytes written, ...) and fails on any departure and on
//     steps left over, like periph.io's conntest.Playback. Use it to pin the
//     exact bytes a profile or the driver sends.
//   - Conformance runs the semantics of hid.Device (id byte first,
//     truncation, ctx cancellation, Close, unplug) against any backend: the
//     Fake here, the firmware simulator's socket client, hidraw.
//
// Open and ReadReport are the two steps every test of a device user
// repeats, bounded by Limit.
package hidtest

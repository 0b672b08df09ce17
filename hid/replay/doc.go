// Package replay turns a HID recording (package hidrec, the hid-tools
// format) into a hid.Device, and records a live hid.Device into one.
//
// A replayed Device plays the recorded input reports at their recorded pace
// on an injectable clock, or back to back with Options.Fast, then either
// ends with ErrFinished (which wraps hid.ErrDisconnected: the recorded
// device is gone) or, with Options.Hold, stays present and silent like a
// handset nobody touches. Playback starts at the first ReadInput, or when
// Options.Start is closed, so a caller can hold the first report back until
// whoever consumes the events (a host session) is ready.
//
// Replay of a polled device. Some handsets speak only when asked: the
// first Yealink generation answers each request with a reply that starts
// with the request's command byte, and its driver drops a reply to anything
// but its current request. Played back to back, such a recording would
// arrive before the questions and every key would be lost; even at the
// recorded pace a reply can come a moment before the host asks. So a
// recording given Options.Answers releases each report, at its recorded time or at once
// with Fast, only once the host has written, since the previous report was
// released, an output report the report answers (SameCommand: same command
// byte); outputs the device does not answer (LED, LCD…) release nothing.
// The replies thus reach the host in the order it asks, and with Fast its
// own polling sets the pace. Which devices answer only when asked is the
// caller's knowledge, not this package's: handsetd asks its device table
// (keymap.AnswersRequests), the simulator its firmware models
// (firmwaresim.AnswersRequests); both then pass SameCommand. A reply waits at most AnswerWait for its
// request, so a recording that answers requests this host never makes
// (another driver's, a 0xfd for a damaged packet) still plays to its end.
//
// A replay cannot react otherwise: output and feature reports the driver writes are
// accepted and handed to Options.OnOutput, and change nothing; GetFeature
// fails with hid.ErrUnsupported, since a recording holds no feature reports.
//
// Report bytes are converted between the two conventions: a recording holds
// what hidraw returns (no id byte for a device without report ids), a
// hid.Device always puts the id byte first (0 for such a device). Whether a
// device has report ids is read from its descriptor.
//
// A Recorder wraps a live hid.Device: every input report read through it is
// also written, timed on its clock from the first report, to a
// hidrec.Writer; output reports written through it are noted as # comments.
package replay

// Package dbusd runs a private D-Bus message bus: a dbus-daemon of our own
// on one unix socket, for the tests (through package dbustest) and the
// benchmarks, which must not touch the desktop's session bus.
//
// The daemon's config file is written for the run: the socket in a
// directory the caller gives, EXTERNAL (uid) authentication, a policy that
// lets any connection own any name, and a chosen
// max_replies_per_connection. What the daemon prints on stderr (a refused
// call among it) is kept, and passed on to an optional log function.
package dbusd

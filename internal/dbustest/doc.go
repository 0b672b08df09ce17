// Package dbustest starts a private D-Bus message bus for tests.
//
// A message bus is a daemon that routes messages between the programs
// connected to it; the desktop runs one per login session. Tests must not
// touch that one, so Start runs its own dbus-daemon with a config file
// written for the test: one unix socket in the test's temporary directory,
// EXTERNAL (uid) authentication, and a policy that lets any connection own
// any name. The daemon is stopped when the test ends.
package dbustest

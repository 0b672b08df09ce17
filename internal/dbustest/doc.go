// Package dbustest starts a private D-Bus message bus for tests (package
// dbusd runs it): the daemon's complaints go to the test log, it is
// stopped when the test ends, and a machine without dbus-daemon skips the
// test, saying how to install it.
package dbustest

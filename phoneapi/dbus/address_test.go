package dbus

import "testing"

// TestBusAddressesAccepted proves the D-Bus addresses a bus really has
// pass the check that lets handsetd refuse typos at start: named buses, unix sockets by
// path or abstract name (with the daemon's guid), TCP, and alternatives.
func TestBusAddressesAccepted(t *testing.T) {
	for _, a := range []string{"", "system", "session", "unix:path=/run/user/1000/bus",
		"unix:abstract=/tmp/dbus-x,guid=0123456789abcdef", "tcp:host=127.0.0.1,port=4000",
		"unix:path=/tmp/a;tcp:host=localhost,port=1", "unix:path=/tmp/with%20space"} {
		if err := CheckAddress(a); err != nil {
			t.Errorf("CheckAddress(%q) = %v, want nil", a, err)
		}
	}
}

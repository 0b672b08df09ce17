// Package refhost is a reference Phone API host: it models calls the way the
// Phone API describes them, driven by its devices (hook, keys, mute,
// access-API commands) and by a control language standing in for the remote
// parties. cmd/phoneapi-host serves it on a stream socket and on D-Bus;
// tests use it as the peer of the driver. What a device's hook and keys do
// to the calls is decided by package callrules, the rules the driver's
// access mode uses too.
//
// It lives apart from package phoneapi so that the driver, which speaks the
// protocol, does not link a host.
package refhost

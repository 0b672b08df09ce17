// Package dbus carries Phone API lines over D-Bus the way Skype for Linux
// did, so handsetd reaches any host that offers that contract and the
// reference host accepts the clients written for it.
//
// The contract has two halves. The host owns the well-known bus name
// com.Skype.API and serves, on the object /com/Skype, interface
// com.Skype.API, one method: Invoke(s) → s. A client calls it with one
// command line and gets the host's answer to that command as the return
// value. Everything the host says unprompted (call notifications, MUTE)
// arrives the other way: the client exports /com/Skype/Client, interface
// com.Skype.API.Client, method Notify(s), and the host calls it on the
// client's unique bus name.
//
// Dial gives the device side as a phoneapi.Transport: WriteLine is an
// Invoke, and ReadLine returns the Invoke replies and the Notify lines in the
// order they crossed the bus. That order takes care: a D-Bus library
// typically runs every incoming method call in its own goroutine, so two
// Notify calls can overtake each other. This package instead looks at every
// incoming message on the connection's single reader, before any dispatch,
// and queues the lines there; the exported Notify method only acknowledges.
//
// The host's presence is followed through the bus daemon's NameOwnerChanged
// signal for com.Skype.API: Dial waits for an owner, and a Transport ends
// (ErrClosed) as soon as the owner it talked to leaves the bus.
//
// Serve is the host side: it puts a Host (such as refhost.Host) on the bus
// under com.Skype.API, one Host client per calling unique name.
//
// Bus addresses: "" is the session bus, "system" the system bus, anything
// else a D-Bus address such as "unix:path=/run/phone/bus".
package dbus

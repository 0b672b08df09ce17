// Command handsetd is the driver: it runs USB phone handsets against a Phone
// API host.
//
//	handsetd run --device SPEC [--device SPEC ...] --host SPEC [--fast] [--config FILE] [--cm109-model NAME]
//	handsetd monitor --device SPEC [--fast] [--config FILE] [--cm109-model NAME]
//	handsetd record --device SPEC [--passive] [--outputs] > FILE.hid
//	handsetd demo [--model MODEL] [--script FILE]
//
// run drives every named handset, each with its own host connection. monitor
// prints the Phone API line each event of a handset would become. record
// writes what a handset sends in the hid-recorder format; replay:FILE.hid as
// a device SPEC plays such a recording back (package replay), once, at its
// recorded pace or with --fast back to back. run and monitor apply the keymap
// overrides of the config file (package config). demo runs phonesim
// (--model) and phoneapi-host as child processes on private sockets, found
// beside handsetd or on PATH, and the driver between them in this process,
// connected by the SPECs run takes: an interactive view on a terminal, a
// script otherwise (the built-in one takes the steps the model can).
//
// hidraw:/dev/hidrawN as a device SPEC opens a real HID-class handset
// through the kernel's hidraw node (package hidraw), leaving it bound to
// the kernel; sim:unix:PATH reaches a handset served by phonesim.
//
// --cm109-model names the keymap of a CM109-based phone (atcom, gtalk,
// kip1000, usbph01), which its USB identity cannot tell.
package main

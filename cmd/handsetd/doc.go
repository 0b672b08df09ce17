// Command handsetd is the driver: it runs USB phone handsets against a Phone
// API host.
//
//	handsetd run --device SPEC [--device SPEC ...] --host SPEC [--cm109-model NAME]
//	handsetd monitor --device SPEC [--cm109-model NAME]
//	handsetd demo [--script FILE]
//
// run drives every named handset, each with its own host connection. monitor
// prints the Phone API line each event of a handset would become. demo runs a
// simulated handset, the driver and the reference host in one process: an
// interactive view on a terminal, a script otherwise.
//
// --cm109-model names the keymap of a CM109-based phone (atcom, gtalk,
// kip1000, usbph01), which its USB identity cannot tell.
package main

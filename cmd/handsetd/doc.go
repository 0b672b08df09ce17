// Command handsetd is the driver: it runs USB phone handsets against a Phone
// API host.
//
//	handsetd run --device SPEC [--device SPEC ...] --host SPEC
//	handsetd monitor --device SPEC
//	handsetd demo [--script FILE]
//
// run drives every named handset, each with its own host connection. monitor
// prints the Phone API line each event of a handset would become. demo runs a
// simulated handset, the driver and the reference host in one process: an
// interactive view on a terminal, a script otherwise.
package main

// Package e2e holds end-to-end tests: the real programs (phonesim,
// handsetd, phoneapi-host) run as separate processes on a private D-Bus bus,
// and the tests drive them through their stdin control languages and read
// what they report, the way a user at three terminals would.
//
// TestMain builds the three binaries once into a temporary directory. A
// test that needs the driver in-process (to count its goroutines and file
// descriptors) runs driver.Run itself and keeps only the host as a process.
package e2e

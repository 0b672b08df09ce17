// Package handsettest makes the simulated handsets the servers' tests
// (uhidserve, usbipserve) drive: the generic model on a fake clock, and its
// report descriptor. It is apart from simtest because the firmware
// package's own tests use simtest, which therefore cannot import the
// firmware package.
package handsettest

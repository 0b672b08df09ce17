// Package simtest holds what the tests of the firmware models and of their
// servers (uhidserve, usbipserve) share: waiting on a handset's state and
// building the Yealink packets the models answer.
//
// It imports no firmware model, so the models' own tests can use it too;
// pass a handset's Changed and State methods to WaitState.
package simtest

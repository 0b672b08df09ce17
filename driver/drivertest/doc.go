// Package drivertest lets a test wait on what a running driver observes:
// an Observer is a driver.Config's Observe func that keeps the newest
// Observation and wakes the tests waiting for a condition on it.
package drivertest

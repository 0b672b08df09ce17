// Package clock lets timing code take its notion of time as a parameter, so
// tests drive timers by hand instead of sleeping.
package clock

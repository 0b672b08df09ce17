// Package control reads the line-based control languages of phonesim and
// phoneapi-host from stdin: one command per line, each answered with one
// line. A line too long to be a command is reported as such and skipped, so
// one bad line never ends the program.
package control

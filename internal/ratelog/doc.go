// Package ratelog keeps a flood of bad input from flooding the log: a peer
// that streams garbage gets its first bad line logged, then at most one line
// per interval that counts what was suppressed in between.
package ratelog

// Package backoff spaces out retries (reconnecting to a host, reopening a
// handset) exponentially, with jitter, on an injectable clock.
package backoff

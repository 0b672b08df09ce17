// Package linequeue is an unbounded FIFO of lines with a wake-up channel:
// the in-memory Phone API pipe and the reference host's per-client outbox
// both need writes that never block (so in-process peers cannot deadlock
// writing to each other) and a reader that waits in a select.
package linequeue

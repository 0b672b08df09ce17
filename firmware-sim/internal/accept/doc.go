// Package accept is the accept loop the simulator's servers share (the UHID
// socket, USB/IP and replay servers): one goroutine per connection, and a
// shutdown that waits for all of them.
package accept

package accept

import (
	"context"
	"fmt"
	"net"
	"sync"
)

// Loop accepts connections on ln and runs serve on each in its own
// goroutine, until ctx is done or done is closed (a nil done never is);
// then it closes ln and returns nil once every serve has returned. op names
// the server in the error of a failed Accept.
func Loop(ctx context.Context, ln net.Listener, done <-chan struct{}, op string, serve func(context.Context, net.Conn)) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	go func() {
		select {
		case <-done:
			cancel()
		case <-ctx.Done():
		}
	}()
	stop := context.AfterFunc(ctx, func() { ln.Close() })
	defer stop()
	var wg sync.WaitGroup
	defer wg.Wait()
	for {
		c, err := ln.Accept()
		if err != nil {
			ln.Close()
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("%s: accept: %w", op, err)
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			serve(ctx, c)
		}()
	}
}

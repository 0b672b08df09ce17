package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"

	"github.com/handsetd/handsetd/internal/control"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/stream"
)

// lineWriter keeps stdout whole-line: traffic from many connections and
// control answers never interleave within a line.
type lineWriter struct {
	mu  sync.Mutex
	w   io.Writer
	err error
}

func (lw *lineWriter) line(s string) {
	lw.mu.Lock()
	defer lw.mu.Unlock()
	if lw.err == nil {
		_, lw.err = io.WriteString(lw.w, s+"\n")
	}
}

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("phoneapi-host", flag.ContinueOnError)
	fs.SetOutput(stderr)
	listen := fs.String("listen", "", "where to listen: unix:PATH or tcp:HOST:PORT")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *listen == "" || fs.NArg() > 0 {
		fs.Usage()
		return errors.New("give --listen unix:PATH or --listen tcp:HOST:PORT, and no other arguments")
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	out := &lineWriter{w: stdout}
	host := phoneapi.NewHost(phoneapi.HostOptions{
		Logger: log,
		OnLine: func(_ string, dir phoneapi.Direction, line string) { out.line(dir.String() + " " + line) },
	})

	if err := removeStaleSocket(ctx, *listen); err != nil {
		return err
	}
	l, err := stream.Listen(*listen)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		_ = l.Close() // also removes a unix socket file
		wg.Wait()
	}()
	log.Info("listening", "addr", *listen)

	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			c, err := l.Accept()
			if err != nil {
				if ctx.Err() == nil && !errors.Is(err, net.ErrClosed) {
					log.Error("accept failed; no new devices can connect", "err", err)
				}
				return
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				if err := host.Serve(ctx, stream.New(c)); err != nil && ctx.Err() == nil {
					log.Warn("connection ended", "err", err)
				}
			}()
		}
	}()

	// Reading stdin cannot be interrupted, so this goroutine is not waited
	// for; it stops at the next line or EOF.
	lines := make(chan control.Line)
	stdinDone := make(chan error, 1)
	go func() {
		stdinDone <- control.Read(ctx, stdin, phoneapi.MaxLineLen, lines)
	}()

	for {
		select {
		case <-ctx.Done():
			log.Info("stopping", "reason", context.Cause(ctx))
			return nil
		case err := <-stdinDone:
			if err != nil && ctx.Err() == nil {
				return fmt.Errorf("reading control lines from stdin: %w", err)
			}
			log.Info("stdin closed; stopping")
			return nil
		case l := <-lines:
			if l.Err != nil {
				out.line("error: " + l.Err.Error())
				continue
			}
			if strings.TrimSpace(l.Text) == "quit" {
				out.line("ok")
				return nil
			}
			out.line(host.Exec(l.Text))
		}
	}
}

// removeStaleSocket deletes a unix socket file that nobody listens on, left
// behind by a host that was killed; a live one is an error.
func removeStaleSocket(ctx context.Context, spec string) error {
	network, path, err := stream.ParseSpec(spec)
	if err != nil || network != "unix" {
		return err
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode()&os.ModeSocket == 0 {
		return nil // absent, or not a socket: let Listen report it
	}
	t, err := stream.Dial(ctx, spec)
	if err == nil {
		_ = t.Close()
		return fmt.Errorf("another host is already listening on %s; stop it or pick another path", path)
	}
	if err := os.Remove(path); err != nil {
		return fmt.Errorf("removing stale socket %s: %w", path, err)
	}
	return nil
}

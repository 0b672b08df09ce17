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
	phonedbus "github.com/handsetd/handsetd/phoneapi/dbus"
	"github.com/handsetd/handsetd/phoneapi/refhost"
	"github.com/handsetd/handsetd/phoneapi/stream"
)

// errUsage marks a command-line mistake, already reported with the usage;
// main exits 2 for it.
var errUsage = errors.New("usage error")

// busFlag is --dbus[=ADDRESS]: alone it means the session bus.
type busFlag struct {
	set     bool
	address string
}

func (b *busFlag) String() string   { return b.address }
func (b *busFlag) IsBoolFlag() bool { return true }
func (b *busFlag) Set(v string) error {
	switch v {
	case "true":
		b.set, b.address = true, ""
	case "false":
		b.set = false
	default:
		b.set, b.address = true, v
	}
	return nil
}

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
	var bus busFlag
	fs.Var(&bus, "dbus", "serve com.Skype.API on D-Bus: --dbus (session bus), --dbus=system, --dbus=ADDRESS")
	fs.Usage = func() {
		fmt.Fprint(fs.Output(), "usage: phoneapi-host --listen unix:PATH|tcp:HOST:PORT [--dbus[=ADDRESS]]\n"+
			"       phoneapi-host --dbus[=system|=ADDRESS]\n\n"+
			"The reference Phone API host. It reads its control language on stdin (call in, answer, hangup, mute,\n"+
			"send, state, quit) and prints every line it exchanges on stdout.\n\nflags:\n")
		fs.PrintDefaults()
	}
	var buf strings.Builder
	fs.SetOutput(&buf)
	err := fs.Parse(args)
	fs.SetOutput(stderr)
	switch {
	case errors.Is(err, flag.ErrHelp):
		fmt.Fprint(stdout, buf.String())
		return nil
	case err != nil:
		fmt.Fprintf(stderr, "phoneapi-host: %v\n", err)
		fs.Usage()
		return errUsage
	}
	if (*listen == "" && !bus.set) || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "phoneapi-host: give --listen unix:PATH, --listen tcp:HOST:PORT or --dbus[=ADDRESS] (or both), and no other arguments")
		fs.Usage()
		return errUsage
	}
	log := slog.New(slog.NewTextHandler(stderr, nil))
	out := &lineWriter{w: stdout}
	host := refhost.New(refhost.Options{
		Logger: log,
		OnLine: func(_ string, dir phoneapi.Direction, line string) { out.line(dir.String() + " " + line) },
	})

	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer func() {
		cancel()
		wg.Wait()
	}()
	busErr := make(chan error, 1)
	if bus.set {
		ready := make(chan struct{})
		wg.Add(1)
		go func() {
			defer wg.Done()
			busErr <- phonedbus.Serve(ctx, bus.address, host, phonedbus.ServeOptions{Logger: log, Ready: func() { close(ready) }})
		}()
		select {
		case <-ready:
		case err := <-busErr:
			return fmt.Errorf("serve on D-Bus: %w", err)
		}
	}
	if *listen != "" {
		if err := serveStream(ctx, *listen, host, log, &wg); err != nil {
			return err
		}
	}
	return serveControl(ctx, stdin, out, host, log, busErr)
}

// serveStream accepts stream connections on spec until ctx ends.
func serveStream(ctx context.Context, spec string, host *refhost.Host, log *slog.Logger, wg *sync.WaitGroup) error {
	if err := removeStaleSocket(ctx, spec); err != nil {
		return err
	}
	l, err := stream.Listen(spec)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", spec)
	wg.Add(1)
	go func() {
		defer wg.Done()
		<-ctx.Done()
		_ = l.Close() // also removes a unix socket file
	}()
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
	return nil
}

// serveControl runs the control language from stdin until it ends, "quit", ctx
// ends, or the bus connection fails.
func serveControl(ctx context.Context, stdin io.Reader, out *lineWriter, host *refhost.Host, log *slog.Logger, busErr <-chan error) error {
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
		case err := <-busErr:
			return fmt.Errorf("serve on D-Bus: %w", err)
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

package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/handsetd/handsetd/firmware-sim/uhidserve"
	"github.com/handsetd/handsetd/firmware-sim/usbipserve"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/control"
)

// errUsage marks a command-line mistake; the usage is already printed.
var errUsage = errors.New("usage error")

func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fl := flag.NewFlagSet("phonesim", flag.ContinueOnError)
	fl.SetOutput(stderr)
	model := fl.String("model", "generic-telephony", "firmware model to play (see --models)")
	listen := fl.String("listen", "", "where to serve the handset as UHID events: unix:PATH")
	usbipAt := fl.String("usbip", "", "where to serve the handset as a USB device over USB/IP: unix:PATH, or stdio (one connection on stdin/stdout)")
	list := fl.Bool("models", false, "list the models and exit")
	timeout := fl.Duration("hook-timeout", time.Second, "how long the firmware waits for the host to acknowledge a hook change")
	serial := fl.String("serial", "SIM0001", "USB serial number")
	unplugged := fl.Bool("unplugged", false, "start with the handset unplugged")
	verbose := fl.Bool("v", false, "log debug messages")
	logFile := fl.String("log", "", "append log messages to FILE instead of stderr; with --usbip stdio, logs are discarded unless --log is given (qemu's guestfwd shows stderr to the guest, which breaks usbip attach)")
	replayFile := fl.String("replay", "", "serve a hid-recorder recording (FILE.hid or FILE.hid#N) instead of a firmware model")
	fast := fl.Bool("fast", false, "with --replay: send the reports as fast as the client reads them")
	autoplay := fl.Bool("autoplay", false, "with --replay: play as soon as a client opens the device, without waiting for the play command")
	fl.Usage = func() {
		fmt.Fprintf(fl.Output(), "usage: phonesim [--listen unix:PATH] [--usbip unix:PATH|stdio] [--model MODEL] [--log FILE] [flags]\n       phonesim --listen unix:PATH --replay FILE.hid [--fast] [--autoplay]\n       phonesim --models\n\nflags:\n")
		fl.PrintDefaults()
	}
	var helpBuf strings.Builder
	fl.SetOutput(&helpBuf)
	err := fl.Parse(args)
	fl.SetOutput(stderr)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			_, _ = io.WriteString(stdout, helpBuf.String()) // --help: the usage, on stdout
			return nil
		}
		_, _ = io.WriteString(stderr, helpBuf.String())
		return errUsage
	}
	if fl.NArg() > 0 {
		fmt.Fprintf(stderr, "phonesim: unexpected argument %q\n", fl.Arg(0))
		fl.Usage()
		return errUsage
	}
	if *list {
		for _, m := range firmwaresim.Models() {
			fmt.Fprintf(stdout, "%s\t%s\n", m.Name, m.Description)
		}
		return nil
	}
	var path, usbipPath string
	if *listen != "" || *usbipAt == "" {
		p, ok := strings.CutPrefix(*listen, "unix:")
		if !ok || p == "" {
			fmt.Fprintf(stderr, "phonesim: --listen unix:PATH is required unless --usbip is given (got --listen %q)\n", *listen)
			fl.Usage()
			return errUsage
		}
		path = p
	}
	stdio := *usbipAt == "stdio"
	if *usbipAt != "" && !stdio {
		p, ok := strings.CutPrefix(*usbipAt, "unix:")
		if !ok || p == "" {
			fmt.Fprintf(stderr, "phonesim: --usbip takes unix:PATH or stdio (got %q)\n", *usbipAt)
			fl.Usage()
			return errUsage
		}
		usbipPath = p
	}
	if stdio && path != "" {
		fmt.Fprintf(stderr, "phonesim: --usbip stdio uses stdin for USB/IP, so it cannot be combined with --listen\n")
		fl.Usage()
		return errUsage
	}
	if *timeout <= 0 {
		fmt.Fprintf(stderr, "phonesim: --hook-timeout must be positive (got %v)\n", *timeout)
		fl.Usage()
		return errUsage
	}

	level := slog.LevelInfo
	if *verbose {
		level = slog.LevelDebug
	}
	logOut := stderr
	switch {
	case *logFile != "":
		f, err := os.OpenFile(*logFile, os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("open the log file: %w (choose a writable --log path)", err)
		}
		defer f.Close()
		logOut = f
	case stdio:
		// Under qemu's guestfwd (or inetd) stderr may reach the peer:
		// one stray byte breaks the USB/IP conversation.
		logOut = io.Discard
	}
	log := slog.New(slog.NewTextHandler(logOut, &slog.HandlerOptions{Level: level}))
	if *replayFile != "" {
		modelSet := false
		fl.Visit(func(f *flag.Flag) { modelSet = modelSet || f.Name == "model" })
		if modelSet {
			fmt.Fprintln(stderr, "phonesim: --replay and --model exclude each other: a recording is not a firmware model")
			return errUsage
		}
		if path == "" || usbipPath != "" || stdio {
			fmt.Fprintln(stderr, "phonesim: --replay serves a recording with --listen unix:PATH only (not over USB/IP)")
			return errUsage
		}
		return runReplay(ctx, replayArgs{file: *replayFile, listen: path, fast: *fast, autoplay: *autoplay}, stdin, stdout, log)
	}

	h, err := firmwaresim.New(*model, firmwaresim.Options{
		HookTimeout: *timeout, Serial: *serial, Unplugged: *unplugged, Logger: log,
	})
	if err != nil {
		return fmt.Errorf("%w (list them with phonesim --models)", err)
	}
	defer h.Close()

	if stdio {
		// One USB/IP connection on stdin/stdout, as qemu's guestfwd or
		// inetd start it; there is no control language then.
		log.Info("serving simulated handset over USB/IP on stdio", "model", *model)
		return usbipserve.ServeConn(ctx, stdioConn{stdin, stdout}, h)
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var serveErr, usbipErr error
	serveDone := make(chan struct{})
	usbipDone := make(chan struct{})
	if path != "" {
		ln, err := listenUnix(path)
		if err != nil {
			return err
		}
		// Serve closes ln, and closing a listener it created unlinks the socket.
		log.Info("serving simulated handset", "model", *model, "listen", *listen)
		go func() {
			defer close(serveDone)
			serveErr = uhidserve.Serve(ctx, ln, h)
		}()
	}
	if usbipPath != "" {
		ln, err := listenUnix(usbipPath)
		if err != nil {
			cancel()
			if path != "" {
				<-serveDone
			}
			return err
		}
		log.Info("serving simulated handset over USB/IP", "model", *model, "usbip", *usbipAt, "busid", usbipserve.BusID)
		go func() {
			defer close(usbipDone)
			usbipErr = usbipserve.Serve(ctx, ln, h)
		}()
	}
	if path == "" {
		close(serveDone)
		serveDone = usbipDone
	} else if usbipPath == "" {
		close(usbipDone)
	}

	lines := make(chan control.Line)
	go func() {
		// This goroutine may outlive run while it blocks on stdin; it
		// exits at the next line or EOF.
		defer close(lines)
		if err := control.Read(ctx, stdin, maxControlLine, lines); err != nil && ctx.Err() == nil {
			log.Warn("reading commands", "err", err)
		}
	}()

	err = loop(ctx, h, lines, stdout, serveDone)
	cancel()
	<-serveDone
	<-usbipDone
	log.Info("stopped")
	if serveErr != nil {
		return serveErr
	}
	if usbipErr != nil {
		return usbipErr
	}
	return err
}

// maxControlLine bounds a control line; no command comes near it.
const maxControlLine = 4096

// loop answers command lines until EOF, quit or ctx. After "watch" it also
// prints "state {json}" at once and after every change of the handset.
func loop(ctx context.Context, h *firmwaresim.Handset, lines <-chan control.Line, stdout io.Writer, serveDone <-chan struct{}) error {
	out := &lineOut{w: bufio.NewWriter(stdout)}
	ctx, cancel := context.WithCancel(ctx)
	var watching sync.WaitGroup
	defer watching.Wait()
	defer cancel()
	watched := false
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-serveDone:
			if ctx.Err() != nil {
				return nil // Serve saw the same cancellation first
			}
			return errors.New("the simulator stopped serving")
		case l, ok := <-lines:
			if !ok {
				return nil // EOF
			}
			f := strings.Fields(l.Text)
			var err error
			switch {
			case l.Err != nil:
				err = out.line("error: " + l.Err.Error())
			case len(f) == 0:
				continue
			case strings.EqualFold(f[0], "watch"):
				if len(f) != 1 {
					err = out.line("error: watch takes no argument")
					break
				}
				// "ok" first, then the states: the watch starts after it.
				if err = out.line("ok"); err == nil && !watched {
					watched = true
					watching.Add(1)
					go func() {
						defer watching.Done()
						watch(ctx, h, out)
					}()
				}
			default:
				err = out.line(h.Exec(l.Text))
			}
			if err != nil {
				return fmt.Errorf("write answer: %w", err)
			}
			if len(f) == 1 && strings.EqualFold(f[0], "quit") {
				return nil
			}
		}
	}
}

// watch prints the handset's state as "state {json}" at once and after
// every change, until ctx ends or stdout fails.
func watch(ctx context.Context, h *firmwaresim.Handset, out *lineOut) {
	var last []byte
	for {
		changed := h.Changed() // before State: no change is missed
		b, err := json.Marshal(h.State())
		if err != nil {
			return
		}
		if !bytes.Equal(b, last) {
			if out.line("state "+string(b)) != nil {
				return
			}
			last = b
		}
		select {
		case <-ctx.Done():
			return
		case <-changed:
		}
	}
}

// lineOut writes whole lines to stdout for the command loop and the watch.
type lineOut struct {
	mu sync.Mutex
	w  *bufio.Writer
}

func (o *lineOut) line(s string) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.w.WriteString(s)
	o.w.WriteByte('\n')
	return o.w.Flush()
}

// listenUnix listens at path, first removing a stale socket file that
// nothing answers on. It never removes a live socket or a non-socket file.
func listenUnix(path string) (net.Listener, error) {
	if fi, err := os.Lstat(path); err == nil {
		if fi.Mode().Type() != fs.ModeSocket {
			return nil, fmt.Errorf("listen on %s: the path exists and is not a socket; choose another path", path)
		}
		c, err := net.DialTimeout("unix", path, time.Second)
		if err == nil {
			c.Close()
			return nil, fmt.Errorf("listen on %s: another simulator is serving there; stop it or choose another path", path)
		}
		if !errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("listen on %s: cannot tell whether the socket is stale: %w", path, err)
		}
		if err := os.Remove(path); err != nil {
			return nil, fmt.Errorf("remove stale socket %s: %w", path, err)
		}
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		return nil, fmt.Errorf("listen on %s: %w", path, err)
	}
	return ln, nil
}

// stdioConn joins standard input and output into one connection.
type stdioConn struct {
	io.Reader
	io.Writer
}

// Close closes whichever side can be closed; with os.Stdin that unblocks a
// pending read.
func (c stdioConn) Close() error {
	if cl, ok := c.Reader.(io.Closer); ok {
		cl.Close()
	}
	if cl, ok := c.Writer.(io.Closer); ok {
		cl.Close()
	}
	return nil
}

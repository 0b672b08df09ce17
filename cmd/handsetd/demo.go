package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strings"
	"sync"
	"time"

	"github.com/handsetd/handsetd/driver"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
	"github.com/handsetd/handsetd/phoneapi/stream"
	"golang.org/x/term"
)

// builtinScript is what `handsetd demo` runs without a terminal: a whole
// tour of the Phone API, checked as it goes.
const builtinScript = `# The driver announces the simulated handset to the host.
wait -> PROTOCOL
wait <- HOOK ON
# Lift the handset, dial 123 and press YES: the host places a call.
hook off
wait <- HOOK OFF
expect leds.offhook=true
tap 1
tap 2
tap 3
tap YES
wait <- BTN_RELEASED YES
wait STATUS RINGING
# The far end answers; mute, unmute, hang up.
host answer
wait STATUS INPROGRESS
mute
wait <- MUTE ON
expect leds.mute=true
mute
wait <- MUTE OFF
hook on
wait STATUS FINISHED
# Someone calls: the handset rings until it is lifted.
host call in echo123 Echo Test Service
wait STATUS RINGING
expect ringing=true
hook off
wait STATUS INPROGRESS
expect ringing=false
hook on
wait STATUS FINISHED
`

// demo is the simulated handset, the driver and the reference host in one
// process.
type demo struct {
	sim  *firmwaresim.Handset
	host *refhost.Host

	mu      sync.Mutex
	traffic []string     // "-> LINE" (host to driver) and "<- LINE" (driver to host)
	used    map[int]bool // traffic lines a `wait` has matched
	changed chan struct{}
	out     io.Writer // script mode: where each traffic line is echoed
}

func cmdDemo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("handsetd demo", stderr)
	var c commonFlags
	c.register(fs)
	fs.Lookup("log-level").DefValue = "warn"
	c.logLevel = "warn"
	script := fs.String("script", "", "run the steps in FILE instead of the interactive view")
	model := fs.String("model", "generic-telephony", "simulated handset model")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	steps := builtinScript
	if *script != "" {
		b, err := os.ReadFile(*script)
		if err != nil {
			return fmt.Errorf("read script: %w", err)
		}
		steps = string(b)
	}
	sim, err := firmwaresim.New(*model, firmwaresim.Options{})
	if err != nil {
		return err
	}
	defer sim.Close()
	tty, interactive := stdin.(*os.File)
	interactive = interactive && *script == "" && term.IsTerminal(int(tty.Fd()))
	d := &demo{sim: sim, changed: make(chan struct{}, 1), used: map[int]bool{}}
	if !interactive {
		d.out = stdout // the script echoes the traffic as it happens
	}
	d.host = refhost.New(refhost.Options{Logger: log, OnLine: d.onLine})

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = driver.Run(ctx, driver.Config{
			Open:   func(ctx context.Context) (hid.Device, error) { return sim.Open(ctx) },
			Dial:   d.dial(ctx, &wg, log),
			Logger: log,
		})
	}()

	if interactive {
		return d.interactive(ctx, tty, stdout)
	}
	return d.runScript(ctx, steps, stdout)
}

// dial connects the driver to the in-process host through a socket pair, as
// a host in another process would be reached.
func (d *demo) dial(ctx context.Context, wg *sync.WaitGroup, log *slog.Logger) func(context.Context) (driver.Session, error) {
	return func(context.Context) (driver.Session, error) {
		a, b := net.Pipe()
		wg.Add(1)
		go func() {
			defer wg.Done()
			t := stream.New(b)
			defer t.Close()
			_ = d.host.Serve(ctx, t)
		}()
		return driver.NewClientSession(stream.New(a), phoneapi.ClientOptions{Logger: log}), nil
	}
}

func (d *demo) onLine(client string, dir phoneapi.Direction, line string) {
	arrow := "<-"
	if dir == phoneapi.Sent {
		arrow = "->"
	}
	entry := arrow + " " + line
	d.mu.Lock()
	d.traffic = append(d.traffic, entry)
	if d.out != nil {
		fmt.Fprintln(d.out, "  "+entry)
	}
	d.mu.Unlock()
	d.poke()
}

func (d *demo) poke() {
	select {
	case d.changed <- struct{}{}:
	default:
	}
}

// runScript runs the demo steps one by one and stops at the first failure.
func (d *demo) runScript(ctx context.Context, script string, w io.Writer) error {
	sc := bufio.NewScanner(strings.NewReader(script))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "#") {
			d.print(w, line)
			continue
		}
		d.print(w, "> "+line)
		if err := d.step(ctx, line); err != nil {
			return fmt.Errorf("script line %d %q: %w", n, line, err)
		}
	}
	return nil
}

func (d *demo) print(w io.Writer, s string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintln(w, s)
}

const stepTimeout = 5 * time.Second

func (d *demo) step(ctx context.Context, line string) error {
	verb, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch verb {
	case "host":
		return reply(d.host.Exec(rest))
	case "wait":
		return d.waitFor(ctx, func() bool { return d.consume(rest) }, func() string {
			return fmt.Sprintf("a Phone API line containing %q", rest)
		})
	case "expect":
		key, want, ok := strings.Cut(rest, "=")
		if !ok {
			return errors.New("expect wants KEY=VALUE, e.g. expect ringing=true")
		}
		var got string
		return d.waitFor(ctx, func() bool {
			got = stateField(d.sim.Exec("state"), key)
			return got == want
		}, func() string { return fmt.Sprintf("the handset's %s to be %s (it is %s)", key, want, got) })
	case "sleep":
		dur, err := time.ParseDuration(rest)
		if err != nil {
			return err
		}
		t := time.NewTimer(dur)
		defer t.Stop()
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return nil
		}
	}
	return reply(d.sim.Exec(line))
}

// reply turns a control-language answer into an error.
func reply(s string) error {
	if r, ok := strings.CutPrefix(s, "error: "); ok {
		return errors.New(r)
	}
	return nil
}

// consume finds the first traffic line containing text that no earlier wait
// matched. Lines from the handset and from the host interleave freely, so a
// wait does not consume the lines before its match.
func (d *demo) consume(text string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, l := range d.traffic {
		if !d.used[i] && strings.Contains(l, text) {
			d.used[i] = true
			return true
		}
	}
	return false
}

// waitFor re-checks cond whenever the traffic or the handset changes, for up
// to stepTimeout.
func (d *demo) waitFor(ctx context.Context, cond func() bool, what func() string) error {
	t := time.NewTimer(stepTimeout)
	defer t.Stop()
	simChanged := d.sim.Changed()
	for !cond() {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return fmt.Errorf("timed out after %v waiting for %s", stepTimeout, what())
		case <-d.changed:
		case <-simChanged:
		}
	}
	return nil
}

// stateField reads a dotted key ("leds.offhook") from phonesim's state JSON.
func stateField(stateJSON, key string) string {
	var v any
	if err := json.Unmarshal([]byte(stateJSON), &v); err != nil {
		return "(no state: " + stateJSON + ")"
	}
	for _, k := range strings.Split(key, ".") {
		m, ok := v.(map[string]any)
		if !ok {
			return "(missing)"
		}
		if v, ok = m[k]; !ok {
			return "(missing)"
		}
	}
	switch x := v.(type) {
	case string:
		return x
	default:
		b, _ := json.Marshal(x)
		return string(b)
	}
}

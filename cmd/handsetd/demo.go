package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/handsetd/handsetd/driver"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/keymap"
	"golang.org/x/term"
)

// demo is `handsetd demo`: phonesim and phoneapi-host as child processes on
// private sockets, and the driver in this process between them, connected
// with the same SPECs `handsetd run` takes. Script steps and keys become
// control lines for the children; what they print comes back here.
type demo struct {
	log   *slog.Logger
	model string
	sim   *child // phonesim, watching: every state change is a line
	host  *child // phoneapi-host: every Phone API line is a line
	can   abilities

	mu       sync.Mutex
	traffic  []string      // "-> LINE" (host to driver) and "<- LINE" (driver to host)
	used     map[int]bool  // traffic lines a `wait` has matched
	simState string        // phonesim's newest state JSON
	speaker  driver.Tone   // what the driver plays on the handset's speaker
	events   int           // device events the driver has decoded
	changed  chan struct{} // closed and replaced at every change of the above

	// For the interactive view.
	hostState hostView       // phoneapi-host's newest state
	hostDirty chan struct{}  // traffic came: ask the host for its state
	name      string         // the NAME the driver announced
	dispnames map[int]string // the PARTNER_DISPNAME of each call
	logTail   string         // the newest log line
	out       io.Writer      // script mode: where each traffic line is echoed
}

// speakerDevice is the sound device the demo's handset announces; the demo
// shows the tones the driver would play on it instead of playing them.
const speakerDevice = "demo speaker"

func cmdDemo(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fs := newFlagSet("handsetd demo", stderr)
	var c commonFlags
	c.register(fs)
	fs.Lookup("log-level").DefValue = "warn"
	c.logLevel = "warn"
	script := fs.String("script", "", "run the steps in FILE instead of the interactive view")
	model := fs.String("model", "generic-telephony", "simulated handset model (phonesim --models lists them)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	var steps string
	if *script != "" {
		b, err := os.ReadFile(*script)
		if err != nil {
			return fmt.Errorf("read script: %w", err)
		}
		steps = string(b)
	}
	if err := checkModel(ctx, *model); err != nil {
		return err
	}
	tty, interactive := stdin.(*os.File)
	interactive = interactive && *script == "" && term.IsTerminal(int(tty.Fd()))

	d := &demo{model: *model, changed: make(chan struct{}), used: map[int]bool{},
		hostDirty: make(chan struct{}, 1), dispnames: map[int]string{}}
	if interactive {
		// The screen is the terminal's: log lines are shown in it.
		if log, err = c.logger(&logTail{d: d}); err != nil {
			return err
		}
	}
	d.log = log
	if !interactive {
		d.out = stdout // the script echoes the traffic as it happens
		fmt.Fprintln(stdout, trafficLegend)
	}
	dir, err := os.MkdirTemp("", "handsetd-demo-")
	if err != nil {
		return fmt.Errorf("make the demo's socket directory: %w", err)
	}
	defer os.RemoveAll(dir)
	simSock, hostSock := filepath.Join(dir, "phone.sock"), filepath.Join(dir, "host.sock")

	if d.host, err = startChild("phoneapi-host", []string{"--listen", "unix:" + hostSock}, log, d.onHostLine); err != nil {
		return err
	}
	defer d.host.stop()
	if d.sim, err = startChild("phonesim", []string{"--model", *model, "--listen", "unix:" + simSock}, log, d.onSimLine); err != nil {
		return err
	}
	defer d.sim.stop()
	// Each answers its first command once it listens.
	if _, err := d.host.exec(ctx, "state"); err != nil {
		return err
	}
	if d.can, err = probe(ctx, d.sim); err != nil {
		return err
	}
	if _, err := d.sim.exec(ctx, "watch"); err != nil {
		return err
	}

	open, err := parseDevice("sim:unix:"+simSock, deviceOptions{log: log})
	if err != nil {
		return err
	}
	hs, err := parseHost("stream:unix:"+hostSock, log)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Add(1)
	go func() {
		defer wg.Done()
		_ = driver.Run(ctx, driver.Config{
			Open:     open,
			Profile:  profileFor(*model),
			Dial:     hs.dial,
			AudioOut: speakerDevice,
			Tones:    d,
			Logger:   log,
		})
	}()

	if interactive {
		return d.interactive(ctx, tty, stdout)
	}
	if steps == "" {
		steps = builtinScript(d.model, d.can)
	}
	return d.runScript(ctx, steps, stdout)
}

// checkModel refuses a model phonesim does not have, with the list.
func checkModel(ctx context.Context, model string) error {
	path, err := findProgram("phonesim")
	if err != nil {
		return err
	}
	out, err := exec.CommandContext(ctx, path, "--models").Output()
	if err != nil {
		return fmt.Errorf("list the simulated models (%s --models): %w", path, err)
	}
	var names []string
	for _, l := range strings.Split(strings.TrimSpace(string(out)), "\n") {
		name, _, _ := strings.Cut(l, "\t")
		if _, _, handset := keymap.ForSimModel(name); !handset {
			if name == model {
				return fmt.Errorf("%w: --model %q is no handset: phonesim plays it to prove the udev rules refuse it (keymap's device table has no row for it)", errUsage, model)
			}
			continue
		}
		if name == model {
			return nil
		}
		names = append(names, name)
	}
	return fmt.Errorf("%w: --model %q: phonesim has no such handset (it has: %s)", errUsage, model, strings.Join(names, ", "))
}

// profileFor picks the keymap as `handsetd run --cm109-model` would for the
// simulated model: a CM109 phone cannot tell its keymap by its USB identity.
func profileFor(model string) func(hid.Info, []byte) (keymap.Profile, error) {
	_, v, ok := keymap.ForSimModel(model)
	if !ok || v.Name == "" {
		return nil
	}
	return func(info hid.Info, desc []byte) (keymap.Profile, error) {
		return keymap.ForDeviceWith(info, desc, keymap.Options{CM109Model: v.Name})
	}
}

// trafficLegend explains the arrows of the traffic lines.
const trafficLegend = "# Phone API traffic: \"<- LINE\" goes from the handset (the driver) to the host, \"-> LINE\" from the host to the handset."

// onHostLine takes phoneapi-host's traffic lines; its answers go back to
// the command that asked.
func (d *demo) onHostLine(line string) bool {
	if !strings.HasPrefix(line, "-> ") && !strings.HasPrefix(line, "<- ") {
		return false
	}
	d.mu.Lock()
	d.traffic = append(d.traffic, line)
	if d.out != nil {
		fmt.Fprintln(d.out, "  "+line)
	}
	if n, ok := strings.CutPrefix(line, "<- NAME "); ok {
		d.name = n
	}
	if rest, ok := strings.CutPrefix(line, "-> CALL "); ok {
		id, prop, _ := strings.Cut(rest, " ")
		if n, ok := strings.CutPrefix(prop, "PARTNER_DISPNAME "); ok {
			if i, err := strconv.Atoi(id); err == nil {
				d.dispnames[i] = n
			}
		}
	}
	d.changedLocked()
	d.mu.Unlock()
	select {
	case d.hostDirty <- struct{}{}:
	default:
	}
	return true
}

// logTail is the interactive view's log: it keeps the newest line.
type logTail struct{ d *demo }

func (l *logTail) Write(p []byte) (int, error) {
	l.d.mu.Lock()
	l.d.logTail = strings.TrimSpace(string(p))
	l.d.changedLocked()
	l.d.mu.Unlock()
	return len(p), nil
}

// onSimLine takes phonesim's watched states.
func (d *demo) onSimLine(line string) bool {
	st, ok := strings.CutPrefix(line, "state ")
	if !ok {
		return false
	}
	d.mu.Lock()
	d.simState = st
	d.changedLocked()
	d.mu.Unlock()
	return true
}

// Set implements driver.Tones: the demo shows the tone instead of playing it.
func (d *demo) Set(_ string, t driver.Tone) {
	d.mu.Lock()
	d.speaker = t
	d.changedLocked()
	d.mu.Unlock()
}

// changedLocked wakes everything waiting for a change. Call with d.mu held.
func (d *demo) changedLocked() {
	close(d.changed)
	d.changed = make(chan struct{})
}

// changes returns the channel closed at the next change.
func (d *demo) changes() <-chan struct{} {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.changed
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

// print writes a script line in order with the traffic echoed by onHostLine.
func (d *demo) print(w io.Writer, s string) {
	d.mu.Lock()
	defer d.mu.Unlock()
	fmt.Fprintln(w, s)
}

// stepTimeout bounds a script's wait or expect. A step normally completes
// in milliseconds; the bound only says how long a broken one takes to be
// reported, so it is generous enough for a loaded machine running several
// demos at once (the tests run one per model side by side).
const stepTimeout = 15 * time.Second

// tapHold is how long a tap holds its key at most: until the driver has
// decoded the press (a polled model reports it only when asked), or this
// long for a key the driver never reports. A driver reports a key within a
// few of its polls; the bound is generous for a loaded machine.
const tapHold = 5 * time.Second

func (d *demo) step(ctx context.Context, line string) error {
	verb, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch verb {
	case "host":
		_, err := d.host.exec(ctx, rest)
		return err
	case "wait":
		return d.waitFor(ctx, stepTimeout, func() bool { return d.consume(rest) }, func() string {
			return fmt.Sprintf("a Phone API line containing %q", rest)
		})
	case "expect":
		key, want, ok := strings.Cut(rest, "=")
		if !ok {
			return errors.New("expect wants KEY=VALUE, e.g. expect ringing=true")
		}
		var got string
		return d.waitFor(ctx, stepTimeout, func() bool {
			got = d.field(key)
			return got == want
		}, func() string { return fmt.Sprintf("the handset's %s to be %s (it is %s)", key, want, got) })
	case "tap":
		return d.tap(ctx, rest)
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
	return d.simAndSettle(ctx, line, reportOf(line))
}

// tap presses a key and releases it once the driver has reported the press
// to the host (or after tapHold, for a key it reports otherwise or not at
// all): a driver that polls the handset would miss a key pressed and
// released in one instant, and so would one still busy with earlier keys.
// It then waits as long for the release to be reported, so the next step
// prints after this key's traffic, not among it.
func (d *demo) tap(ctx context.Context, key string) error {
	k := strings.ToUpper(key)
	if err := d.simAndSettle(ctx, "press "+key, "<- BTN_PRESSED "+k); err != nil {
		return err
	}
	return d.simAndSettle(ctx, "release "+key, "<- BTN_RELEASED "+k)
}

// simAndSettle runs a phonesim command and waits, at most tapHold, for the
// traffic line it makes the driver send (want; "" for none known). A line
// that never comes is not an error here: a later wait or expect says what
// is missing.
func (d *demo) simAndSettle(ctx context.Context, cmd, want string) error {
	d.mu.Lock()
	mark := len(d.traffic)
	d.mu.Unlock()
	if _, err := d.sim.exec(ctx, cmd); err != nil {
		return err
	}
	if want == "" {
		return nil
	}
	err := d.waitFor(ctx, tapHold, func() bool {
		d.mu.Lock()
		defer d.mu.Unlock()
		for _, l := range d.traffic[mark:] {
			if strings.HasPrefix(l, want) {
				return true
			}
		}
		return false
	}, func() string { return want })
	if ctx.Err() != nil {
		return ctx.Err()
	}
	_ = err // timed out: the step's effect shows (or not) in the next wait
	return nil
}

// reportOf is the traffic line a phonesim command makes the driver send,
// or "" for a command without one.
func reportOf(cmd string) string {
	switch strings.Join(strings.Fields(cmd), " ") {
	case "hook off":
		return "<- HOOK OFF"
	case "hook on":
		return "<- HOOK ON"
	case "mute":
		return "<- MUTE "
	}
	return ""
}

// field reads a dotted key ("leds.offhook") of the handset's state, or one
// of the demo's own: speaker (the tone the driver plays on the handset's
// speaker: none, ring, dial, dtmf KEY) and ring (on while the handset rings,
// by its ringer or, without one, on its speaker).
func (d *demo) field(key string) string {
	d.mu.Lock()
	defer d.mu.Unlock()
	switch key {
	case "speaker":
		return d.speaker.String()
	case "ring":
		if stateField(d.simState, "ringing") == "true" || d.speaker.Kind == driver.ToneRing {
			return "on"
		}
		return "off"
	}
	return stateField(d.simState, key)
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

// waitFor re-checks cond at every change of the traffic, the handset or the
// driver, for up to limit.
func (d *demo) waitFor(ctx context.Context, limit time.Duration, cond func() bool, what func() string) error {
	t := time.NewTimer(limit)
	defer t.Stop()
	for {
		changed := d.changes() // before cond: no change is missed
		if cond() {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
			return fmt.Errorf("timed out after %v waiting for %s", limit, what())
		case <-changed:
		}
	}
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

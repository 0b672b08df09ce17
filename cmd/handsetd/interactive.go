package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"

	"golang.org/x/term"
)

// keyActions maps a keyboard key to a demo step.
var keyActions = map[byte]string{
	' ': "hook", // resolved against the current hook state
	'm': "mute",
	'y': "tap YES",
	'n': "tap NO",
	'c': "host call in echo123 Echo Test Service",
	'a': "host answer",
	'x': "host hangup",
}

// interactive shows the handset beside the live traffic and turns keyboard
// presses into handset and host actions.
func (d *demo) interactive(ctx context.Context, in *os.File, out io.Writer) error {
	old, err := term.MakeRaw(int(in.Fd()))
	if err != nil {
		return fmt.Errorf("set the terminal to raw mode: %w", err)
	}
	defer term.Restore(int(in.Fd()), old)
	fmt.Fprint(out, "\x1b[?25l")           // hide the cursor
	defer fmt.Fprint(out, "\x1b[?25h\r\n") // and show it again

	keys := make(chan byte)
	go func() {
		// This reader ends when the process does: a terminal read cannot be
		// interrupted portably, and nothing else reads stdin.
		b := make([]byte, 1)
		for {
			if _, err := in.Read(b); err != nil {
				close(keys)
				return
			}
			keys <- b[0]
		}
	}()
	status := "ready"
	for {
		changed := d.changes()
		d.render(out, status)
		select {
		case <-ctx.Done():
			return nil
		case <-changed:
		case k, ok := <-keys:
			if !ok || k == 'q' || k == 3 /* Ctrl-C */ || k == 4 /* Ctrl-D */ {
				return nil
			}
			step, ok := keyActions[k]
			switch {
			case strings.ContainsRune("0123456789*#", rune(k)):
				step = "tap " + string(k)
			case step == "hook":
				step = "hook off"
				if d.field("hook") == "off" {
					step = "hook on"
				}
			case !ok:
				status = fmt.Sprintf("key %q does nothing", k)
				continue
			}
			status = step
			if err := d.step(ctx, step); err != nil {
				status = step + ": " + err.Error()
			}
		}
	}
}

const viewHelp = "keys: 0-9 * # keypad | space hook | m mute | y/n YES/NO | c incoming call | a far end answers | x far end hangs up | q quit"

// render draws the whole screen: the handset on the left, the traffic on the
// right.
func (d *demo) render(out io.Writer, status string) {
	d.mu.Lock()
	st := d.simState
	d.mu.Unlock()
	on := func(key string) string {
		if stateField(st, key) == "true" {
			return "●"
		}
		return "○"
	}
	hook := "on hook"
	if stateField(st, "hook") == "off" {
		hook = "OFF HOOK (lifted)"
	}
	ringer := "silent"
	if stateField(st, "ringing") == "true" {
		ringer = "RINGING"
	}
	lcd := stateField(st, "lcd")
	if lcd == "(missing)" || lcd == "" {
		lcd = "-"
	}
	left := []string{
		"Handset (" + stateField(st, "model") + ")",
		"",
		"hook:    " + hook,
		"ringer:  " + ringer,
		"LEDs:    off-hook " + on("leds.offhook") + "  ring " + on("leds.ring") + "  mute " + on("leds.mute"),
		"display: " + lcd,
		"plugged: " + stateField(st, "plugged"),
	}
	d.mu.Lock()
	traffic := d.traffic
	if len(traffic) > 18 {
		traffic = traffic[len(traffic)-18:]
	}
	right := append([]string{"Phone API (<- from the handset, -> from the host)", ""}, traffic...)
	d.mu.Unlock()

	var b strings.Builder
	b.WriteString("\x1b[H\x1b[2J")
	b.WriteString("handsetd demo: a simulated handset, the driver and the reference host\r\n\r\n")
	for i := 0; i < max(len(left), len(right)); i++ {
		l, r := "", ""
		if i < len(left) {
			l = left[i]
		}
		if i < len(right) {
			r = right[i]
		}
		fmt.Fprintf(&b, "%-44s  %s\r\n", l, r)
	}
	b.WriteString("\r\n" + viewHelp + "\r\n> " + status + "\r\n")
	io.WriteString(out, b.String())
}

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"

	"github.com/handsetd/handsetd/audio"
	"github.com/handsetd/handsetd/driver/discover"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/keymap"
	"github.com/handsetd/handsetd/phoneapi/baresip"
	"github.com/handsetd/handsetd/udev"
)

// cmdList prints every supported handset plugged in: its profile, the
// backend that reaches it, whether this user can open it (and why not), the
// kernel driver opening it detaches, and the sound device it announces.
func cmdList(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("handsetd list", stderr)
	var c commonFlags
	c.register(fs)
	var af audioFlags
	af.register(fs)
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	log, err := c.logger(stderr)
	if err != nil {
		return err
	}
	hs, scanErr := scanner(af.sysRoot).Scan(ctx)
	if scanErr != nil {
		log.Warn("some handsets may be missing from the list", "err", scanErr)
	}
	if len(hs) == 0 {
		if scanErr != nil {
			// Not "none plugged in": some could not be looked at.
			fmt.Fprintf(stdout, "no supported handset found, but not every device could be looked at: %v (handsetd doctor says what to fix)\n", scanErr)
			return nil
		}
		fmt.Fprintln(stdout, "no supported handset is plugged in (handsetd demo shows a simulated one)")
		return nil
	}
	var devs audio.DeviceLister
	if af.enabled {
		if sys, err := audio.Start(ctx, audio.Options{Logger: slog.New(slog.DiscardHandler)}); err == nil {
			defer sys.Close()
			devs = sys
		}
	}
	finder := audio.Finder{SysRoot: af.sysRoot, AsoundRoot: af.asoundRoot}
	for i, h := range hs {
		if i > 0 {
			fmt.Fprintln(stdout)
		}
		writeHandset(stdout, h, finder, devs)
	}
	return nil
}

func writeHandset(w io.Writer, h discover.Handset, finder audio.Finder, devs audio.DeviceLister) {
	fmt.Fprintf(w, "%s [%04x:%04x]", productOf(h), h.Info.VendorID, h.Info.ProductID)
	if h.Info.Serial != "" {
		fmt.Fprintf(w, " serial %s", h.Info.Serial)
	}
	fmt.Fprintf(w, " at %s\n", h.Interface)
	fmt.Fprintf(w, "  profile:  %s (%s)\n", h.Row.Name, h.Row.Family)
	switch h.Backend {
	case keymap.BackendLibUSB:
		fmt.Fprintf(w, "  backend:  libusb, through %s (--device usb:%04x:%04x)\n", h.Node, h.Info.VendorID, h.Info.ProductID)
		if d := h.Detaches(); d != "" {
			fmt.Fprintf(w, "  detaches: %s from interface %d while handsetd drives it (it is bound again when handsetd lets go)\n", d, h.Info.Interface)
		}
	default:
		fmt.Fprintf(w, "  backend:  hidraw, %s (--device hidraw:%s); the kernel keeps the device bound\n", h.Node, h.Node)
	}
	if h.Access == nil {
		fmt.Fprintf(w, "  access:   yes, this user can open it\n")
	} else {
		fmt.Fprintf(w, "  access:   no: %v\n            fix: %s\n", h.Access, discover.Fix(h.Access))
	}
	fmt.Fprintf(w, "  sound:    %s\n", soundOf(h, finder, devs))
}

func productOf(h discover.Handset) string {
	if h.Info.Product != "" {
		return h.Info.Product
	}
	return h.Row.Name
}

// soundOf says which sound device the driver announces for h.
func soundOf(h discover.Handset, finder audio.Finder, devs audio.DeviceLister) string {
	info := h.Info
	if devs != nil {
		names, err := finder.Lookup(info, devs)
		if err == nil {
			if names.In == names.Out {
				return fmt.Sprintf("%q (AUDIO_IN and AUDIO_OUT)", names.In)
			}
			return fmt.Sprintf("AUDIO_IN %q, AUDIO_OUT %q", names.In, names.Out)
		}
		return "the host's default (" + firstLine(err) + ")"
	}
	cards, err := finder.Cards(info)
	if err != nil {
		return "the host's default (" + firstLine(err) + ")"
	}
	var cs []string
	for _, c := range cards {
		cs = append(cs, fmt.Sprintf("hw:%d (%s)", c.Number, c.ID))
	}
	return "ALSA card " + strings.Join(cs, ", ") + " (PortAudio not started: --audio=false)"
}

func firstLine(err error) string {
	s, _, _ := strings.Cut(err.Error(), "\n")
	return s
}

// errDoctor says doctor found something to fix.
var errDoctor = errors.New("doctor found problems")

// check is one thing doctor looked at.
type check struct {
	ok   bool
	what string
	fix  string
}

// cmdDoctor checks what stops a user, and prints the fix for each problem:
// the udev rules, each handset's node, the kernel driver libusb detaches,
// the host's bus name on the session bus, and the handset's sound device in
// PortAudio.
func cmdDoctor(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlagSet("handsetd doctor", stderr)
	var c commonFlags
	c.register(fs)
	var af audioFlags
	af.register(fs)
	host := fs.String("host", "dbus", "the host to look for: dbus | dbus:ADDRESS | stream:unix:PATH | stream:tcp:HOST:PORT")
	rules := fs.String("rules", "", "the udev rules file to look for (default: "+udev.RulesFile+" in "+strings.Join(udev.RulesDirs(), ", ")+")")
	bareConf := fs.String("baresip-config", "", "baresip's config, checked against each handset's sound device (default ~/.baresip/config, if it exists)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if _, err := c.logger(stderr); err != nil {
		return err
	}
	var checks []check
	checks = append(checks, rulesCheck(*rules, ""))
	hs, scanErr := scanner(af.sysRoot).Scan(ctx)
	if scanErr != nil {
		checks = append(checks, check{what: "listing USB devices: " + scanErr.Error(), fix: "libusb needs /sys/bus/usb and /dev/bus/usb (in a container, mount both)"})
	}
	if len(hs) == 0 {
		checks = append(checks, check{what: "no supported handset is plugged in", fix: "plug one in; handsetd list shows what is found (handsetd demo runs a simulated one)"})
	}
	var devs audio.DeviceLister
	if af.enabled {
		if sys, err := audio.Start(ctx, audio.Options{Logger: slog.New(slog.DiscardHandler)}); err == nil {
			defer sys.Close()
			devs = sys
		} else {
			checks = append(checks, check{what: "PortAudio: " + err.Error(), fix: "install libportaudio2 (make deps)"})
		}
	}
	finder := audio.Finder{SysRoot: af.sysRoot, AsoundRoot: af.asoundRoot}
	for _, h := range hs {
		name := fmt.Sprintf("%s at %s", productOf(h), h.Interface)
		if h.Access == nil {
			checks = append(checks, check{ok: true, what: name + ": " + h.Node + " can be opened by this user"})
		} else {
			checks = append(checks, check{what: name + ": " + h.Access.Error(), fix: discover.Fix(h.Access)})
		}
		if d := h.Detaches(); d != "" {
			checks = append(checks, check{ok: true, what: fmt.Sprintf("%s: the kernel driver %s is detached from interface %d while handsetd drives it, and bound again after", name, d, h.Info.Interface)})
		}
		checks = append(checks, soundCheck(name, h.Info, finder, devs))
		if ch, ok := baresipCheck(name, *bareConf, h.Info, finder, devs); ok {
			checks = append(checks, ch)
		}
	}
	checks = append(checks, hostCheck(ctx, *host))
	bad := 0
	for _, ch := range checks {
		mark := "ok  "
		if !ch.ok {
			mark = "FAIL"
			bad++
		}
		fmt.Fprintf(stdout, "%s %s\n", mark, ch.what)
		if !ch.ok && ch.fix != "" {
			fmt.Fprintf(stdout, "     fix: %s\n", ch.fix)
		}
	}
	if bad > 0 {
		return fmt.Errorf("%w: %d", errDoctor, bad)
	}
	return nil
}

// rulesFix is what installs the rules.
const rulesFix = "sudo make install in handsetd's source tree, or install the package: sudo apt install ./handsetd_*.deb (either installs " + udev.RulesFile + " and reloads udev); then plug the handset in again"

// rulesCheck looks for the rules file: at path when given, else for
// udev.RulesFile in udev.RulesDirs below root ("" means /).
func rulesCheck(path, root string) check {
	if path != "" {
		if _, err := os.Stat(path); err != nil {
			return check{what: "udev rules: " + err.Error(), fix: rulesFix}
		}
		return check{ok: true, what: "udev rules installed: " + path}
	}
	if p, ok := udev.InstalledRules(root); ok {
		return check{ok: true, what: "udev rules installed: " + p}
	}
	return check{
		what: fmt.Sprintf("udev rules: %s is in none of %s (so only root may open the handsets)", udev.RulesFile, strings.Join(udev.RulesDirs(), ", ")),
		fix:  rulesFix,
	}
}

func soundCheck(name string, info hid.Info, finder audio.Finder, devs audio.DeviceLister) check {
	if devs == nil {
		return check{ok: true, what: name + ": sound device not checked (--audio=false)"}
	}
	names, err := finder.Lookup(info, devs)
	switch {
	case err == nil:
		return check{ok: true, what: fmt.Sprintf("%s: PortAudio sees its sound device %q", name, names.Out)}
	case errors.Is(err, audio.ErrNoAudioInterface):
		return check{ok: true, what: name + ": has no sound card of its own; the host's default device is announced"}
	case errors.Is(err, audio.ErrNoCard):
		return check{what: name + ": " + firstLine(err), fix: "sudo modprobe snd-usb-audio"}
	}
	return check{what: name + ": " + firstLine(err), fix: "close the program holding the sound card, or define the card in ~/.asoundrc; then run handsetd again (PortAudio lists cards present when it starts)"}
}

// baresipCheck compares baresip's audio_source and audio_player with the
// handset's own sound device (for --host baresip:). path "" means
// ~/.baresip/config, and no check when that file does not exist; ok is
// false when nothing was checked.
func baresipCheck(name, path string, info hid.Info, finder audio.Finder, devs audio.DeviceLister) (check, bool) {
	explicit := path != ""
	if !explicit {
		home, err := os.UserHomeDir()
		if err != nil {
			return check{}, false
		}
		path = filepath.Join(home, ".baresip", "config")
	}
	f, err := os.Open(path)
	switch {
	case err != nil && !explicit:
		return check{}, false
	case err != nil:
		return check{what: "baresip config: " + err.Error(), fix: "give --baresip-config the file baresip -f reads (its config)"}, true
	}
	defer f.Close()
	if devs == nil {
		return check{ok: true, what: name + ": baresip's audio not checked (--audio=false)"}, true
	}
	names, err := finder.Lookup(info, devs)
	if err != nil {
		return check{}, false // soundCheck already says why
	}
	if err := baresip.CheckConfig(f, names.In, names.Out); err != nil {
		return check{what: fmt.Sprintf("%s: baresip (%s): %v", name, path, err),
			fix: "set these lines in " + path + " and restart baresip: " + strings.Join(baresip.ConfigLines(names.In, names.Out), "; ")}, true
	}
	return check{ok: true, what: fmt.Sprintf("%s: baresip (%s) plays and records on the handset's sound device", name, path)}, true
}

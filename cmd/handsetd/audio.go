package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"

	"github.com/handsetd/handsetd/audio"
	"github.com/handsetd/handsetd/driver"
	"github.com/handsetd/handsetd/hid"
)

// audioFlags are run's flags for the handset's own sound device.
type audioFlags struct {
	enabled    bool
	dialTone   string
	sysRoot    string
	asoundRoot string
	sampleRate float64
}

// hiddenFlags are for tests and the simulator; usage does not list them.
func hidden(name string) bool {
	return name == "sysfs-root" || name == "asound-root" || name == "audio-rate"
}

func (a *audioFlags) register(fs *flag.FlagSet) {
	fs.BoolVar(&a.enabled, "audio", true, "find each handset's own sound device (AUDIO_IN/AUDIO_OUT) and play tones on it")
	fs.StringVar(&a.dialTone, "dial-tone", "off", "dial tone when off-hook with nothing dialled: off, na (350+440 Hz) or eu (425 Hz)")
	fs.StringVar(&a.sysRoot, "sysfs-root", "/sys", "where sysfs is (tests point it at a fixture tree)")
	fs.StringVar(&a.asoundRoot, "asound-root", "/proc/asound", "where /proc/asound is (tests point it at a fixture tree)")
	fs.Float64Var(&a.sampleRate, "audio-rate", 0, "sample rate of the tones; 0 is each device's default")
}

// usageWithoutHidden prints the flags a user needs.
func usageWithoutHidden(fs *flag.FlagSet) func() {
	return func() {
		out := fs.Output()
		fmt.Fprintf(out, "usage: %s [flags]\n\nflags:\n", fs.Name())
		fs.VisitAll(func(f *flag.Flag) {
			if hidden(f.Name) {
				return
			}
			name, usage := flag.UnquoteUsage(f)
			if name != "" {
				name = " " + name
			}
			fmt.Fprintf(out, "  --%s%s\n    \t%s%s\n", f.Name, name, usage, defaultNote(f, name))
		})
	}
}

// defaultNote says a flag's default the way flag.PrintDefaults does: not at
// all when it is the zero value, quoted only for strings. name is the
// value's name as printed, with its leading space ("" for a boolean).
func defaultNote(f *flag.Flag, name string) string {
	switch f.DefValue {
	case "", "false", "0", "0s", "[]":
		return ""
	}
	if name == " string" {
		return fmt.Sprintf(" (default %q)", f.DefValue)
	}
	return " (default " + f.DefValue + ")"
}

// handsetAudio is what run needs from package audio: one PortAudio owner
// for all handsets, a finder, and the dial-tone setting.
type handsetAudio struct {
	sys    *audio.System
	finder audio.Finder
	dial   audio.DialTone
	log    *slog.Logger
}

// parseDialTone is --dial-tone's tone; a bad name is a usage error, which
// run reports before it checks anything else about the process.
func (a audioFlags) parseDialTone() (audio.DialTone, error) {
	dial, err := audio.ParseDialTone(a.dialTone)
	if err != nil {
		return dial, fmt.Errorf("%w: --dial-tone: %v", errUsage, err)
	}
	return dial, nil
}

// startAudio starts PortAudio. Without it the handsets still work: they
// announce the host's default device and play no tones.
func startAudio(ctx context.Context, a audioFlags, log *slog.Logger) (*handsetAudio, error) {
	dial, err := a.parseDialTone()
	if err != nil {
		return nil, err
	}
	if !a.enabled {
		return nil, nil
	}
	sys, err := audio.Start(ctx, audio.Options{SampleRate: a.sampleRate, Logger: log})
	if err != nil {
		log.Warn("no audio: handsets announce the host's default sound device and play no tones", "err", err)
		return nil, nil
	}
	return &handsetAudio{sys: sys, finder: audio.Finder{SysRoot: a.sysRoot, AsoundRoot: a.asoundRoot}, dial: dial, log: log}, nil
}

// configure wires one handset's driver.Config to the audio system.
func (h *handsetAudio) configure(cfg *driver.Config, log *slog.Logger) func() {
	if h == nil {
		return func() {}
	}
	cfg.Audio = func(ctx context.Context, info hid.Info) (string, string, error) {
		// A handset that just arrived brought its sound card: PortAudio
		// only sees it after a re-scan, which interrupts every tone
		// playing, so re-scan only when the machine's cards changed.
		h.rescan(ctx, log)
		names, err := h.finder.Lookup(info, h.sys)
		// The driver logs the outcome, and looks again for a card that
		// comes late.
		return names.In, names.Out, err
	}
	cfg.AudioGone = func(ctx context.Context) {
		// Its card left with it; PortAudio still lists it until a re-scan.
		h.rescan(ctx, log)
	}
	p := h.sys.NewPlayer()
	cfg.Tones = tonePlayer{p: p, dial: h.dial}
	return p.Close
}

// rescan re-scans PortAudio's devices if the machine's sound cards changed
// since the last re-scan.
func (h *handsetAudio) rescan(ctx context.Context, log *slog.Logger) {
	cards, err := h.finder.SoundCards()
	if err != nil {
		log.Warn("cannot list the sound cards; re-scanning anyway", "err", err)
		cards = nil // unknown: always re-scan
	}
	did, err := h.sys.RescanIfChanged(ctx, cards)
	switch {
	case err != nil && ctx.Err() == nil:
		log.Warn("re-scanning sound devices failed", "err", err)
	case did:
		log.Debug("sound cards changed; PortAudio re-scanned", "cards", cards)
	}
}

// tonePlayer turns the driver's tones into audio tones.
type tonePlayer struct {
	p    *audio.Player
	dial audio.DialTone
}

func (t tonePlayer) Set(device string, tone driver.Tone) {
	var at audio.Tone
	switch tone.Kind {
	case driver.ToneRing:
		at = audio.Ring()
	case driver.ToneDial:
		at, _ = audio.Dial(t.dial)
	case driver.ToneDTMF:
		at, _ = audio.DTMF(tone.Key)
	case driver.ToneWaiting:
		at = audio.CallWaiting()
	case driver.ToneRingback:
		at = audio.Ringback()
	case driver.ToneBusy:
		at = audio.Busy()
	}
	t.p.Set(device, at)
}

package driver

import (
	"context"
	"fmt"
	"time"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/internal/backoff"
)

// ToneKind is which call-progress tone a handset should be playing.
type ToneKind int

const (
	// ToneNone is silence.
	ToneNone ToneKind = iota
	// ToneRing is the ring of an incoming call, for a handset that cannot
	// ring by itself.
	ToneRing
	// ToneDial is the dial tone: off-hook, no call, nothing dialled.
	ToneDial
	// ToneDTMF is the feedback of a key pressed while off-hook.
	ToneDTMF
	// ToneWaiting is the call-waiting tone: off-hook, another call rings.
	ToneWaiting
	// ToneRingback is the ringback tone: our own call rings at the far end.
	ToneRingback
	// ToneBusy is the busy tone: off-hook, the far end ended the call, or
	// the call failed.
	ToneBusy
)

// Tone is the tone a handset should be playing. It is a comparable value:
// the owner asks for a new tone only when it changes, and Press makes each
// key press a new DTMF tone, even of the same key.
type Tone struct {
	Kind ToneKind
	// Key and Press are set for ToneDTMF: the key, and how many keys were
	// pressed since the handset was opened.
	Key   string
	Press int
}

func (t Tone) String() string {
	switch t.Kind {
	case ToneNone:
		return "none"
	case ToneRing:
		return "ring"
	case ToneDial:
		return "dial"
	case ToneDTMF:
		return "dtmf " + t.Key
	case ToneWaiting:
		return "waiting"
	case ToneRingback:
		return "ringback"
	case ToneBusy:
		return "busy"
	}
	return fmt.Sprintf("Tone(%d)", int(t.Kind))
}

// Tones plays tones on a handset's own speaker (package audio does it with
// PortAudio). Set must not block: the handset's owner calls it.
type Tones interface {
	// Set makes tone the one playing on the sound device named device,
	// replacing the previous one; ToneNone silences it.
	Set(device string, tone Tone)
}

// AudioLookup finds the sound device names of an opened handset, to announce
// as AUDIO_IN and AUDIO_OUT; "" means the host's default. It is called on
// every open, so it may re-scan for a handset just plugged in. err says why
// a name is "" (the names it did find are still returned); the driver then
// looks again for a while (Config.AudioRetry), because the kernel may
// register the handset's sound card after its HID node.
type AudioLookup func(ctx context.Context, info hid.Info) (in, out string, err error)

// audioFound is the outcome of a lookup retried after the open.
type audioFound struct {
	in, out string
	err     error
}

// Defaults of the lookup's retries after an open.
const (
	defaultAudioRetry = 5 * time.Second
	audioRetryMin     = 100 * time.Millisecond
	audioRetryMax     = time.Second
)

// retryAudio looks for the handset's sound device again, with a bounded
// backoff on cfg.Clock, until it is found or cfg.AudioRetry has passed since
// the open; it sends the outcome (found, or the last failure) to found.
func retryAudio(ctx context.Context, cfg Config, info hid.Info, opened time.Time, found chan<- audioFound) {
	bo := backoff.New(cfg.Clock, audioRetryMin, audioRetryMax)
	deadline := opened.Add(cfg.AudioRetry)
	for {
		if bo.Wait(ctx) != nil {
			return
		}
		in, out, err := cfg.Audio(ctx, info)
		if err == nil || !cfg.Clock.Now().Before(deadline) {
			select {
			case found <- audioFound{in: in, out: out, err: err}:
			case <-ctx.Done():
			}
			return
		}
	}
}

// ringer is what a profile says about its own ringer (keymap.Ringer); a
// profile without the method is taken to ring by itself. The answer may
// change once the profile knows its model, so it is asked on every apply.
type ringer interface {
	HasRinger() bool
}

// canRing reports whether the profile's device rings by itself.
func canRing(p any) bool {
	if r, ok := p.(ringer); ok {
		return r.HasRinger()
	}
	return true
}

// isDTMFKey reports whether a Phone API key has a DTMF tone.
func isDTMFKey(k string) bool {
	return len(k) == 1 && (k[0] >= '0' && k[0] <= '9' || k[0] == '*' || k[0] == '#' || k[0] >= 'A' && k[0] <= 'D')
}

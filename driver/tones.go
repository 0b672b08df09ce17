package driver

import (
	"context"
	"fmt"

	"github.com/handsetd/handsetd/hid"
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
// every open, so it may re-scan for a handset just plugged in.
type AudioLookup func(ctx context.Context, info hid.Info) (in, out string)

// ringer is what a profile says about its own ringer; a profile without the
// method is taken to ring by itself.
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

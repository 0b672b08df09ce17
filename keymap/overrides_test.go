package keymap

import (
	"errors"
	"reflect"
	"testing"
	"time"
)

// stubProfile decodes a report into the events a test put in it.
type stubProfile struct {
	evs []Event
	err error
}

func (s stubProfile) Name() string                   { return "Stub Phone" }
func (s stubProfile) InputReportSize() int           { return 9 }
func (s stubProfile) Decode([]byte) ([]Event, error) { return append([]Event(nil), s.evs...), s.err }
func (s stubProfile) Encode(Output) ([][]byte, error) {
	return [][]byte{{7}}, nil
}

// TestWithOverrides proves the override wrapper: keys renamed or dropped
// (press and release alike), other keys, hook and mute untouched, NAME
// replaced or kept, errors passed through, outputs and sizes delegated.
func TestWithOverrides(t *testing.T) {
	key := func(k string, down bool) Event { return Event{Kind: EventKey, Key: k, Pressed: down} }
	hook := Event{Kind: EventHook, Active: true}
	in := []Event{key("C", true), hook, key("C", false), key("UP", true), key("1", true), {Kind: EventMute, Toggle: true}}
	cases := []struct {
		name     string
		o        Overrides
		want     []Event
		wantName string
	}{
		{"nothing", Overrides{}, in, "Stub Phone"},
		{"rename device", Overrides{Name: "Desk"}, in, "Desk"},
		{"remap", Overrides{Keys: map[string]string{"C": "NO"}},
			[]Event{key("NO", true), hook, key("NO", false), key("UP", true), key("1", true), {Kind: EventMute, Toggle: true}}, "Stub Phone"},
		{"disable", Overrides{Keys: map[string]string{"UP": "", "C": ""}},
			[]Event{hook, key("1", true), {Kind: EventMute, Toggle: true}}, "Stub Phone"},
		{"swap", Overrides{Keys: map[string]string{"1": "UP", "UP": "1"}},
			[]Event{key("C", true), hook, key("C", false), key("1", true), key("UP", true), {Kind: EventMute, Toggle: true}}, "Stub Phone"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			p := WithOverrides(stubProfile{evs: in}, c.o)
			got, err := p.Decode([]byte{1})
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) {
				t.Errorf("Decode = %v, want %v", got, c.want)
			}
			if p.Name() != c.wantName {
				t.Errorf("Name = %q, want %q", p.Name(), c.wantName)
			}
			if p.InputReportSize() != 9 {
				t.Error("InputReportSize not delegated")
			}
			if out, _ := p.Encode(Output{}); len(out) != 1 || out[0][0] != 7 {
				t.Error("Encode not delegated")
			}
		})
	}
	boom := errors.New("boom")
	p := WithOverrides(stubProfile{err: boom}, Overrides{Keys: map[string]string{"1": "2"}})
	if _, err := p.Decode(nil); !errors.Is(err, boom) {
		t.Errorf("error not passed through: %v", err)
	}
	// The caller's map may change afterwards without changing the profile.
	m := map[string]string{"1": "2"}
	p = WithOverrides(stubProfile{evs: []Event{key("1", true)}}, Overrides{Keys: m})
	m["1"] = ""
	if got, _ := p.Decode(nil); len(got) != 1 || got[0].Key != "2" {
		t.Errorf("overrides share the caller's map: %v", got)
	}
}

// The optional parts a stub can be made of, one per optional interface.
type ringerPart struct{ rings bool }

func (r ringerPart) HasRinger() bool { return r.rings }

type talkerPart struct{}

func (talkerPart) Talk(time.Time) ([][]byte, time.Time) { return [][]byte{{9}}, time.Time{} }

type displayPart struct{}

func (displayPart) DisplayWidth() int { return 16 }

// TestWithOverridesKeepsOptional proves a profile wrapped with overrides
// exposes exactly the optional interfaces (the list in overrides.go) the
// inner profile does, with the inner answers, for every combination: a
// ringerless headset or a P4K named in the user's config still rings
// through its speaker, a talking phone still talks, and no profile grows
// an interface it does not have.
func TestWithOverridesKeepsOptional(t *testing.T) {
	// One checker per optional interface: whether p has it, and what it
	// answers.
	optional := map[string]func(p Profile) (bool, any){
		"Ringer": func(p Profile) (bool, any) {
			r, ok := p.(Ringer)
			if !ok {
				return false, nil
			}
			return true, r.HasRinger()
		},
		"Talker": func(p Profile) (bool, any) {
			r, ok := p.(Talker)
			if !ok {
				return false, nil
			}
			out, _ := r.Talk(time.Time{})
			return true, len(out)
		},
		"Display": func(p Profile) (bool, any) {
			r, ok := p.(Display)
			if !ok {
				return false, nil
			}
			return true, r.DisplayWidth()
		},
	}
	s := stubProfile{}
	no, yes := ringerPart{false}, ringerPart{true}
	inners := map[string]Profile{
		"none": s,
		"Ringer (no)": struct {
			stubProfile
			ringerPart
		}{s, no},
		"Ringer (rings)": struct {
			stubProfile
			ringerPart
		}{s, yes},
		"Talker": struct {
			stubProfile
			talkerPart
		}{s, talkerPart{}},
		"Display": struct {
			stubProfile
			displayPart
		}{s, displayPart{}},
		"Ringer Talker": struct {
			stubProfile
			ringerPart
			talkerPart
		}{s, no, talkerPart{}},
		"Ringer Display": struct {
			stubProfile
			ringerPart
			displayPart
		}{s, no, displayPart{}},
		"Talker Display": struct {
			stubProfile
			talkerPart
			displayPart
		}{s, talkerPart{}, displayPart{}},
		"all (no ringer)": struct {
			stubProfile
			ringerPart
			talkerPart
			displayPart
		}{s, no, talkerPart{}, displayPart{}},
		"all (rings)": struct {
			stubProfile
			ringerPart
			talkerPart
			displayPart
		}{s, yes, talkerPart{}, displayPart{}},
	}
	for name, inner := range inners {
		for _, o := range []Overrides{{Name: "Desk"}, {Keys: map[string]string{"1": "2"}}} {
			w := WithOverrides(inner, o)
			if w == inner {
				t.Fatalf("%s: %+v changed nothing", name, o)
			}
			for iface, check := range optional {
				hasIn, ansIn := check(inner)
				hasW, ansW := check(w)
				if hasIn != hasW || ansIn != ansW {
					t.Errorf("%s with %+v: %s on the wrapper = %v %v, inner %v %v", name, o, iface, hasW, ansW, hasIn, ansIn)
				}
			}
			if o.Name != "" && w.Name() != "Desk" {
				t.Errorf("%s: wrapper lost the override: %q", name, w.Name())
			}
		}
	}
}

package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/audio"
	"github.com/handsetd/handsetd/audio/audiotest"
	"github.com/handsetd/handsetd/hid"
)

// devices is a fixed PortAudio device list.
type devices []audio.Device

func (d devices) Devices() ([]audio.Device, error) { return d, nil }

// TestDoctorChecksBaresipAudio proves doctor compares baresip's
// audio_source and audio_player with the handset's own sound card (the one
// the audio package finds for it), names the file and gives the lines to
// set when they differ, and says nothing when there is no baresip config.
func TestDoctorChecksBaresipAudio(t *testing.T) {
	roots, err := audiotest.P1K().Write(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	finder := audio.Finder{SysRoot: roots.Sys, AsoundRoot: roots.Asound}
	devs := devices{{Name: "USB-P1K: USB Audio (hw:1,0)", Inputs: 1, Outputs: 1}}
	p1k := hid.Info{VendorID: 0x6993, ProductID: 0xb001, Path: "1-1:1.3"}
	dir := t.TempDir()
	write := func(name, body string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	tests := []struct {
		name, path string
		ok         bool
		want       []string // in what (and fix)
	}{
		{"matches", write("good", "module alsa.so\naudio_source alsa,plughw:1,0\naudio_player alsa,plughw:1,0\n"), true,
			[]string{"plays and records on the handset's sound device"}},
		{"the desktop's card", write("bad", "audio_source alsa,default\naudio_player alsa,default\n"), false,
			[]string{"audio_source", "audio_player\t\talsa,plughw:1,0", "restart baresip"}},
		{"missing file named", filepath.Join(dir, "nope"), false, []string{"no such file"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ch, checked := baresipCheck("P1K", tt.path, p1k, finder, devs)
			if !checked {
				t.Fatal("nothing checked")
			}
			text := ch.what + "\n" + ch.fix
			if ch.ok != tt.ok {
				t.Errorf("ok = %v, want %v: %s", ch.ok, tt.ok, text)
			}
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("%q lacks %q", text, w)
				}
			}
		})
	}
	t.Setenv("HOME", t.TempDir())
	if ch, checked := baresipCheck("P1K", "", p1k, finder, devs); checked {
		t.Errorf("no ~/.baresip/config, yet doctor said %+v", ch)
	}
}

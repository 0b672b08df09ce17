package baresip

import (
	"strings"
	"testing"
)

// TestConfigLines proves the handset's PortAudio names become the ALSA
// devices of baresip's alsa module: (hw:N,D) as plughw:N,D, a user's PCM
// as it is, and no line for the default device.
func TestConfigLines(t *testing.T) {
	for _, tc := range []struct {
		in, out string
		want    []string
	}{
		{"USB Audio Device: - (hw:1,0)", "USB Audio Device: - (hw:1,0)",
			[]string{"module\t\t\talsa.so", "audio_source\t\talsa,plughw:1,0", "audio_player\t\talsa,plughw:1,0"}},
		{"P1K", "", []string{"module\t\t\talsa.so", "audio_source\t\talsa,P1K"}},
		{"", "", []string{"module\t\t\talsa.so"}},
	} {
		if got := ConfigLines(tc.in, tc.out); strings.Join(got, "|") != strings.Join(tc.want, "|") {
			t.Errorf("ConfigLines(%q, %q) = %q, want %q", tc.in, tc.out, got, tc.want)
		}
	}
}

// TestCheckConfig proves a baresip config that points its audio at the
// handset passes (hw: and plughw: alike), and one that does not names the
// line to change.
func TestCheckConfig(t *testing.T) {
	const name = "USB Audio Device: - (hw:2,0)"
	for _, tc := range []struct {
		config string
		bad    string // "" when it must pass
	}{
		{"audio_source alsa,plughw:2,0\naudio_player\talsa,hw:2,0\n", ""},
		{"# audio_source alsa,default\naudio_source alsa,default\naudio_player alsa,plughw:2,0\n",
			`audio_source is alsa,default, want "audio_source alsa,plughw:2,0"`},
		{"audio_source alsa,plughw:2,0\n", `audio_player is (not set`},
	} {
		err := CheckConfig(strings.NewReader(tc.config), name, name)
		switch {
		case tc.bad == "" && err != nil:
			t.Errorf("config %q: %v, want it to pass", tc.config, err)
		case tc.bad != "" && (err == nil || !strings.Contains(err.Error(), tc.bad)):
			t.Errorf("config %q: %v, want an error saying %s", tc.config, err, tc.bad)
		}
	}
}

package baresip

import (
	"bufio"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// ALSADevice is the ALSA device baresip's alsa module should open for a
// sound device the driver announces (AUDIO_IN, AUDIO_OUT: PortAudio's
// name, found by package audio): "… (hw:N,D)" becomes plughw:N,D, which
// converts to the 8 kHz of G.711; a PCM the user named after the card
// (~/.asoundrc) is used as it is. "" stays "": the default device.
func ALSADevice(portaudioName string) string {
	name := strings.TrimSpace(portaudioName)
	i := strings.LastIndex(name, "(hw:")
	if i >= 0 && strings.HasSuffix(name, ")") {
		c, d, ok := strings.Cut(name[i+len("(hw:"):len(name)-1], ",")
		if _, err := strconv.Atoi(c); ok && err == nil {
			if _, err := strconv.Atoi(d); err == nil {
				return "plughw:" + c + "," + d
			}
		}
	}
	return name
}

// ConfigLines are the lines of baresip's config (~/.baresip/config) that
// point its audio at the handset: capture from in, playback to out (the
// AUDIO_IN and AUDIO_OUT names). The alert (ring) stays on the desktop's
// device: the handset rings by itself.
func ConfigLines(in, out string) []string {
	lines := []string{"module\t\t\talsa.so"}
	if d := ALSADevice(in); d != "" {
		lines = append(lines, "audio_source\t\talsa,"+d)
	}
	if d := ALSADevice(out); d != "" {
		lines = append(lines, "audio_player\t\talsa,"+d)
	}
	return lines
}

// CheckConfig reads a baresip config and reports, as an error naming the
// line to change, where its audio_source or audio_player is not the
// handset's own device (in, out as announced; "" is not checked). handsetd
// doctor calls it.
func CheckConfig(config io.Reader, in, out string) error {
	want := map[string]string{}
	if d := ALSADevice(in); d != "" {
		want["audio_source"] = "alsa," + d
	}
	if d := ALSADevice(out); d != "" {
		want["audio_player"] = "alsa," + d
	}
	got := map[string]string{}
	sc := bufio.NewScanner(config)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		key, val, _ := strings.Cut(strings.Join(strings.Fields(line), " "), " ")
		if _, ok := want[key]; ok {
			got[key] = val
		}
	}
	if err := sc.Err(); err != nil {
		return fmt.Errorf("read baresip config: %w", err)
	}
	var bad []string
	for _, key := range []string{"audio_source", "audio_player"} {
		w, ok := want[key]
		if !ok {
			continue
		}
		g := got[key]
		if sameALSA(g, w) {
			continue
		}
		if g == "" {
			g = "(not set: baresip's default device)"
		}
		bad = append(bad, fmt.Sprintf("%s is %s, want %q", key, g, key+" "+w))
	}
	if bad != nil {
		return fmt.Errorf("baresip's audio is not the handset's sound device: %s", strings.Join(bad, "; "))
	}
	return nil
}

// sameALSA compares two "module,device" values, taking hw:N,D and
// plughw:N,D as the same card.
func sameALSA(a, b string) bool {
	norm := func(s string) string {
		s = strings.TrimSpace(s)
		return strings.Replace(s, ",hw:", ",plughw:", 1)
	}
	return norm(a) == norm(b)
}

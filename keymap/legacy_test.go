package keymap

import (
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/hid"
)

var t0 = time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)

// reply builds an input report (id 0 + packet) as the phone sends it.
func reply(cmd, size byte, offset uint16, data ...byte) []byte {
	return YealinkPacket(cmd, size, offset, data...)
}

// cmds lists the command bytes of reports.
func cmds(rs [][]byte) string {
	var s []string
	for _, r := range rs {
		s = append(s, fmt.Sprintf("%02x", r[1]))
	}
	return strings.Join(s, " ")
}

// startYealink brings a profile through VERSION and INIT to its first key
// scan, with the phone at version v, and returns the reports of the full
// state upload.
func startYealink(t *testing.T, v uint16) (*Yealink, [][]byte) {
	t.Helper()
	p := NewYealink("")
	if rs, _ := p.Talk(t0); cmds(rs) != "87" {
		t.Fatalf("first Talk sent %s, want VERSION", cmds(rs))
	}
	if _, err := p.Decode(reply(YealinkVersion, 2, 0, byte(v>>8), byte(v))); err != nil {
		t.Fatal(err)
	}
	if rs, _ := p.Talk(t0); cmds(rs) != "8e" {
		t.Fatalf("after VERSION sent %s, want INIT", cmds(rs))
	}
	if _, err := p.Decode(reply(YealinkInit, 11, 0)); err != nil {
		t.Fatal(err)
	}
	rs, _ := p.Talk(t0)
	if len(rs) == 0 || rs[len(rs)-1][1] != YealinkKeyPress {
		t.Fatalf("after INIT sent %s, want the state then KEYPRESS", cmds(rs))
	}
	return p, rs
}

// TestYealinkPacketChecksum proves built packets sum to 0 mod 256 and carry
// the offset big-endian.
func TestYealinkPacketChecksum(t *testing.T) {
	r := YealinkPacket(YealinkLCD, 3, 0x0102, 9, 8, 7)
	if len(r) != 17 || r[0] != 0 || YealinkSum(r[1:]) != 0 || r[3] != 1 || r[4] != 2 {
		t.Fatalf("% x", r)
	}
	if got := YealinkPacket(YealinkInit, 10, 0); got[16] != byte(0x100-0x8e-10) {
		t.Errorf("INIT checksum %#02x", got[16])
	}
}

// TestYealinkModels proves VERSION ranges pick the model, and that each
// model uploads the state its hardware has: the P1K ring notes, LCD, LED
// and RINGTONE; the P4K LCD, LED and DIALTONE; the B2K PSTN switch, LEDs,
// ring relay and DIALTONE.
func TestYealinkModels(t *testing.T) {
	for _, tc := range []struct {
		v      uint16
		model  YealinkModel
		upload string
	}{
		{0x0110, YealinkP1K, "11 02 02 02 02 04 04 04 05 03 80"},
		{0x01ff, YealinkP1K, "11 02 02 02 02 04 04 04 05 03 80"},
		{0x0230, YealinkP4K, "04 04 04 05 09 80"},
		{0x0521, YealinkB2K, "0e 05 01 09 80"},
		{0x0580, YealinkB2K, "0e 05 01 09 80"},
		{0x0999, YealinkP1K, "11 02 02 02 02 04 04 04 05 03 80"}, // unknown: the common set
	} {
		p, rs := startYealink(t, tc.v)
		if p.Model() != tc.model || cmds(rs) != tc.upload {
			t.Errorf("version %#04x: model %s, upload %s; want %s, %s", tc.v, p.Model(), cmds(rs), tc.model, tc.upload)
		}
	}
	for v, want := range map[uint16]bool{0x00ff: false, 0x0100: true, 0x022f: false, 0x0300: false, 0x0540: false, 0x058f: true, 0x0590: false} {
		if _, ok := YealinkModelOf(v); ok != want {
			t.Errorf("YealinkModelOf(%#04x) ok=%v", v, ok)
		}
	}
}

// TestYealinkKeyScanConversation proves the profile's request-reply key
// scan: the counter baseline, one SCANCODE per new event in ring order, key
// down and up events, and the poll interval on the clock.
func TestYealinkKeyScanConversation(t *testing.T) {
	p, _ := startYealink(t, 0x0110)
	evs, err := p.Decode(reply(YealinkKeyPress, 1, 0, 7)) // last event 7: fetch it
	if err != nil || len(evs) != 0 {
		t.Fatal(evs, err)
	}
	rs, _ := p.Talk(t0)
	if cmds(rs) != "81" || rs[0][4] != 6 {
		t.Fatalf("sent % x, want SCANCODE of event 7 (offset 6)", rs)
	}
	evs, _ = p.Decode(reply(YealinkScanCode, 1, 6, 0xff))
	if len(evs) != 0 {
		t.Errorf("a release with nothing held gave %v", evs)
	}
	// Keys moved: the counter is asked again at once.
	if rs, _ := p.Talk(t0); cmds(rs) != "80" {
		t.Fatalf("after fetching sent %s, want KEYPRESS at once", cmds(rs))
	}
	_, _ = p.Decode(reply(YealinkKeyPress, 1, 0, 7))
	rs, wake := p.Talk(t0)
	if len(rs) != 0 || !wake.Equal(t0.Add(100*time.Millisecond)) {
		t.Fatalf("idle: sent %s, wake %v", cmds(rs), wake)
	}
	rs, _ = p.Talk(wake)
	if cmds(rs) != "80" {
		t.Fatalf("poll sent %s", cmds(rs))
	}
	_, _ = p.Decode(reply(YealinkKeyPress, 1, 0, 9))
	var got []string
	for i, sc := range []byte{0x03, 0xff} {
		rs, _ := p.Talk(wake)
		if cmds(rs) != "81" || rs[0][4] != byte(7+i) {
			t.Fatalf("sent % x, want SCANCODE offset %d", rs, 7+i)
		}
		evs, _ := p.Decode(reply(YealinkScanCode, 1, uint16(7+i), sc))
		for _, e := range evs {
			got = append(got, e.String())
		}
	}
	if strings.Join(got, ",") != "key YES down,key YES up" {
		t.Errorf("events %q", got)
	}
}

// TestYealinkKeymaps proves each model's scancodes name the documented
// Phone API keys, and that a new key releases the one held.
func TestYealinkKeymaps(t *testing.T) {
	for _, tc := range []struct {
		model YealinkModel
		codes map[byte]string
	}{
		{YealinkP1K, map[byte]string{0x00: "1", 0x31: "0", 0x30: "*", 0x32: "#", 0x03: "YES", 0x13: "NO", 0x14: "C", 0x23: "I", 0x04: "O", 0x33: "UP", 0x24: "DOWN"}},
		{YealinkP4K, map[byte]string{0x00: "YES", 0x14: "0", 0x21: "1", 0x31: "PAGEUP", 0x40: "PAGEDOWN", 0x44: "R", 0x15: "F"}},
		{YealinkB2K, map[byte]string{0x00: "0", 0x09: "9", 0x0b: "*", 0x0c: "#"}},
	} {
		keys := YealinkKeys(tc.model)
		for c, k := range tc.codes {
			if keys[c] != k {
				t.Errorf("%s scancode %#02x = %q, want %q", tc.model, c, keys[c], k)
			}
		}
	}
	if n := len(YealinkKeys(YealinkP1K)); n != 19 {
		t.Errorf("P1K has %d keys, want 19", n)
	}
	p := &Yealink{model: YealinkP1K}
	var got []string
	for _, sc := range []byte{0x00, 0x01, 0x77, 0xff} {
		for _, e := range p.keyEvent(sc) {
			got = append(got, e.String())
		}
	}
	if strings.Join(got, ",") != "key 1 down,key 1 up,key 2 down,key 2 up" {
		t.Errorf("events %q", got)
	}
}

// TestYealinkRecovery proves the profile survives a faulty phone: a reply
// with a bad checksum or of the wrong length is an error and changes
// nothing; a stale reply is ignored; a lost reply is asked for again after
// 200 ms; a 0xfd answer makes it ask again at once and re-send its whole
// state.
func TestYealinkRecovery(t *testing.T) {
	p, _ := startYealink(t, 0x0110)
	good := reply(YealinkKeyPress, 1, 0, 0)
	corrupt := append([]byte(nil), good...)
	corrupt[5] = 1
	for _, r := range [][]byte{corrupt, good[:9], append(good, 0), {1}} {
		if _, err := p.Decode(r); !errors.Is(err, ErrBadReport) {
			t.Errorf("Decode(% x) = %v, want ErrBadReport", r, err)
		}
	}
	if _, err := p.Decode(reply(YealinkVersion, 2, 0, 1, 0x10)); err != nil {
		t.Error(err)
	}
	if rs, wake := p.Talk(t0.Add(199 * time.Millisecond)); len(rs) != 0 || !wake.Equal(t0.Add(200*time.Millisecond)) {
		t.Fatalf("before the timeout: sent %s, wake %v", cmds(rs), wake)
	}
	rs, _ := p.Talk(t0.Add(200 * time.Millisecond))
	if cmds(rs) != "80" {
		t.Fatalf("after the timeout sent %s, want KEYPRESS again", cmds(rs))
	}
	if _, err := p.Decode(reply(YealinkBadPacket, 0, 0)); err != nil {
		t.Fatal(err)
	}
	if rs, _ := p.Talk(t0.Add(210 * time.Millisecond)); cmds(rs) != "80" {
		t.Fatalf("after 0xfd sent %s, want KEYPRESS again", cmds(rs))
	}
	_, _ = p.Decode(good)
	rs, _ = p.Talk(t0.Add(220 * time.Millisecond))
	if !strings.HasPrefix(cmds(rs), "11 02") {
		t.Errorf("after 0xfd the state was not re-sent: %s", cmds(rs))
	}
}

// TestYealinkOutput proves Output reaches the phone: the caller's name on
// the twelve-digit line and a duration on the clock, the P1K RINGTONE with
// the LED blinking in cadence, and the B2K ring relay switched in cadence.
func TestYealinkOutput(t *testing.T) {
	p, _ := startYealink(t, 0x0110)
	_, _ = p.Decode(reply(YealinkKeyPress, 1, 0, 0))
	_, _ = p.Encode(Output{Ringer: true, LEDs: LEDs{Ring: true}, LCD: "Alice"})
	rs, wake := p.Talk(t0)
	if cmds(rs) != "04 05 03" || rs[1][5] != 0 || rs[2][5] != 0x24 {
		t.Fatalf("ring: % x", rs)
	}
	if !wake.Equal(t0.Add(100 * time.Millisecond)) {
		t.Errorf("wake %v", wake)
	}
	rs, _ = p.Talk(t0.Add(RingOn))
	if cmds(rs) != "05 80" || rs[0][5] != 1 {
		t.Errorf("LED after RingOn: % x", rs)
	}
	_, _ = p.Decode(reply(YealinkKeyPress, 1, 0, 0))
	_, _ = p.Encode(Output{LCD: "Alice\n1:05"})
	rs, _ = p.Talk(t0.Add(RingOn + RingOff))
	if cmds(rs) != "04 03 80" {
		t.Errorf("answered: %s", cmds(rs))
	}

	b, _ := startYealink(t, 0x0521)
	_, _ = b.Decode(reply(YealinkKeyPress, 1, 0, 0))
	_, _ = b.Encode(Output{Ringer: true})
	rs, _ = b.Talk(t0)
	if cmds(rs) != "05 01" || rs[1][5] != 1 {
		t.Errorf("B2K ring on: % x", rs)
	}
	rs, _ = b.Talk(t0.Add(RingOn))
	if !strings.Contains(cmds(rs), "01") {
		t.Errorf("B2K ring off in cadence: %s", cmds(rs))
	}
}

// cmScan feeds the CM109 profile the reading of each column as a phone with
// the given keys (scancodes) held would give it, following its writes, and
// returns the events.
func cmScan(t *testing.T, p *CM109, now time.Time, held ...byte) []string {
	t.Helper()
	read := func(gpo byte) []byte {
		var rows byte
		for _, k := range held {
			if k&0x0f&gpo != 0 {
				rows |= k & 0xf0
			}
		}
		return []byte{0, 0, rows | gpo, 0, 0}
	}
	var got []string
	gpo := byte(0x0f)
	scanned := false
	for range 8 {
		evs, err := p.Decode(read(gpo))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range evs {
			got = append(got, e.String())
		}
		rs, _ := p.Talk(now)
		if len(rs) == 0 {
			break
		}
		gpo = rs[len(rs)-1][2]
		// One scan is done when all columns are driven again; while a key
		// is held the profile would scan on, from this write's reading.
		if gpo == 0x0f && scanned {
			break
		}
		scanned = scanned || gpo != 0x0f
	}
	return got
}

// TestCM109Scan proves the column scan: a high row starts it, each column
// is driven alone and its reading matched by the low nibble, and the keys
// found come out as down/up events named by the model's keymap.
func TestCM109Scan(t *testing.T) {
	p, err := NewCM109("", "kip1000")
	if err != nil {
		t.Fatal(err)
	}
	rs, _ := p.Talk(t0)
	if len(rs) != 1 || fmt.Sprintf("% x", rs[0]) != "00 00 0f 0f 00" {
		t.Fatalf("first write % x", rs)
	}
	if got := cmScan(t, p, t0, 0x22); strings.Join(got, ",") != "key 5 down" {
		t.Errorf("press 5: %q", got)
	}
	if got := cmScan(t, p, t0, 0x22, 0x88); strings.Join(got, ",") != "key YES down" {
		t.Errorf("press YES too: %q", got)
	}
	if got := cmScan(t, p, t0, 0x88); strings.Join(got, ",") != "key 5 up" {
		t.Errorf("release 5: %q", got)
	}
	if got := cmScan(t, p, t0); strings.Join(got, ",") != "key YES up" {
		t.Errorf("release YES: %q", got)
	}
	// A reading for another column is stale and skipped; a column whose
	// reading never comes is driven again after 100 ms.
	_, _ = p.Decode([]byte{0, 0, 0x1f, 0, 0})
	rs, wake := p.Talk(t0)
	if len(rs) != 1 || rs[0][2] != 0x01 || !wake.Equal(t0.Add(100*time.Millisecond)) {
		t.Fatalf("scan start % x wake %v", rs, wake)
	}
	if evs, _ := p.Decode([]byte{0, 0, 0x1f, 0, 0}); len(evs) != 0 {
		t.Errorf("stale all-columns reading gave %v", evs)
	}
	if rs, _ := p.Talk(wake); len(rs) != 1 || rs[0][2] != 0x01 {
		t.Errorf("retry % x", rs)
	}
	if _, err := p.Decode([]byte{0, 0, 0}); !errors.Is(err, ErrBadReport) {
		t.Errorf("short report: %v", err)
	}
}

// TestCM109Special proves volume keys are PAGEUP/PAGEDOWN levels and the
// record-mute pulse is a mute toggle, while playback mute says nothing.
func TestCM109Special(t *testing.T) {
	p, _ := NewCM109("", "gtalk")
	var got []string
	for _, b0 := range []byte{0x01, 0x01, 0x00, 0x02, 0x00, 0x08, 0x00, 0x04, 0x00} {
		evs, _ := p.Decode([]byte{0, b0, 0x0f, 0, 0})
		for _, e := range evs {
			got = append(got, e.String())
		}
	}
	want := "key PAGEUP down,key PAGEUP up,key PAGEDOWN down,key PAGEDOWN up,mute toggle"
	if strings.Join(got, ",") != want {
		t.Errorf("events %q", got)
	}
}

// TestCM109Buzzer proves ringing sounds the buzzer (OUT byte 0 bit 5) with
// the RingOn/RingOff cadence, and that stopping the ringer silences it.
func TestCM109Buzzer(t *testing.T) {
	p, _ := NewCM109("", "atcom")
	p.Talk(t0)
	_, _ = p.Encode(Output{Ringer: true})
	rs, wake := p.Talk(t0)
	if len(rs) != 1 || rs[0][1] != 0x20 || !wake.Equal(t0.Add(RingOn)) {
		t.Fatalf("ring on: % x wake %v", rs, wake)
	}
	rs, wake = p.Talk(wake)
	if len(rs) != 1 || rs[0][1] != 0 || !wake.Equal(t0.Add(RingOn+RingOff)) {
		t.Fatalf("cadence off: % x wake %v", rs, wake)
	}
	rs, _ = p.Talk(wake)
	if len(rs) != 1 || rs[0][1] != 0x20 {
		t.Fatalf("cadence on again: % x", rs)
	}
	_, _ = p.Encode(Output{})
	rs, wake = p.Talk(wake)
	if len(rs) != 1 || rs[0][1] != 0 || !wake.IsZero() {
		t.Fatalf("stopped: % x wake %v", rs, wake)
	}
}

// TestCM109Keymaps proves each published model's keymap, spot-checked
// against the published scancodes, and that every model has 16 keys.
func TestCM109Keymaps(t *testing.T) {
	for model, codes := range map[string]map[byte]string{
		"kip1000": {0x82: "0", 0x14: "1", 0x81: "#", 0x84: "*", 0x88: "YES", 0x48: "NO", 0x28: "I", 0x18: "O"},
		"gtalk":   {0x11: "0", 0x24: "9", 0x18: "YES", 0x28: "NO", 0x48: "UP", 0x88: "DOWN"},
		"usbph01": {0x11: "0", 0x84: "*", 0x48: "I", 0x88: "O"},
		"atcom":   {0x82: "0", 0x11: "1", 0x84: "#", 0x81: "*", 0x48: "I", 0x88: "O"},
	} {
		m, err := cm109Keymap(model)
		if err != nil {
			t.Fatal(err)
		}
		keys := m.keys
		if len(keys) != 16 {
			t.Errorf("%s has %d keys", model, len(keys))
		}
		for c, k := range codes {
			if keys[c] != k {
				t.Errorf("%s %#02x = %q, want %q", model, c, keys[c], k)
			}
		}
	}
}

// TestForDeviceWith proves profile selection: Yealink and CM109 by USB
// identity, the CM109 model from Options (case and dashes ignored, empty =
// kip1000), an unknown model an error listing the known ones, and an
// unknown device unsupported.
func TestForDeviceWith(t *testing.T) {
	yl, err := ForDevice(hid.Info{VendorID: 0x6993, ProductID: 0xb001}, nil)
	if _, ok := yl.(*Yealink); !ok || err != nil {
		t.Errorf("Yealink: %T %v", yl, err)
	}
	for opt, want := range map[string]string{"": "kip1000", "G-Talk": "gtalk", "USBPH01": "usbph01", "atcom-au100": "atcom"} {
		p, err := ForDeviceWith(hid.Info{VendorID: 0x0d8c, ProductID: 0x000c}, nil, Options{CM109Model: opt})
		cm, ok := p.(*CM109)
		if err != nil || !ok || cm.Model() != want {
			t.Errorf("CM109Model %q: %T %v", opt, p, err)
		}
	}
	_, err = ForDeviceWith(hid.Info{VendorID: 0x0d8c, ProductID: 0x000e}, nil, Options{CM109Model: "kip2000"})
	if !errors.Is(err, ErrUnknownModel) || !strings.Contains(err.Error(), "atcom, gtalk, kip1000, usbph01") {
		t.Errorf("unknown model: %v", err)
	}
	if _, err := ForDevice(hid.Info{VendorID: 1, ProductID: 2}, []byte{0x06, 0x00, 0xff, 0x09, 0x01, 0xa1, 0x01, 0xc0}); !errors.Is(err, ErrUnsupportedDevice) {
		t.Errorf("vendor device: %v", err)
	}
}

// TestYealinkP1KHConversation proves the second-generation profile: 8-byte
// VERSION and INIT, then its state sent one packet per 25 ms (LCD packets
// with length and offset, four segment bytes at most), keys taken as they
// come without polling, and RINGTONE 0xff for ringing.
func TestYealinkP1KHConversation(t *testing.T) {
	p, err := ForDevice(hid.Info{VendorID: 0x6993, ProductID: 0xb700}, nil)
	if err != nil {
		t.Fatal(err)
	}
	y := p.(*Yealink)
	if y.InputReportSize() != 9 || y.Model() != YealinkP1KH {
		t.Fatalf("size %d model %s", y.InputReportSize(), y.Model())
	}
	rs, _ := y.Talk(t0)
	if len(rs) != 1 || fmt.Sprintf("% x", rs[0]) != fmt.Sprintf("% x", YealinkG2Packet(YealinkVersion)) {
		t.Fatalf("VERSION: % x", rs)
	}
	_, _ = y.Decode(YealinkG2Packet(YealinkVersion, 1, 0x35))
	rs, _ = y.Talk(t0)
	if cmds(rs) != "8e" {
		t.Fatalf("INIT: %s", cmds(rs))
	}
	_, _ = y.Decode(YealinkG2Packet(YealinkInit))
	var sent []string
	now := t0
	for range 40 {
		rs, wake := y.Talk(now)
		if len(rs) > 1 {
			t.Fatalf("%d packets at once", len(rs))
		}
		for _, r := range rs {
			if len(r) != 9 || YealinkSum(r[1:]) != 0 {
				t.Fatalf("bad packet % x", r)
			}
			if r[1] == YealinkLCD && (r[2] < 1 || r[2] > 4) {
				t.Errorf("LCD packet % x", r)
			}
			sent = append(sent, fmt.Sprintf("%02x", r[1]))
		}
		if wake.IsZero() {
			break
		}
		if d := wake.Sub(now); d != 25*time.Millisecond {
			t.Fatalf("spacing %v", d)
		}
		now = wake
	}
	if got := strings.Join(sent, " "); got != "11 02 02 02 04 04 04 04 04 04 05 03" {
		t.Errorf("upload %s", got)
	}
	evs, _ := y.Decode(YealinkG2Packet(YealinkScanCode, 0x12))
	evs2, _ := y.Decode(YealinkG2Packet(YealinkScanCode, 0xff))
	if len(evs) != 1 || evs[0].String() != "key UP down" || len(evs2) != 1 || evs2[0].String() != "key UP up" {
		t.Errorf("keys %v %v", evs, evs2)
	}
	_, _ = y.Encode(Output{Ringer: true})
	rs, _ = y.Talk(now.Add(time.Second))
	if cmds(rs) != "05" {
		t.Fatalf("first ring packet %s", cmds(rs))
	}
	rs, _ = y.Talk(now.Add(time.Second + 25*time.Millisecond))
	if cmds(rs) != "03" || rs[0][2] != 0xff {
		t.Errorf("ringtone % x", rs)
	}
}

// TestOverridesKeepTalking proves a profile wrapped with a user's overrides
// still talks (Talker) and still has its display (Display), and that its keys
// are renamed: a legacy phone keeps working under a config file.
func TestOverridesKeepTalking(t *testing.T) {
	p := WithOverrides(NewYealink(""), Overrides{Name: "Desk phone", Keys: map[string]string{"C": "NO"}})
	if _, ok := p.(Talker); !ok {
		t.Error("the wrapped Yealink profile no longer talks")
	}
	if _, ok := p.(Display); !ok {
		t.Error("the wrapped Yealink profile lost its display")
	}
	if p.Name() != "Desk phone" {
		t.Errorf("name %q", p.Name())
	}
	cm, _ := NewCM109("", "gtalk")
	w := WithOverrides(cm, Overrides{Keys: map[string]string{"PAGEUP": "UP"}})
	if _, ok := w.(Talker); !ok {
		t.Error("the wrapped CM109 profile no longer talks")
	}
	if _, ok := w.(Display); ok {
		t.Error("the wrapped CM109 profile grew a display")
	}
	evs, _ := w.Decode([]byte{0, 0x01, 0x0f, 0, 0})
	if len(evs) != 1 || evs[0].Key != "UP" {
		t.Errorf("renamed volume key: %v", evs)
	}
	tel, err := NewTelephony("", toggleButtonHeadset)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := WithOverrides(tel, Overrides{Name: "x"}).(Talker); ok {
		t.Error("the wrapped Telephony profile grew a Talker")
	}
}

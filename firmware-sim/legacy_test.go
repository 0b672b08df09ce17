package firmwaresim

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/firmware-sim/internal/simtest"
	"github.com/handsetd/handsetd/internal/seg7"
)

// recEnv is an env that records what the firmware emits; its timers never
// fire (the legacy models use none).
type recEnv struct{ out [][]byte }

func (e *recEnv) emit(r []byte) { e.out = append(e.out, append([]byte(nil), r...)) }

func (e *recEnv) after(time.Duration, func()) func() { return func() {} }

func (e *recEnv) take() [][]byte { o := e.out; e.out = nil; return o }

func yealinkModel(t *testing.T, name string) (*yealink, *recEnv) {
	t.Helper()
	for _, v := range yealinkVariants() {
		if v.model == name {
			e := &recEnv{}
			return newYealink(e, v, Options{}), e
		}
	}
	t.Fatalf("no variant %s", name)
	return nil, nil
}

// TestYealinkPackets proves the Yealink firmware's answer to each kind of
// packet, byte for byte: requests get one reply with the same command byte
// and a correct checksum; setting commands get none; a wrong checksum, a
// short packet and a command the model does not know get the 0xfd packet.
func TestYealinkPackets(t *testing.T) {
	bad := simtest.YealinkPkt(0xfd, 0, 0)
	corrupt := simtest.YealinkPkt(0x87, 2, 0)
	corrupt[16]++
	tests := []struct {
		name, model string
		in          []byte
		want        [][]byte // replies; nil = silent
		bad         int
	}{
		{"version p1k", "yealink-p1k", simtest.YealinkPkt(0x87, 2, 0), [][]byte{simtest.YealinkPkt(0x87, 2, 0, 0x01, 0x10)}, 0},
		{"version p4k", "yealink-p4k", simtest.YealinkPkt(0x87, 2, 0), [][]byte{simtest.YealinkPkt(0x87, 2, 0, 0x02, 0x50)}, 0},
		{"version b2k", "yealink-b2k", simtest.YealinkPkt(0x87, 2, 0), [][]byte{simtest.YealinkPkt(0x87, 2, 0, 0x05, 0x21)}, 0},
		{"init", "yealink-p1k", simtest.YealinkPkt(0x8e, 11, 0), [][]byte{simtest.YealinkPkt(0x8e, 11, 0, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18, 0x19, 0x1a)}, 0},
		{"keypress idle", "yealink-p1k", simtest.YealinkPkt(0x80, 1, 0), [][]byte{simtest.YealinkPkt(0x80, 1, 0, 0)}, 0},
		{"bad checksum", "yealink-p1k", corrupt, [][]byte{bad}, 1},
		{"short packet", "yealink-p1k", simtest.YealinkPkt(0x80, 1, 0)[:10], [][]byte{bad}, 1},
		{"long packet", "yealink-p1k", append(simtest.YealinkPkt(0x80, 1, 0), 0), [][]byte{bad}, 1},
		{"unknown command", "yealink-p1k", simtest.YealinkPkt(0x77, 1, 0), [][]byte{bad}, 1},
		{"hookpress on a p1k", "yealink-p1k", simtest.YealinkPkt(0x8b, 1, 0), [][]byte{bad}, 1},
		{"hookpress on a p4k, on hook", "yealink-p4k", simtest.YealinkPkt(0x8b, 1, 0), [][]byte{simtest.YealinkPkt(0x8b, 1, 0, 0xff)}, 0},
		{"handset on a b2k", "yealink-b2k", simtest.YealinkPkt(0x8d, 1, 0), [][]byte{simtest.YealinkPkt(0x8d, 1, 0, 0x00)}, 0},
		{"lcd on a b2k", "yealink-b2k", simtest.YealinkPkt(0x04, 1, 0, 0xff), [][]byte{bad}, 1},
		{"lcd write", "yealink-p1k", simtest.YealinkPkt(0x04, 11, 0, 1, 2, 3), nil, 0},
		{"lcd past the ram", "yealink-p1k", simtest.YealinkPkt(0x04, 5, 20, 1, 2, 3, 4, 5), [][]byte{bad}, 1},
		{"lcd size 0", "yealink-p1k", simtest.YealinkPkt(0x04, 0, 0), [][]byte{bad}, 1},
		{"led", "yealink-p1k", simtest.YealinkPkt(0x05, 1, 0, 0), nil, 0},
		{"ringtone", "yealink-p1k", simtest.YealinkPkt(0x03, 1, 0, 0x24), nil, 0},
		{"ring volume", "yealink-p1k", simtest.YealinkPkt(0x11, 1, 0, 0xc0), nil, 0},
		{"ring note", "yealink-p1k", simtest.YealinkPkt(0x02, 4, 0, 0xfb, 0x1e, 0x00, 0x0c), nil, 0},
		{"dialtone", "yealink-p4k", simtest.YealinkPkt(0x09, 1, 0, 1), nil, 0},
		{"b2k ring", "yealink-b2k", simtest.YealinkPkt(0x01, 1, 0, 1), nil, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			y, e := yealinkModel(t, tc.model)
			if err := y.output(tc.in); err != nil {
				t.Fatalf("output: %v", err)
			}
			got := e.take()
			if fmt.Sprintf("% x", got) != fmt.Sprintf("% x", tc.want) {
				t.Errorf("replies\n% x\nwant\n% x", got, tc.want)
			}
			for _, r := range got {
				var s byte
				for _, b := range r[1:] {
					s += b
				}
				if len(r) != 17 || r[0] != 0 || s != 0 {
					t.Errorf("reply % x: want id 0, 16 bytes summing to 0", r)
				}
			}
			if y.bad != tc.bad {
				t.Errorf("bad packets %d, want %d", y.bad, tc.bad)
			}
		})
	}
	y, _ := yealinkModel(t, "yealink-p1k")
	if err := y.output([]byte{2, 0x80}); err == nil {
		t.Error("an output report with id 2 was accepted")
	}
}

// TestYealinkKeyScan proves the key scan works as the phone's: a key press
// emits nothing by itself; KEYPRESS then shows the event counter moved, and
// SCANCODE fetches each event's scancode from the ring of 32, a release
// being 0xff. Events older than 32 are overwritten.
func TestYealinkKeyScan(t *testing.T) {
	y, e := yealinkModel(t, "yealink-p1k")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	ask := func(req []byte) []byte {
		t.Helper()
		must(y.output(req))
		r := e.take()
		if len(r) != 1 {
			t.Fatalf("%d replies to % x", len(r), req)
		}
		return r[0]
	}
	must(y.press("5"))
	must(y.release("5"))
	must(y.press("pickup"))
	if r := e.take(); len(r) != 0 {
		t.Fatalf("the phone spoke unasked: % x", r)
	}
	if r := ask(simtest.YealinkPkt(0x80, 1, 0)); r[5] != 3 {
		t.Errorf("counter %d, want 3", r[5])
	}
	for i, want := range []byte{0x11, 0xff, 0x03} {
		if r := ask(simtest.YealinkPkt(0x81, 1, uint16(i))); r[5] != want || r[3] != 0 || r[4] != byte(i) {
			t.Errorf("scancode of event %d: % x, want %#02x", i, r, want)
		}
	}
	if err := y.press("5"); err != nil {
		t.Fatal(err)
	}
	if err := y.press("5"); err == nil {
		t.Error("pressing a held key succeeded")
	}
	if err := y.release("9"); err == nil {
		t.Error("releasing a key not held succeeded")
	}
	if err := y.press("F"); err == nil || !strings.Contains(err.Error(), "its keys") {
		t.Errorf("unknown key: %v", err)
	}
	if err := y.hook(true); err == nil {
		t.Error("the P1K has a hook switch")
	}
	for range 40 {
		must(y.release("5"))
		must(y.press("5"))
	}
	if r := ask(simtest.YealinkPkt(0x80, 1, 0)); r[5] != 84 {
		t.Errorf("counter %d, want 84", r[5])
	}
	if r := ask(simtest.YealinkPkt(0x81, 1, 83)); r[5] != 0x11 { // offset wraps at 32
		t.Errorf("event 84 at offset 83&31: % x", r)
	}
}

// TestYealinkHook proves the P4K's HOOKPRESS and the B2K's HANDSET report
// the hook (and the B2K's landline ring) only when asked.
func TestYealinkHook(t *testing.T) {
	p4k, e := yealinkModel(t, "yealink-p4k")
	if err := p4k.hook(true); err != nil {
		t.Fatal(err)
	}
	if len(e.take()) != 0 {
		t.Error("the P4K spoke unasked")
	}
	_ = p4k.output(simtest.YealinkPkt(0x8b, 1, 0))
	if r := e.take(); len(r) != 1 || r[0][5] != 0xef {
		t.Errorf("P4K off hook: % x, want data 0xef", r)
	}
	b2k, e := yealinkModel(t, "yealink-b2k")
	_ = b2k.hook(true)
	if known, err := b2k.command("pstn", []string{"ring", "on"}); err != nil || !known {
		t.Fatal(err)
	}
	_ = b2k.output(simtest.YealinkPkt(0x8d, 1, 0))
	if r := e.take(); len(r) != 1 || r[0][5] != 0x03 {
		t.Errorf("B2K off hook and ringing: % x, want data 0x03", r)
	}
}

// TestYealinkLCDState proves the LCD segment RAM is shown as readable text:
// the twelve-digit line, the clock line and the lit icons, all decoded from
// the segments the host wrote.
func TestYealinkLCDState(t *testing.T) {
	y, _ := yealinkModel(t, "yealink-p1k")
	var ram [seg7.RAMSize]byte
	l := seg7.P1K()
	for i, r := range "HELLO 42" {
		l.Put(ram[:], 26+i, r)
	}
	for i, r := range map[int]rune{6: '1', 7: '2', 8: ':', 9: '3', 10: '4', 11: 'x'} {
		l.Put(ram[:], i, r)
	}
	for off := 0; off < seg7.RAMSize; off += 11 {
		n := min(11, seg7.RAMSize-off)
		if err := y.output(simtest.YealinkPkt(0x04, byte(n), uint16(off), ram[off:off+n]...)); err != nil {
			t.Fatal(err)
		}
	}
	if !bytes.Equal(y.lcd[:], ram[:]) {
		t.Fatalf("ram % x, want % x", y.lcd, ram)
	}
	var s State
	y.state(&s)
	if s.LCD != "HELLO 42\n12:34" {
		t.Errorf("LCD %q", s.LCD)
	}
	if len(s.LCDIcons) != 1 || s.LCDIcons[0] != "IN" {
		t.Errorf("icons %q", s.LCDIcons)
	}
	_ = y.output(simtest.YealinkPkt(0x11, 1, 0, 0xc0))
	_ = y.output(simtest.YealinkPkt(0x02, 8, 0, 0xfb, 0x1e, 0x00, 0x0c, 0xff, 0xff, 0x00, 0xc8))
	_ = y.output(simtest.YealinkPkt(0x03, 1, 0, 0x24))
	_ = y.output(simtest.YealinkPkt(0x05, 1, 0, 0x00))
	y.state(&s)
	if !s.Ringing || !s.LEDs.Ring || s.RingerVolume != 0xc0 || s.RingTone != "1250Hz/120ms -/2000ms" {
		t.Errorf("ringing state %+v", s)
	}
}

func cmModel(t *testing.T, name string) (*cm109, *recEnv) {
	t.Helper()
	for _, v := range cm109Variants() {
		if v.model == name {
			e := &recEnv{}
			return newCM109(e, v), e
		}
	}
	t.Fatalf("no variant %s", name)
	return nil, nil
}

// TestCM109Registers proves the CM109 model's registers: a key shows on its
// row only while the host drives its column (and declares it an output);
// the low nibble reads back the columns driven; volume keys are levels and
// the mute buttons set their bit in one report; the buzzer follows bit 5 in
// register mode 0 only; a malformed output report is refused.
func TestCM109Registers(t *testing.T) {
	c, e := cmModel(t, "cm109-kip1000")
	out := func(b0, gpo, dir byte) []byte {
		t.Helper()
		if err := c.output([]byte{0, b0, gpo, dir, 0}); err != nil {
			t.Fatal(err)
		}
		r := e.take()
		if len(r) != 1 {
			t.Fatalf("%d reports after an output report", len(r))
		}
		return r[0]
	}
	if err := c.press("5"); err != nil { // row 0x20, column 0x2
		t.Fatal(err)
	}
	e.take()
	for _, tc := range []struct{ gpo, dir, want byte }{
		{0x0f, 0x0f, 0x2f}, {0x01, 0x01, 0x01}, {0x02, 0x02, 0x22}, {0x04, 0x04, 0x04}, {0x08, 0x08, 0x08}, {0x02, 0x00, 0x02},
	} {
		if r := out(0, tc.gpo, tc.dir); r[2] != tc.want {
			t.Errorf("GPO %#x dir %#x: GPI %#02x, want %#02x", tc.gpo, tc.dir, r[2], tc.want)
		}
	}
	if r := out(0x40, 0x0f, 0x0f); r[2]&0xf0 != 0 {
		t.Errorf("mode 1 still drives the keypad: % x", r)
	}
	if out(0x20, 0x0f, 0x0f); !c.buzzer {
		t.Error("buzzer bit ignored")
	}
	if out(0x60, 0x0f, 0x0f); c.buzzer {
		t.Error("buzzer sounds in mode 1")
	}
	_ = c.press("VOL+")
	if r := e.take(); len(r) != 1 || r[0][1] != 0x01 {
		t.Errorf("volume up: % x", r)
	}
	_ = c.mute()
	if r := e.take(); len(r) != 2 || r[0][1] != 0x09 || r[1][1] != 0x01 {
		t.Errorf("record mute: % x", r)
	}
	if known, err := c.command("speaker-mute", nil); err != nil || !known {
		t.Fatal(err)
	}
	if r := e.take(); len(r) != 2 || r[0][1] != 0x05 {
		t.Errorf("playback mute: % x", r)
	}
	if err := c.output([]byte{0, 0, 0x0f}); err == nil {
		t.Error("a 3-byte output report was accepted")
	}
	if err := c.output([]byte{1, 0, 0x0f, 0x0f, 0}); err == nil {
		t.Error("report id 1 was accepted")
	}
	if err := c.hook(true); err == nil {
		t.Error("the KIP1000 has a hook switch")
	}
}

// TestYealinkP1KH proves the second generation: 8-byte packets that sum to
// 0, VERSION and INIT answered, LCD packets carrying length and offset, ring
// notes appended after RING_VOLUME, 0xfd for a bad checksum, a 16-byte
// packet or an unknown command, and keys reported unasked (0xff on release).
func TestYealinkP1KH(t *testing.T) {
	y, e := yealinkModel(t, "yealink-p1kh")
	if id := y.identity(); id.product != 0xb700 {
		t.Errorf("product %#04x", id.product)
	}
	bad := simtest.P1KHPkt(0xfd)
	corrupt := simtest.P1KHPkt(0x87)
	corrupt[8]++
	for _, tc := range []struct {
		in   []byte
		want [][]byte
	}{
		{simtest.P1KHPkt(0x87), [][]byte{simtest.P1KHPkt(0x87, 0x01, 0x35)}},
		{simtest.P1KHPkt(0x8e), [][]byte{simtest.P1KHPkt(0x8e, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a)}},
		{corrupt, [][]byte{bad}},
		{simtest.YealinkPkt(0x87, 2, 0), [][]byte{bad}},
		{simtest.P1KHPkt(0x80), [][]byte{bad}},
		{simtest.P1KHPkt(0x04, 4, 22, 1, 2), [][]byte{bad}},
		{simtest.P1KHPkt(0x04, 2, 22, 0xf0, 0xe0), nil},
		{simtest.P1KHPkt(0x11, 0xff), nil},
		{simtest.P1KHPkt(0x02, 0x1e, 0x0c, 0x18, 0x0c, 0, 0), nil},
		{simtest.P1KHPkt(0x03, 0xff), nil},
	} {
		if err := y.output(tc.in); err != nil {
			t.Fatal(err)
		}
		if got := e.take(); fmt.Sprintf("% x", got) != fmt.Sprintf("% x", tc.want) {
			t.Errorf("% x: replies % x, want % x", tc.in, got, tc.want)
		}
	}
	var s State
	y.state(&s)
	if !strings.HasPrefix(s.LCD, "8") || !s.Ringing || s.RingTone != "0x1e/120ms 0x18/120ms" || s.BadPackets != 4 {
		t.Errorf("state %+v", s)
	}
	_ = y.press("pickup")
	_ = y.release("pickup")
	if got := e.take(); fmt.Sprintf("% x", got) != fmt.Sprintf("% x", [][]byte{simtest.P1KHPkt(0x81, 0x03), simtest.P1KHPkt(0x81, 0xff)}) {
		t.Errorf("keys: % x", got)
	}
}

// TestLegacyExec proves the control language reaches the legacy models'
// own commands, refuses them on models without them, names keys by label
// or Phone API name, and explains what a phone without a hook switch lacks.
func TestLegacyExec(t *testing.T) {
	for _, tc := range []struct{ model, line, want string }{
		{"yealink-b2k", "pstn ring on", "ok"},
		{"yealink-b2k", "pstn ring maybe", "error: usage: pstn ring on|off"},
		{"yealink-p1k", "pstn ring on", `error: unknown command "pstn"`},
		{"generic-telephony", "speaker-mute", `error: unknown command "speaker-mute"`},
		{"cm109-atcom", "speaker-mute", "ok"},
		{"cm109-atcom", "tap LEFT", "ok"},
		{"yealink-p1k", "tap pickup", "ok"},
		{"yealink-p4k", "tap VOL+", "ok"},
		{"yealink-p1k", "hook off", "error: the Yealink USB-P1K has no hook switch"},
		{"yealink-p4k", "hook off", "ok"},
		{"cm109-kip1000", "mute", "ok"},
		{"yealink-p1k", "mute", "error: the Yealink USB-P1K has no mute button"},
	} {
		h, err := New(tc.model, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if got := h.Exec(tc.line); !strings.HasPrefix(got, tc.want) {
			t.Errorf("%s: %q = %q, want %q…", tc.model, tc.line, got, tc.want)
		}
		h.Close()
	}
}

package seg7

import (
	"testing"
)

// TestFontIsInvertible proves every character has its own glyph, so a
// display can be read back as text without ambiguity.
func TestFontIsInvertible(t *testing.T) {
	seen := map[byte]rune{}
	for r, g := range font() {
		if o, dup := seen[g]; dup {
			t.Errorf("%q and %q share glyph %#02x", r, o, g)
		}
		seen[g] = r
		if c, ok := Char(g); !ok || c != r {
			t.Errorf("Char(Glyph(%q)) = %q, %v", r, c, ok)
		}
	}
	if Normalize("Alice 42!") != "ALICE 42-" {
		t.Errorf("Normalize = %q", Normalize("Alice 42!"))
	}
}

// TestP1KLayoutBits proves no two elements of the P1K display share a RAM
// bit except where the glass itself shares one (inside a Shared or One
// element), that every bit is inside the 24-byte RAM, and pins the RAM bits of
// two digits against the published segment map.
func TestP1KLayoutBits(t *testing.T) {
	l := P1K()
	owner := map[Bit]int{}
	for i, e := range l.Elements {
		for _, b := range e.Seg {
			if b.Mask == 0 {
				continue
			}
			if b.Byte < 0 || b.Byte >= RAMSize {
				t.Errorf("element %d: byte %d outside the RAM", i, b.Byte)
			}
			if o, ok := owner[b]; ok && o != i {
				t.Errorf("elements %d and %d share bit %+v", o, i, b)
			}
			owner[b] = i
		}
	}
	if n := len(l.Elements); n != 38 {
		t.Errorf("%d elements, want 17+9+12", n)
	}
	ram := make([]byte, RAMSize)
	l.Put(ram, 26, '8') // leftmost digit of line 3
	if ram[22] != 0xf0 || ram[23] != 0xe0 {
		t.Errorf("line 3 digit 0 '8': ram[22:24] = % x, want f0 e0", ram[22:24])
	}
	ram = make([]byte, RAMSize)
	l.Put(ram, 1, '7') // line 1, the month's units
	if ram[20] != 0x07 || ram[21] != 0 {
		t.Errorf("line 1 digit 1 '7': ram[20:22] = % x, want 07 00", ram[20:22])
	}
	for _, r := range "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ-" {
		ram := make([]byte, RAMSize)
		l.Put(ram, 30, r)
		if got := l.Read(ram, 30); got != string(r) {
			t.Errorf("digit reads %q after Put %q", got, r)
		}
	}
	ram = make([]byte, RAMSize)
	l.Put(ram, 6, '7') // a shared digit cannot draw 7
	if got := l.Read(ram, 6); got == "7" {
		t.Errorf("shared digit drew 7")
	}
	l.Put(ram, 8, 'x')
	if l.Read(ram, 8) != ":" {
		t.Errorf("colon icon not lit")
	}
}

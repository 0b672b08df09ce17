package seg7

// RAMSize is the size of the USB-P1K's LCD segment RAM.
const RAMSize = 24

// Bit is one bit of the segment RAM.
type Bit struct {
	Byte int
	Mask byte
}

// Kind is the shape of a display element.
type Kind byte

const (
	// Digit is a full seven-segment digit.
	Digit Kind = '8'
	// One is a half digit: one bit lights b and c together, drawing "1".
	One Kind = '1'
	// Shared is a digit some of whose segments share one RAM bit (the
	// phone's month and day tens): it cannot draw every character.
	Shared Kind = 's'
	// Icon is a pictogram, lit or dark.
	Icon Kind = '.'
)

// Element is one place on the glass.
type Element struct {
	Kind Kind
	// Name names an icon ("M", "D", ":", "IN", "OUT", "STORE", "NEW", "REP",
	// "SU" … "SA").
	Name string
	// Seg holds the RAM bit of segments a..g of a digit; Seg[0] is the
	// icon's bit. A zero Mask means the element has no such segment.
	Seg [7]Bit
}

// Layout is a display: its elements, and which of them form each line.
type Layout struct {
	Elements []Element
	// Lines holds each line's first element and the element after its last.
	Lines [][2]int
}

func digit(a, b, c, d, e, f, g Bit) Element {
	return Element{Kind: Digit, Seg: [7]Bit{a, b, c, d, e, f, g}}
}

func icon(name string, byt int, mask byte) Element {
	return Element{Kind: Icon, Name: name, Seg: [7]Bit{{byt, mask}}}
}

// bankDigit is a line-1 digit whose a..d segments are bits 0-3 of byte lo and
// whose e, f, g are bits of the byte hi.
func bankDigit(lo int, hi int, e, f, g byte) Element {
	return digit(Bit{lo, 1}, Bit{lo, 2}, Bit{lo, 4}, Bit{lo, 8}, Bit{hi, e}, Bit{hi, f}, Bit{hi, g})
}

// P1K is the USB-P1K's display. Line 1 is a date and clock with icons:
// "1 8 [M] 8 8 [D] 8 8 [:] 8 8 [IN] [OUT] [STORE] 1 8 8"; line 2 is nine
// icons (NEW, REP and the weekdays); line 3 is twelve full digits, the one
// line that can show a name or a number.
func P1K() Layout {
	one := func(byt int, mask byte) Element {
		b := Bit{byt, mask}
		return Element{Kind: One, Seg: [7]Bit{{}, b, b}}
	}
	shared := func(e Element) Element { e.Kind = Shared; return e }
	els := []Element{
		// Line 1.
		one(22, 0x02),
		bankDigit(20, 21, 0x04, 0x01, 0x02),
		icon("M", 22, 0x01),
		shared(digit(Bit{18, 1}, Bit{18, 2}, Bit{18, 4}, Bit{18, 1}, Bit{19, 2}, Bit{19, 1}, Bit{18, 1})),
		bankDigit(16, 17, 0x04, 0x01, 0x02),
		icon("D", 15, 0x08),
		shared(digit(Bit{14, 1}, Bit{14, 2}, Bit{14, 4}, Bit{14, 1}, Bit{15, 4}, Bit{15, 1}, Bit{15, 2})),
		bankDigit(12, 13, 0x04, 0x01, 0x02),
		icon(":", 11, 0x08),
		bankDigit(10, 11, 0x04, 0x01, 0x02),
		bankDigit(8, 9, 0x04, 0x01, 0x02),
		icon("IN", 7, 0x01),
		icon("OUT", 7, 0x02),
		icon("STORE", 7, 0x04),
		one(5, 0x01),
		bankDigit(4, 5, 0x08, 0x02, 0x04),
		bankDigit(2, 3, 0x04, 0x01, 0x02),
		// Line 2.
		icon("NEW", 23, 0x02),
		icon("REP", 23, 0x04),
		icon("SU", 1, 0x08),
		icon("MO", 1, 0x04),
		icon("TU", 1, 0x02),
		icon("WE", 1, 0x01),
		icon("TH", 0, 0x01),
		icon("FR", 0, 0x02),
		icon("SA", 0, 0x04),
	}
	// Line 3: twelve digits from left to right, each on the high nibbles of
	// a pair of bytes, the leftmost on bytes 22 and 23.
	for i := range 12 {
		lo := 22 - 2*i
		hi := lo + 1
		els = append(els, digit(Bit{lo, 0x10}, Bit{lo, 0x20}, Bit{lo, 0x40}, Bit{lo, 0x80}, Bit{hi, 0x80}, Bit{hi, 0x20}, Bit{hi, 0x40}))
	}
	return Layout{Elements: els, Lines: [][2]int{{0, 17}, {17, 26}, {26, 38}}}
}

// Put draws r on element el of ram: a character on a digit, lit (any
// character but space) or dark on an icon. A bit shared by several segments
// is lit when any of them is.
func (l Layout) Put(ram []byte, el int, r rune) {
	e := l.Elements[el]
	if e.Kind == Icon {
		set(ram, e.Seg[0], r != ' ')
		return
	}
	g := Glyph(r)
	for _, b := range e.Seg {
		if b.Mask != 0 {
			set(ram, b, false)
		}
	}
	for i, b := range e.Seg {
		if b.Mask != 0 && g&(1<<i) != 0 {
			set(ram, b, true)
		}
	}
}

// Read returns what element el of ram shows: a character for a digit ('?'
// for a pattern that is no character), the icon's name or "" for an icon.
func (l Layout) Read(ram []byte, el int) string {
	e := l.Elements[el]
	if e.Kind == Icon {
		if lit(ram, e.Seg[0]) {
			return e.Name
		}
		return ""
	}
	var g byte
	for i, b := range e.Seg {
		if b.Mask != 0 && lit(ram, b) {
			g |= 1 << i
		}
	}
	r, _ := Char(g)
	return string(r)
}

func set(ram []byte, b Bit, on bool) {
	if b.Byte < 0 || b.Byte >= len(ram) {
		return
	}
	if on {
		ram[b.Byte] |= b.Mask
	} else {
		ram[b.Byte] &^= b.Mask
	}
}

func lit(ram []byte, b Bit) bool {
	return b.Byte >= 0 && b.Byte < len(ram) && ram[b.Byte]&b.Mask != 0
}

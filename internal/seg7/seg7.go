package seg7

// Segment bits of a glyph.
const (
	A byte = 1 << iota // top
	B                  // top right
	C                  // bottom right
	D                  // bottom
	E                  // bottom left
	F                  // top left
	G                  // middle
)

// font is the character set. Every glyph is distinct, so Char inverts Glyph.
func font() map[rune]byte {
	return map[rune]byte{
		' ':  0,
		'0':  A | B | C | D | E | F,
		'1':  B | C,
		'2':  A | B | D | E | G,
		'3':  A | B | C | D | G,
		'4':  B | C | F | G,
		'5':  A | C | D | F | G,
		'6':  A | C | D | E | F | G,
		'7':  A | B | C,
		'8':  A | B | C | D | E | F | G,
		'9':  A | B | C | D | F | G,
		'A':  A | B | C | E | F | G,
		'B':  C | D | E | F | G,
		'C':  A | D | E | F,
		'D':  B | C | D | E | G,
		'E':  A | D | E | F | G,
		'F':  A | E | F | G,
		'G':  A | C | D | E | F,
		'H':  B | C | E | F | G,
		'I':  E | F,
		'J':  B | C | D | E,
		'K':  A | C | E | F | G,
		'L':  D | E | F,
		'M':  A | B | C | E | F,
		'N':  C | E | G,
		'O':  C | D | E | G,
		'P':  A | B | E | F | G,
		'Q':  A | B | C | F | G,
		'R':  E | G,
		'S':  A | C | D | F,
		'T':  D | E | F | G,
		'U':  B | C | D | E | F,
		'V':  C | D | E,
		'W':  B | D | F,
		'X':  A | D | G,
		'Y':  B | C | D | F | G,
		'Z':  A | B | D | E,
		'-':  G,
		'_':  D,
		'*':  A | B | F | G,
		'#':  B | C | E | F,
		'+':  B | C | G,
		'=':  D | G,
		'?':  A | B | E | G,
		'\'': F,
	}
}

// Glyph returns the segments that draw r. Lower-case letters are drawn as
// upper case; a character the display cannot draw is shown as '-'.
func Glyph(r rune) byte {
	if r >= 'a' && r <= 'z' {
		r -= 'a' - 'A'
	}
	if g, ok := font()[r]; ok {
		return g
	}
	return G
}

// Char reads a glyph back: the character it draws, or '?' with ok false
// for a pattern that is no character.
func Char(glyph byte) (r rune, ok bool) {
	for c, g := range font() {
		if g == glyph&0x7f {
			return c, true
		}
	}
	return '?', false
}

// Normalize returns s as the display shows it: upper case, undrawable
// characters replaced by '-'.
func Normalize(s string) string {
	out := make([]rune, 0, len(s))
	for _, r := range s {
		c, _ := Char(Glyph(r))
		out = append(out, c)
	}
	return string(out)
}

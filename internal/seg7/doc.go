// Package seg7 is the glass of a seven-segment display: which segments draw
// which character, and where each segment of the Yealink USB-P1K's LCD lives
// in the phone's 24 bytes of segment RAM.
//
// A seven-segment digit has segments a (top), b (top right), c (bottom
// right), d (bottom), e (bottom left), f (top left) and g (middle); a glyph is
// one bit per segment, a in bit 0 through g in bit 6. Seven segments cannot
// draw every letter, so letters take the nearest shape that no other
// character uses: Glyph and Char are inverses, and a simulated display can be
// read back as text without guessing.
//
// The USB-P1K's LCD has no character generator: the host writes segment bits
// straight into the phone's RAM (command 0x04, up to 11 bytes at an offset).
// P1KLayout lists the display's elements in order, line by line, with the RAM
// byte and bit of each segment. Both the keymap profile (which writes the RAM)
// and the firmware simulator (which shows it) use it.
package seg7

package config

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"
)

// scanner reads the TOML subset of one line.
type scanner struct {
	s string
	i int
}

func (s *scanner) peek() byte {
	if s.i < len(s.s) {
		return s.s[s.i]
	}
	return 0
}

func (s *scanner) eat(c byte) bool {
	if s.peek() == c && s.i < len(s.s) {
		s.i++
		return true
	}
	return false
}

func (s *scanner) space() {
	for s.i < len(s.s) && (s.s[s.i] == ' ' || s.s[s.i] == '\t') {
		s.i++
	}
}

// end reports whether only a comment is left.
func (s *scanner) end() bool { return s.i >= len(s.s) || s.s[s.i] == '#' }

func (s *scanner) rest() string { return s.s[s.i:] }

func isBareByte(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-'
}

func isBare(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		if !isBareByte(k[i]) {
			return false
		}
	}
	return true
}

// key reads a bare or quoted key.
func (s *scanner) key() (string, error) {
	switch c := s.peek(); {
	case c == '"' || c == '\'':
		return s.str()
	case isBareByte(c):
		j := s.i
		for s.i < len(s.s) && isBareByte(s.s[s.i]) {
			s.i++
		}
		return s.s[j:s.i], nil
	case c == 0:
		return "", errors.New("missing a key")
	default:
		return "", fmt.Errorf("%q cannot start a key (quote keys such as \"#\" and \"*\")", string(rune(c)))
	}
}

// value reads a string value; other TOML types are refused by name.
func (s *scanner) value() (string, error) {
	switch c := s.peek(); {
	case c == '"' || c == '\'':
		return s.str()
	case c == 0 || c == '#':
		return "", errors.New("missing the value (write \"\" for an empty one)")
	case c == '[':
		return "", errors.New("arrays are not supported; values are strings")
	case c == '{':
		return "", errors.New("inline tables are not supported; write a [table] instead")
	case strings.HasPrefix(s.rest(), "true") || strings.HasPrefix(s.rest(), "false"):
		return "", errors.New("booleans are not supported; values are strings")
	default:
		return "", fmt.Errorf("values are quoted strings, got %q", clip(s.rest()))
	}
}

// str reads a basic "..." or literal '...' string on one line.
func (s *scanner) str() (string, error) {
	q := s.peek()
	if strings.HasPrefix(s.rest(), string([]byte{q, q, q})) {
		return "", errors.New("multi-line strings are not supported")
	}
	s.i++
	var b strings.Builder
	for {
		if s.i >= len(s.s) {
			return "", errors.New("unterminated string")
		}
		c := s.s[s.i]
		switch {
		case c == q:
			s.i++
			return b.String(), nil
		case c < 0x20 && c != '\t' || c == 0x7f:
			return "", fmt.Errorf("control character %#02x in a string (write it as an escape)", c)
		case c == '\\' && q == '"':
			r, err := s.escape()
			if err != nil {
				return "", err
			}
			b.WriteRune(r)
		default:
			b.WriteByte(c)
			s.i++
		}
	}
}

func (s *scanner) escape() (rune, error) {
	s.i++ // the backslash
	if s.i >= len(s.s) {
		return 0, errors.New("unterminated string")
	}
	c := s.s[s.i]
	s.i++
	simple := map[byte]rune{'b': '\b', 't': '\t', 'n': '\n', 'f': '\f', 'r': '\r', '"': '"', '\\': '\\'}
	if r, ok := simple[c]; ok {
		return r, nil
	}
	n := 0
	switch c {
	case 'u':
		n = 4
	case 'U':
		n = 8
	default:
		return 0, fmt.Errorf("unknown escape \\%c", c)
	}
	if s.i+n > len(s.s) {
		return 0, fmt.Errorf("\\%c wants %d hex digits", c, n)
	}
	v, err := strconv.ParseUint(s.s[s.i:s.i+n], 16, 32)
	if err != nil || !utf8.ValidRune(rune(v)) {
		return 0, fmt.Errorf("\\%c%s is not a Unicode scalar value", c, s.s[s.i:s.i+n])
	}
	s.i += n
	return rune(v), nil
}

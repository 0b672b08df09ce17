package refhost

import (
	"strconv"
	"strings"
	"time"

	"github.com/handsetd/handsetd/phoneapi"
)

// badLineLogEvery bounds the warnings about malformed lines from a client.
const badLineLogEvery = 10 * time.Second

// body is m in canonical form without its "#id" tag.
func body(m phoneapi.Message) string {
	m.ID = ""
	return m.String()
}

func onOff(on bool) string {
	if on {
		return "ON"
	}
	return "OFF"
}

func parseOnOff(s string) (on, ok bool) {
	switch strings.ToUpper(s) {
	case "ON":
		return true, true
	case "OFF":
		return false, true
	}
	return false, false
}

// joinOpt joins head and an optional value, leaving no trailing space.
func joinOpt(head, v string) string {
	if v == "" {
		return head
	}
	return head + " " + v
}

// cut splits off the first space-separated word.
func cut(s string) (word, rest string) {
	w, r, _ := strings.Cut(s, " ")
	return w, r
}

func alnum(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z') {
			return false
		}
	}
	return true
}

// callID parses a call id: decimal digits only, at least one, fits an int32.
func callID(s string) (int, bool) {
	if s == "" || len(s) > 9 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	n, err := strconv.Atoi(s)
	return n, err == nil
}

// terminalStatus reports whether a call in this status is over.
func terminalStatus(s string) bool {
	switch s {
	case "FINISHED", "MISSED", "REFUSED", "BUSY", "CANCELLED", "FAILED", "UNPLACED":
		return true
	}
	return false
}

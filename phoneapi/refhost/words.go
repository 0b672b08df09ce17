package refhost

import (
	"time"
)

// badLineLogEvery bounds the warnings about malformed lines from a client.
const badLineLogEvery = 10 * time.Second

// joinOpt joins head and an optional value, leaving no trailing space.
func joinOpt(head, v string) string {
	if v == "" {
		return head
	}
	return head + " " + v
}

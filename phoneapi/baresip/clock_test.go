package baresip

import (
	"time"

	"github.com/handsetd/handsetd/internal/clock"
)

func newFakeClock() *clock.Fake { return clock.NewFake(time.Unix(1_000_000, 0)) }

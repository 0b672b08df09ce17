package e2e

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handsetd/handsetd/driver"
)

// TestSlowDBusHostInvoke proves a D-Bus host whose Invoke handler blocks
// for 5 s on the handset's first key does not stall the handset: during
// those 5 s the device is still read (every key of 2 000 decoded), the
// host's notifications still reach it (a call rings it, its Ring LED
// lights, the ring stops when the call ends, a MUTE ON lights its Mute
// LED), memory stays bounded, and once the Invoke returns the host gets
// keys again.
func TestSlowDBusHostInvoke(t *testing.T) {
	const stallFor = 5 * time.Second
	stalled := make(chan struct{})
	var stallOnce sync.Once
	var inside atomic.Int64
	keys := make(chan string, 1<<14)
	hs, obs, notify := driveDBusHost(t, func(tag, line string) string {
		f := strings.Fields(line)
		switch {
		case len(f) == 4 && f[0] == "GET" && f[1] == "CALL" && f[3] == "TYPE":
			return tag + "CALL " + f[2] + " TYPE INCOMING_PSTN"
		case len(f) > 0 && (f[0] == "BTN_PRESSED" || f[0] == "BTN_RELEASED"):
			select {
			case keys <- line:
			default:
			}
			first := false
			stallOnce.Do(func() { first = true })
			if first {
				inside.Add(1)
				close(stalled)
				time.Sleep(stallFor) // the slow host
				inside.Add(-1)
			}
		}
		return ""
	})

	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	began := time.Now()
	if err := hs.Tap("1"); err != nil {
		t.Fatal(err)
	}
	select {
	case <-stalled:
	case <-time.After(waitLimit):
		t.Fatal("the first key never reached the host")
	}
	base := obs.Last().Events

	// While the host's Invoke is stuck: a call rings the handset...
	notify("CALL 7 STATUS RINGING")
	obs.wait(t, "ringing while the host's Invoke is stuck", func(o driver.Observation) bool { return o.Output.Ringer && o.Output.LEDs.Ring })
	rang := time.Since(began)
	// ...the device is read...
	const taps = 1000
	for i := range taps {
		if err := hs.Tap(fmt.Sprint(i % 10)); err != nil {
			t.Fatal(err)
		}
		if i%4 == 3 { // at most 16 events ahead of the reader, as a USB handset is
			want := base + 2*(i+1) - 16
			obs.wait(t, "the device read while the host is stuck", func(o driver.Observation) bool { return o.Events >= want })
		}
	}
	obs.wait(t, "every key decoded while the host is stuck", func(o driver.Observation) bool { return o.Events >= base+2*taps })
	// ...the call ends and the ring stops, and mute lights its LED.
	notify("CALL 7 STATUS FINISHED")
	obs.wait(t, "the ring stopped while the host's Invoke is stuck", func(o driver.Observation) bool { return !o.Output.Ringer && !o.Output.LEDs.Ring })
	notify("MUTE ON")
	obs.wait(t, "the Mute LED while the host's Invoke is stuck", func(o driver.Observation) bool { return o.Output.LEDs.Mute })
	during := time.Since(began)
	if inside.Load() != 1 || during >= stallFor {
		t.Fatalf("the host's Invoke was not stuck throughout (inside %d, %v of %v): the test proves nothing", inside.Load(), during, stallFor)
	}
	var after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&after)
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 16<<20 {
		t.Errorf("heap grew by %d MB while the host was stuck", grew>>20)
	}

	// Once the Invoke returns, keys reach the host again. The outbox still
	// holds what it kept meanwhile, so a tap may yet be dropped: tap until
	// one gets through.
	deadline := time.After(stallFor + waitLimit)
	for done := false; !done; {
		if err := hs.Tap("*"); err != nil {
			t.Fatal(err)
		}
		retry := time.After(200 * time.Millisecond)
	wait:
		for {
			select {
			case l := <-keys:
				if l == "BTN_RELEASED *" {
					done = true
					break wait
				}
			case <-retry:
				break wait
			case <-deadline:
				t.Fatal("the host got no key after its Invoke returned")
			}
		}
	}
	t.Logf("with the host's Invoke stuck %v: rang after %v, %d keys read, ring stopped and Mute LED lit by %v; dropped %d commands; heap %d → %d kB",
		stallFor, rang.Round(time.Millisecond), 2*taps, during.Round(time.Millisecond), obs.Last().Dropped, before.HeapAlloc>>10, after.HeapAlloc>>10)
}

package driver

import (
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// TestNamesNumberInSlotOrder proves the numbering rule: whatever order the
// handsets claim in, the first slot with a name keeps it and later slots
// get " #2", " #3"; other names are left alone; and a handset renumbered by
// an earlier slot's claim is told so through its channel.
func TestNamesNumberInSlotOrder(t *testing.T) {
	type claim struct {
		slot int
		base string
	}
	tests := []struct {
		name   string
		claims []claim
		want   map[int]string
	}{
		{"distinct names stay", []claim{{0, "A"}, {1, "B"}}, map[int]string{0: "A", 1: "B"}},
		{"same model in order", []claim{{0, "A"}, {1, "A"}, {2, "A"}}, map[int]string{0: "A", 1: "A #2", 2: "A #3"}},
		{"same model out of order", []claim{{2, "A"}, {1, "A"}, {0, "A"}}, map[int]string{0: "A", 1: "A #2", 2: "A #3"}},
		{"numbers count only equal names", []claim{{0, "A"}, {1, "B"}, {2, "A"}}, map[int]string{0: "A", 1: "B", 2: "A #2"}},
		{"a slot changing model frees its number", []claim{{0, "A"}, {1, "A"}, {0, "B"}}, map[int]string{0: "B", 1: "A"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			n := NewNames()
			for _, c := range tc.claims {
				n.Slot(c.slot).Claim(c.base)
			}
			for slot, want := range tc.want {
				base := ""
				for _, c := range tc.claims {
					if c.slot == slot {
						base = c.base
					}
				}
				if got, _ := n.Slot(slot).Claim(base); got != want {
					t.Errorf("slot %d = %q, want %q", slot, got, want)
				}
			}
		})
	}

	n := NewNames()
	late, changed := n.Slot(1).Claim("A")
	if late != "A" {
		t.Fatalf("a lone handset = %q, want A", late)
	}
	select {
	case <-changed:
		t.Fatal("changed closed with nothing changed")
	default:
	}
	if _, other := n.Slot(2).Claim("B"); other == nil {
		t.Fatal("no channel for slot 2")
	}
	select {
	case <-changed:
		t.Fatal("another name renumbered slot 1")
	default:
	}
	if got, _ := n.Slot(0).Claim("A"); got != "A" {
		t.Fatalf("slot 0 = %q, want A", got)
	}
	select {
	case <-changed:
	default:
		t.Fatal("slot 1 was renumbered without being told")
	}
	if got, _ := n.Slot(1).Claim("A"); got != "A #2" {
		t.Fatalf("slot 1 after slot 0 claimed = %q, want A #2", got)
	}
	// Reserve fixes the order before any handset opens.
	r := NewNames()
	r.Slot(0).Reserve("Desk")
	r.Slot(1).Reserve("Desk")
	if got, _ := r.Slot(1).Claim("Desk"); got != "Desk #2" {
		t.Fatalf("reserved slot 1 = %q, want Desk #2", got)
	}
}

// TestTwoIdenticalHandsetsHaveTheirOwnNames proves two handsets of the same
// model are two clients of the host with two NAMEs, numbered in slot order
// even when the second slot's handset opens first: it is renumbered and
// greets the host again. Lifting the first slot's handset shows on the
// client with the plain name only.
func TestTwoIdenticalHandsetsHaveTheirOwnNames(t *testing.T) {
	lines := make(chan struct{}, 1) // a token whenever the host processed a line
	host := refhost.New(refhost.Options{OnLine: func(string, phoneapi.Direction, string) {
		select {
		case lines <- struct{}{}:
		default:
		}
	}})
	dial := pipeDial(t, host, nil) // the host ends after the drivers
	const base = "Generic USB Telephony Handset"
	waitClients := func(clients ...string) {
		t.Helper()
		sort.Strings(clients)
		want := strings.Join(clients, ",")
		deadline := time.After(waitLimit)
		// A client leaving the host prints no line, so the state is also
		// re-read now and then: the renumbered handset's old connection may
		// close after the last line.
		recheck := time.NewTicker(20 * time.Millisecond)
		defer recheck.Stop()
		for {
			var got []string
			for _, c := range host.State().Clients {
				got = append(got, c.Name+"="+c.Hook)
			}
			sort.Strings(got)
			if strings.Join(got, ",") == want {
				return
			}
			select {
			case <-lines:
			case <-recheck.C:
			case <-deadline:
				t.Fatalf("host clients %q, want %s", got, want)
			}
		}
	}
	names := NewNames()
	_, obs1 := startDriver(t, Config{Dial: dial, Names: names.Slot(1)})
	obs1.wait(t, "slot 1 up", func(o Observation, _ int) bool { return o.HostUp })
	waitClients(base + "=on")
	first, obs0 := startDriver(t, Config{Dial: dial, Names: names.Slot(0)})
	obs0.wait(t, "slot 0 up", func(o Observation, _ int) bool { return o.HostUp })
	waitClients(base+"=on", base+" #2=on")
	if err := first.HookOff(); err != nil {
		t.Fatal(err)
	}
	waitClients(base+"=off", base+" #2=on")
}

// TestReleasedSlotFreesItsNumber proves a hot-plugged handset that left for
// good gives its name back: the handset numbered after it takes the name
// and is told so, and one plugged in later is not numbered past a handset
// that is gone.
func TestReleasedSlotFreesItsNumber(t *testing.T) {
	n := NewNames()
	n.Slot(0).Claim("A")
	_, renamed := n.Slot(1).Claim("A")
	n.Release(0)
	select {
	case <-renamed:
	default:
		t.Fatal("the handset after the released one was not told its NAME changed")
	}
	if got, _ := n.Slot(1).Claim("A"); got != "A" {
		t.Errorf("after the release slot 1 is %q, want A", got)
	}
	n.Release(1)
	if got, _ := n.Slot(7).Claim("A"); got != "A" {
		t.Errorf("a handset plugged in after the others left is %q, want A", got)
	}
}

package driver

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/internal/clock"
	"github.com/handsetd/handsetd/phoneapi"
)

// TestLCDShowsAskedDisplayName proves that a caller's name the driver has
// to ask for reaches the P1K's LCD. The scripted host volunteers nothing:
// it sends only CALL 7 STATUS RINGING, and answers GET CALL 7 TYPE and GET
// CALL 7 PARTNER_DISPNAME (and PARTNER_HANDLE, with another name) when
// asked. The phone must ring with the display name on its LCD, and the
// driver must have asked for it.
func TestLCDShowsAskedDisplayName(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), 15*time.Second)
	defer cancel()
	sim, err := firmwaresim.New("yealink-p1k", firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sim.Close()

	var mu sync.Mutex
	var asked []string
	dev, hostEnd := phoneapi.Pipe()
	defer hostEnd.Close()
	go func() {
		rang := false
		for {
			line, err := hostEnd.ReadLine(ctx)
			if err != nil {
				return
			}
			// A protocol 4+ request carries a #id, echoed on its reply.
			tag, body := "", line
			if strings.HasPrefix(line, "#") {
				if i := strings.IndexByte(line, ' '); i > 0 {
					tag, body = line[:i+1], line[i+1:]
				}
			}
			var replies []string
			switch {
			case body == "PROTOCOL 5":
				replies = []string{"PROTOCOL 5"}
			case strings.HasPrefix(body, "HOOK ") && !rang:
				rang = true
				replies = []string{"CALL 7 STATUS RINGING"}
			case body == "GET CALL 7 TYPE":
				replies = []string{tag + "CALL 7 TYPE INCOMING_P2P"}
			case body == "GET CALL 7 PARTNER_DISPNAME":
				replies = []string{tag + "CALL 7 PARTNER_DISPNAME Carol Jones"}
			case body == "GET CALL 7 PARTNER_HANDLE":
				replies = []string{tag + "CALL 7 PARTNER_HANDLE carol.j"}
			case body == "PING":
				replies = []string{tag + "PONG"}
			}
			if strings.HasPrefix(body, "GET ") {
				mu.Lock()
				asked = append(asked, body)
				mu.Unlock()
			}
			for _, r := range replies {
				if err := hostEnd.WriteLine(ctx, r); err != nil {
					return
				}
			}
		}
	}()
	var once sync.Once
	dial := func(ctx context.Context) (Session, error) {
		var s Session
		once.Do(func() { s = NewClientSession(dev, phoneapi.ClientOptions{}) })
		if s == nil {
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return s, nil
	}
	done := make(chan error, 1)
	go func() {
		done <- Run(ctx, Config{
			Open:  func(ctx context.Context) (hid.Device, error) { return sim.Open(ctx) },
			Dial:  dial,
			Clock: clock.Real{},
		})
	}()
	for {
		ch := sim.Changed()
		s := sim.State()
		if s.Ringing && s.LCD == "CAROL JONES" {
			break
		}
		select {
		case <-ch:
		case <-ctx.Done():
			mu.Lock()
			t.Fatalf("the LCD never showed the asked name while ringing: %+v; the driver asked %q", s, asked)
		}
	}
	mu.Lock()
	got := strings.Join(asked, "|")
	mu.Unlock()
	if !strings.Contains(got, "GET CALL 7 PARTNER_DISPNAME") {
		t.Errorf("the driver asked %q, not for the display name", got)
	}
	cancel()
	if err := <-done; err != nil && ctx.Err() == nil {
		t.Errorf("Run = %v", err)
	}
}

package driver

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/refhost"
)

// failingTransport fails the first write of one line with err, and records
// every line that got through.
type failingTransport struct {
	phoneapi.Transport
	line   string
	err    error
	failed *atomic.Bool // shared by all sessions: fail once in all
	sent   chan<- string
}

func (f *failingTransport) WriteLine(ctx context.Context, line string) error {
	if line == f.line && f.failed.CompareAndSwap(false, true) {
		return f.err
	}
	if err := f.Transport.WriteLine(ctx, line); err != nil {
		return err
	}
	select {
	case f.sent <- line:
	default:
	}
	return nil
}

// waitSent reads the lines that reached the host until want arrives.
func waitSent(t *testing.T, sent <-chan string, want string) {
	t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case l := <-sent:
			if l == want {
				return
			}
		case <-deadline:
			t.Fatalf("%q never reached the host", want)
		}
	}
}

// TestSendFailure proves what a failed send does to the session. A host
// that refuses one command by itself (an error wrapping
// phoneapi.ErrRejected, as a D-Bus error reply from the host is) costs that
// command only: the session stays and the next key reaches the host. Any
// other send error is a failing link: the session ends, the driver dials
// again, resyncs the hook state, and the next keys reach the new session
// instead of piling up unsent while PING still works.
func TestSendFailure(t *testing.T) {
	for _, tc := range []struct {
		name      string
		err       error
		wantDials int32
	}{
		{"host refuses the command", fmt.Errorf("invoke: org.freedesktop.DBus.Error.Failed: %w", phoneapi.ErrRejected), 1},
		{"link fails", errors.New("write: broken pipe"), 2},
		{"host gone", fmt.Errorf("invoke: %w", phoneapi.ErrClosed), 2},
	} {
		t.Run(tc.name, func(t *testing.T) {
			host := refhost.New(refhost.Options{})
			ctx, cancel := context.WithCancel(context.Background())
			var serving sync.WaitGroup
			t.Cleanup(func() { cancel(); serving.Wait() }) // runs after the driver's cleanup
			var dials atomic.Int32
			var failed atomic.Bool
			sent := make(chan string, 1024)
			dial := func(context.Context) (Session, error) {
				dials.Add(1)
				dev, hostEnd := phoneapi.Pipe()
				serving.Add(1)
				go func() {
					defer serving.Done()
					_ = host.Serve(ctx, hostEnd)
				}()
				ft := &failingTransport{Transport: dev, line: "BTN_PRESSED 1", err: tc.err, failed: &failed, sent: sent}
				return NewClientSession(ft, phoneapi.ClientOptions{}), nil
			}
			hs, obs := startDriver(t, Config{Dial: dial, RetryMin: time.Millisecond, RetryMax: 10 * time.Millisecond})
			obs.wait(t, "host up", func(o Observation, _ int) bool { return o.HostUp })
			waitSent(t, sent, "HOOK ON")
			if err := hs.Tap("1"); err != nil {
				t.Fatal(err)
			}
			if tc.wantDials > 1 {
				// Keys pressed while there is no session are lost by
				// design; the next session first gets the hook state.
				waitSent(t, sent, "HOOK ON")
			}
			if err := hs.Tap("2"); err != nil {
				t.Fatal(err)
			}
			waitSent(t, sent, "BTN_PRESSED 2")
			if err := hs.HookOff(); err != nil {
				t.Fatal(err)
			}
			waitSent(t, sent, "HOOK OFF")
			if !failed.Load() {
				t.Fatal("the failing send never happened")
			}
			if got := dials.Load(); got != tc.wantDials {
				t.Errorf("%d dials, want %d", got, tc.wantDials)
			}
			obs.wait(t, "host up and off hook", func(o Observation, _ int) bool { return o.HostUp && o.OffHook })
		})
	}
}

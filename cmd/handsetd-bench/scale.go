package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
)

// scaleResult is one handsetd process driving n simulated handsets, keys
// pressed and released at rate events/s in total.
type scaleResult struct {
	handsets   int
	rate       int
	window     time.Duration
	sent, got  int
	outOfOrder int
	gaps       int // places in a handset's sequence where events went missing
	drops      int // commands the driver said it dropped for a slow host
	cpu        time.Duration
	rssKB      int64
	lat        dist
}

func (r scaleResult) cpuPerEvent() time.Duration {
	if r.got == 0 {
		return 0
	}
	return r.cpu / time.Duration(r.got)
}

func (r scaleResult) cpuPercent() float64 { return 100 * float64(r.cpu) / float64(r.window) }

func scale(ctx context.Context, dir, bin string, n, rate int, window time.Duration) (scaleResult, error) {
	r := scaleResult{handsets: n, rate: rate}
	if err := mkdir(dir); err != nil {
		return r, err
	}
	sims := make([]*simServer, n)
	var devices []string
	for i := range n {
		s, err := serveSim(ctx, "generic-telephony", filepath.Join(dir, fmt.Sprintf("sim%d.sock", i)))
		if err != nil {
			return r, err
		}
		defer s.stop()
		sims[i] = s
		devices = append(devices, s.spec)
	}
	h := newLineHost(1 << 20)
	hostPath := filepath.Join(dir, "host.sock")
	host, err := serveStream(hostPath, h)
	if err != nil {
		return r, err
	}
	defer host.close()
	p, err := startHandsetd(bin, devices, "stream:unix:"+hostPath, 0, filepath.Join(dir, "handsetd.log"))
	if err != nil {
		return r, err
	}
	defer p.stop()
	wctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	if _, err := h.waitJoined(wctx, n); err != nil {
		return r, err
	}
	if err := sleep(ctx, time.Second); err != nil {
		return r, err
	}
	h.drain()

	// sentAt[i][seq] is when event seq of handset i left the simulator:
	// even seq press key (seq/2)%10, odd seq its release.
	sentAt := make([][]time.Time, n)
	var mu sync.Mutex
	var lats []time.Duration
	expect := make([]int, n)
	gotAll := make(chan struct{})
	var total int
	var totalSent int
	sentDone := false
	quit := make(chan struct{})
	defer close(quit)
	go func() {
		for {
			select {
			case <-quit:
				return
			case a := <-h.arrivals:
				i := 0
				if _, num, ok := strings.Cut(a.client, "#"); ok {
					i, _ = strconv.Atoi(strings.TrimSpace(num))
					i--
				}
				if i < 0 || i >= n {
					continue
				}
				mu.Lock()
				// The sequence repeats every 20 events: a line that is not
				// the next one is the first after a gap (events lost) if it
				// matches one of the next 19, else out of order.
				seq, d := expect[i], 0
				for d < 20 && a.line != eventName(seq+d) {
					d++
				}
				switch {
				case d == 20 || seq+d >= len(sentAt[i]):
					r.outOfOrder++
					expect[i]++
				default:
					if d > 0 {
						r.gaps++
					}
					lats = append(lats, a.at.Sub(sentAt[i][seq+d]))
					expect[i] = seq + d + 1
				}
				total++
				done := sentDone && total >= totalSent
				mu.Unlock()
				if done {
					close(gotAll)
					return
				}
			case <-ctx.Done():
				return
			}
		}
	}()

	a, err := sampleProc(p.pid())
	if err != nil {
		return r, err
	}
	// Pace by the schedule, not by ticks: at each millisecond tick, send
	// every event due by now (rate per second since start), round robin. A
	// ticker drops the ticks a busy sender misses, so sending a fixed
	// number per tick offered less than rate; catching up offers exactly
	// rate*window in all.
	tick := time.NewTicker(time.Millisecond)
	start := time.Now()
	end := start.Add(window)
	dueBy := func(t time.Time) int { return int(int64(rate) * int64(t.Sub(start)) / int64(time.Second)) }
	next := 0
	var sendErr error
	for sendErr == nil && next < dueBy(end) {
		select {
		case <-tick.C:
		case <-ctx.Done():
			tick.Stop()
			return r, ctx.Err()
		}
		due := min(dueBy(time.Now()), dueBy(end))
		for ; next < due && sendErr == nil; next++ {
			i := next % n
			mu.Lock()
			seq := len(sentAt[i])
			sentAt[i] = append(sentAt[i], time.Now())
			totalSent++
			mu.Unlock()
			key := strconv.Itoa((seq / 2) % 10)
			if seq%2 == 0 {
				sendErr = sims[i].hs.Press(key)
			} else {
				sendErr = sims[i].hs.Release(key)
			}
		}
	}
	tick.Stop()
	sendSpan := time.Since(start) // the window, or longer if the sender lagged
	if sendErr != nil {
		return r, fmt.Errorf("simulated key: %w", sendErr)
	}
	mu.Lock()
	sentDone = true
	done := total >= totalSent
	mu.Unlock()
	if !done {
		select {
		case <-gotAll:
		case <-time.After(5 * time.Second): // what has not arrived by now is lost
		}
	}
	b, err := sampleProc(p.pid())
	if err != nil {
		return r, err
	}
	mu.Lock()
	r.sent, r.got, r.lat = totalSent, total, newDist(lats)
	mu.Unlock()
	r.cpu, r.rssKB, r.window = b.cpu-a.cpu, b.rssKB, sendSpan
	r.drops = loggedDrops(filepath.Join(dir, "handsetd.log"))
	return r, nil
}

// eventName is the host line of event seq: even seq press key (seq/2)%10,
// odd seq its release.
func eventName(seq int) string {
	if seq%2 == 0 {
		return "BTN_PRESSED " + strconv.Itoa((seq/2)%10)
	}
	return "BTN_RELEASED " + strconv.Itoa((seq/2)%10)
}

// loggedDrops returns the highest dropped= count in handsetd's log: the
// commands its outbox dropped because the host did not keep up.
func loggedDrops(path string) int {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0
	}
	most := 0
	for _, l := range strings.Split(string(raw), "\n") {
		if !strings.Contains(l, "dropped a command") {
			continue
		}
		if _, v, ok := strings.Cut(l, " dropped="); ok {
			v, _, _ = strings.Cut(v, " ")
			if n, err := strconv.Atoi(v); err == nil {
				most = max(most, n)
			}
		}
	}
	return most
}

package main

import (
	"bufio"
	"context"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"time"

	godbus "github.com/godbus/dbus/v5"

	"github.com/handsetd/handsetd/driver"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/internal/dbusd"
	"github.com/handsetd/handsetd/phoneapi"
	phonedbus "github.com/handsetd/handsetd/phoneapi/dbus"
	"github.com/handsetd/handsetd/phoneapi/stream"
)

// pair is one measurement next to its baseline, sampled alternately.
type pair struct {
	name, baseline string
	what, base     dist
}

// inProcess runs driver.Run on a simulated handset until stop.
type inProcess struct {
	hs     *firmwaresim.Handset
	cancel context.CancelFunc
	done   chan error
}

func startDriver(ctx context.Context, model string, dial func(context.Context) (driver.Session, error), waits bool) (*inProcess, error) {
	hs, err := firmwaresim.New(model, firmwaresim.Options{})
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	p := &inProcess{hs: hs, cancel: cancel, done: make(chan error, 1)}
	cfg := driver.Config{
		Open: hs.Open, Dial: dial, DialWaitsForHost: waits, Name: "Bench Phone",
		Logger: slog.New(slog.DiscardHandler),
	}
	go func() { p.done <- driver.Run(ctx, cfg) }()
	return p, nil
}

func (p *inProcess) stop() {
	p.cancel()
	select {
	case <-p.done:
	case <-time.After(5 * time.Second):
	}
	p.hs.Close()
}

// keyTrip presses and releases key on hs and returns how long the press
// took to reach the host's handler.
func keyTrip(ctx context.Context, hs *firmwaresim.Handset, h *lineHost, key string) (time.Duration, error) {
	h.drain()
	t0 := time.Now()
	if err := hs.Press(key); err != nil {
		return 0, err
	}
	a, err := h.waitLine(ctx, "BTN_PRESSED "+key)
	if err != nil {
		return 0, err
	}
	if err := hs.Release(key); err != nil {
		return 0, err
	}
	if _, err := h.waitLine(ctx, "BTN_RELEASED "+key); err != nil {
		return 0, err
	}
	return a.at.Sub(t0), nil
}

// dbusLatency measures key → command and ring → device over a private
// dbus-daemon, each sample next to a bare godbus Invoke round trip.
func dbusLatency(ctx context.Context, dir string, n int) (key, ring pair, err error) {
	// dbus-daemon's own default of 128 waiting replies per connection: a
	// driver that kept more Invoke calls outstanding would be refused.
	bus, err := dbusd.Start(ctx, dir, dbusd.Options{MaxRepliesPerConnection: 128})
	if err != nil {
		return key, ring, err
	}
	defer bus.Stop()
	h := newLineHost(1024)
	host, err := serveDBus(bus.Address, h)
	if err != nil {
		return key, ring, err
	}
	defer host.close()
	drv, err := startDriver(ctx, "generic-telephony", func(ctx context.Context) (driver.Session, error) {
		tr, err := phonedbus.Dial(ctx, bus.Address, phonedbus.DialOptions{})
		if err != nil {
			return nil, err
		}
		return driver.NewClientSession(tr, phoneapi.ClientOptions{}), nil
	}, true)
	if err != nil {
		return key, ring, err
	}
	defer drv.stop()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	names, err := h.waitJoined(wctx, 1)
	if err != nil {
		return key, ring, err
	}
	client := h.connOf(names[0])
	bare, err := godbus.Connect(bus.Address)
	if err != nil {
		return key, ring, err
	}
	defer bare.Close()
	obj := bare.Object(phonedbus.ServiceName, phonedbus.HostPath)
	roundTrip := func() (time.Duration, error) {
		var s string
		t0 := time.Now()
		err := obj.CallWithContext(ctx, phonedbus.HostInterface+".Invoke", 0, "PING").Store(&s)
		return time.Since(t0), err
	}
	// Let the resync settle.
	time.Sleep(200 * time.Millisecond)
	key = pair{name: "key → command (D-Bus)", baseline: "bare godbus Invoke round trip"}
	ring = pair{name: "ring → device (D-Bus, with GET CALL n TYPE)", baseline: "bare godbus Invoke round trip"}
	var kd, kb, rd, rb []time.Duration
	for i := range n {
		rt, err := roundTrip()
		if err != nil {
			return key, ring, fmt.Errorf("bare round trip: %w", err)
		}
		kb = append(kb, rt)
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		d, err := keyTrip(sctx, drv.hs, h, strconv.Itoa(i%10))
		cancel()
		if err != nil {
			return key, ring, err
		}
		kd = append(kd, d)

		rt, err = roundTrip()
		if err != nil {
			return key, ring, fmt.Errorf("bare round trip: %w", err)
		}
		rb = append(rb, rt)
		d, err = ringTrip(ctx, drv.hs, func(line string) error { return host.notify(client, line) }, 100+i)
		if err != nil {
			return key, ring, err
		}
		rd = append(rd, d)
	}
	key.what, key.base = newDist(kd), newDist(kb)
	ring.what, ring.base = newDist(rd), newDist(rb)
	return key, ring, nil
}

// ringTrip notifies CALL id STATUS RINGING (type unknown, so the driver
// asks GET CALL id TYPE) and returns how long until the handset rings; it
// then ends the call and waits for the ringing to stop.
func ringTrip(ctx context.Context, hs *firmwaresim.Handset, notify func(string) error, id int) (time.Duration, error) {
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	wait := func(ringing bool) error {
		for {
			ch := hs.Changed()
			if hs.State().Ringing == ringing {
				return nil
			}
			select {
			case <-ch:
			case <-ctx.Done():
				return fmt.Errorf("waiting for the handset's ringing to be %v: %w", ringing, ctx.Err())
			}
		}
	}
	t0 := time.Now()
	if err := notify(fmt.Sprintf("CALL %d STATUS RINGING", id)); err != nil {
		return 0, err
	}
	if err := wait(true); err != nil {
		return 0, err
	}
	d := time.Since(t0)
	if err := notify(fmt.Sprintf("CALL %d STATUS FINISHED", id)); err != nil {
		return 0, err
	}
	return d, wait(false)
}

// streamLatency measures key → command over stream:unix:, each sample next
// to a bare line echo over a unix socket.
func streamLatency(ctx context.Context, dir string, n int) (pair, error) {
	p := pair{name: "key → command (stream:unix:)", baseline: "bare unix-socket line echo"}
	h := newLineHost(1024)
	hostPath := filepath.Join(dir, "host.sock")
	host, err := serveStream(hostPath, h)
	if err != nil {
		return p, err
	}
	defer host.close()
	echoPath := filepath.Join(dir, "echo.sock")
	echo, err := echoServer(echoPath)
	if err != nil {
		return p, err
	}
	defer echo.Close()
	drv, err := startDriver(ctx, "generic-telephony", func(ctx context.Context) (driver.Session, error) {
		tr, err := stream.Dial(ctx, "unix:"+hostPath)
		if err != nil {
			return nil, err
		}
		return driver.NewClientSession(tr, phoneapi.ClientOptions{}), nil
	}, false)
	if err != nil {
		return p, err
	}
	defer drv.stop()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if _, err := h.waitJoined(wctx, 1); err != nil {
		return p, err
	}
	ec, err := net.Dial("unix", echoPath)
	if err != nil {
		return p, err
	}
	defer ec.Close()
	er := bufio.NewReader(ec)
	time.Sleep(200 * time.Millisecond)
	var kd, kb []time.Duration
	for i := range n {
		t0 := time.Now()
		if _, err := ec.Write([]byte("PING\n")); err != nil {
			return p, err
		}
		if _, err := er.ReadString('\n'); err != nil {
			return p, err
		}
		kb = append(kb, time.Since(t0))
		sctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		d, err := keyTrip(sctx, drv.hs, h, strconv.Itoa(i%10))
		cancel()
		if err != nil {
			return p, err
		}
		kd = append(kd, d)
	}
	p.what, p.base = newDist(kd), newDist(kb)
	return p, nil
}

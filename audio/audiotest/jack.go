package audiotest

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"syscall"
	"time"
)

// JACK is a running JACK server with the dummy backend, which has no sound
// card and paces its process callbacks exactly by the clock.
type JACK struct {
	// Name is the server name; clients find it through JACK_DEFAULT_SERVER.
	Name string
	// Rate and Period are the sample rate and frames per cycle.
	Rate, Period int
	cmd          *exec.Cmd
	done         chan error
}

// StartJACK starts `jackd -n name -d dummy` without realtime scheduling and
// waits (bounded by ctx) until it accepts clients. Stop it with Stop.
func StartJACK(ctx context.Context, name string, rate, period int) (*JACK, error) {
	for _, prog := range []string{"jackd", "jack_wait"} {
		if _, err := exec.LookPath(prog); err != nil {
			return nil, fmt.Errorf("%s not found (install jackd2: make deps): %w", prog, err)
		}
	}
	j := &JACK{Name: name, Rate: rate, Period: period, done: make(chan error, 1)}
	j.cmd = exec.Command("jackd", "--no-realtime", "-n", name, "-d", "dummy",
		"-r", strconv.Itoa(rate), "-p", strconv.Itoa(period),
		// The dummy backend waits this many µs per cycle; its default
		// only fits 1024 frames at 48 kHz.
		"-w", strconv.Itoa(period*1_000_000/rate))
	j.cmd.Env = append(os.Environ(), "JACK_NO_AUDIO_RESERVATION=1")
	if err := j.cmd.Start(); err != nil {
		return nil, fmt.Errorf("start jackd: %w", err)
	}
	go func() { j.done <- j.cmd.Wait() }()
	wctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	wait := exec.CommandContext(wctx, "jack_wait", "-w", "-s", name, "-t", "10")
	if out, err := wait.CombinedOutput(); err != nil {
		j.Stop()
		return nil, fmt.Errorf("jackd %s did not come up: %w: %s", name, err, out)
	}
	return j, nil
}

// Stop terminates the server and waits for it (at most 5 s, then kills it).
func (j *JACK) Stop() {
	_ = j.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-j.done:
	case <-time.After(5 * time.Second):
		_ = j.cmd.Process.Kill()
		<-j.done
	}
}

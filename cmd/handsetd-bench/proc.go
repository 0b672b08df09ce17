package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/firmware-sim/uhidserve"
)

// procSample is what /proc tells about a process at one moment, summed
// over its threads.
type procSample struct {
	at       time.Time
	switches int64 // voluntary + involuntary context switches
	slices   int64 // times a thread was put on a CPU (schedstat)
	cpu      time.Duration
	rssKB    int64
}

func sampleProc(pid int) (procSample, error) {
	s := procSample{at: time.Now()}
	base := filepath.Join("/proc", strconv.Itoa(pid))
	tasks, err := os.ReadDir(filepath.Join(base, "task"))
	if err != nil {
		return s, fmt.Errorf("read threads of %d: %w", pid, err)
	}
	for _, t := range tasks {
		st, err := os.ReadFile(filepath.Join(base, "task", t.Name(), "status"))
		if err != nil {
			continue // the thread ended
		}
		for _, l := range strings.Split(string(st), "\n") {
			k, v, ok := strings.Cut(l, ":")
			if ok && (k == "voluntary_ctxt_switches" || k == "nonvoluntary_ctxt_switches") {
				n, _ := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
				s.switches += n
			}
		}
		if ss, err := os.ReadFile(filepath.Join(base, "task", t.Name(), "schedstat")); err == nil {
			f := strings.Fields(string(ss))
			if len(f) == 3 {
				ns, _ := strconv.ParseInt(f[0], 10, 64)
				n, _ := strconv.ParseInt(f[2], 10, 64)
				s.cpu += time.Duration(ns)
				s.slices += n
			}
		}
	}
	st, err := os.ReadFile(filepath.Join(base, "status"))
	if err != nil {
		return s, err
	}
	for _, l := range strings.Split(string(st), "\n") {
		if k, v, ok := strings.Cut(l, ":"); ok && k == "VmRSS" {
			s.rssKB, _ = strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
		}
	}
	return s, nil
}

// simServer serves a simulated handset on a unix socket in dir.
type simServer struct {
	hs   *firmwaresim.Handset
	spec string // the --device value
	ln   net.Listener
	done chan struct{}
}

func serveSim(ctx context.Context, model, path string) (*simServer, error) {
	hs, err := firmwaresim.New(model, firmwaresim.Options{})
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("unix", path)
	if err != nil {
		hs.Close()
		return nil, fmt.Errorf("listen for the simulator: %w", err)
	}
	s := &simServer{hs: hs, spec: "sim:unix:" + path, ln: ln, done: make(chan struct{})}
	go func() {
		defer close(s.done)
		_ = uhidserve.Serve(ctx, ln, hs)
	}()
	return s, nil
}

func (s *simServer) stop() {
	s.hs.Close()
	s.ln.Close()
	<-s.done
}

// handsetd is a running driver process.
type handsetd struct {
	cmd     *exec.Cmd
	started time.Time
}

// startHandsetd execs bin with run, the devices and the host, no audio.
func startHandsetd(bin string, devices []string, host string, ping time.Duration, logTo string) (*handsetd, error) {
	// --allow-root: benchmark machines (and CI) often run as root, which
	// run refuses otherwise; it changes nothing else.
	args := []string{"run", "--allow-root", "--audio=false", "--log-level=warn", "--name=Bench", "--host=" + host, "--ping-interval=" + ping.String()}
	for _, d := range devices {
		args = append(args, "--device="+d)
	}
	cmd := exec.Command(bin, args...)
	if logTo != "" {
		f, err := os.OpenFile(logTo, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
		if err != nil {
			return nil, err
		}
		defer f.Close()
		cmd.Stdout, cmd.Stderr = f, f
	}
	cmd.Env = append(os.Environ(), "XDG_CONFIG_HOME="+filepath.Dir(logTo))
	p := &handsetd{cmd: cmd, started: time.Now()}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", bin, err)
	}
	return p, nil
}

func (p *handsetd) pid() int { return p.cmd.Process.Pid }

func (p *handsetd) stop() {
	_ = p.cmd.Process.Signal(os.Interrupt)
	done := make(chan struct{})
	go func() { _ = p.cmd.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(5 * time.Second):
		_ = p.cmd.Process.Kill()
		<-done
	}
}

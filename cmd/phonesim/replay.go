package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"strings"
	"sync"

	"github.com/handsetd/handsetd/firmware-sim/uhidserve"

	"github.com/handsetd/handsetd/hid/replay"
	"github.com/handsetd/handsetd/internal/control"
)

type replayArgs struct {
	file     string // FILE.hid or FILE.hid#N
	listen   string // socket path
	fast     bool
	autoplay bool
}

// replayState is the answer to the control command "state" in replay mode.
type replayState struct {
	Replay  string `json:"replay"`
	Name    string `json:"name"`
	Reports int    `json:"reports"`
	Playing bool   `json:"playing"`
	Fast    bool   `json:"fast"`
}

// runReplay serves a recording instead of a firmware model. Like
// hid-replay, it waits for a go-ahead before it plays: the control command
// "play" (or --autoplay), so the handset's first reports do not reach a
// driver whose host is not connected yet. Each client that opens the device
// then gets the whole recording from its first report.
func runReplay(ctx context.Context, a replayArgs, stdin io.Reader, stdout io.Writer, log *slog.Logger) error {
	path, index := a.file, -1
	if p, n, ok := strings.Cut(a.file, "#"); ok {
		v, err := strconv.Atoi(n)
		if err != nil || v < 0 {
			return fmt.Errorf("--replay %s: #%s is not a device number", a.file, n)
		}
		path, index = p, v
	}
	rec, err := replay.Load(path, index)
	if err != nil {
		return err
	}
	ln, err := listenUnix(a.listen)
	if err != nil {
		return err
	}
	start := make(chan struct{})
	var once sync.Once
	play := func() { once.Do(func() { close(start) }) }
	if a.autoplay {
		play()
	}
	log.Info("serving a recording", "file", path, "name", rec.Name, "reports", len(rec.Events), "listen", "unix:"+a.listen, "fast", a.fast)
	if !a.autoplay {
		log.Info("type play to start the replay")
	}

	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var serveErr error
	serveDone := make(chan struct{})
	go func() {
		defer close(serveDone)
		serveErr = uhidserve.ServeReplay(ctx, ln, rec, uhidserve.ReplayOptions{Fast: a.fast, Start: start, Logger: log})
	}()

	lines := make(chan control.Line)
	go func() {
		// This goroutine may outlive runReplay while it blocks on stdin; it
		// exits at the next line or EOF.
		defer close(lines)
		if err := control.Read(ctx, stdin, maxControlLine, lines); err != nil && ctx.Err() == nil {
			log.Warn("reading commands", "err", err)
		}
	}()

	w := bufio.NewWriter(stdout)
	answer := func(s string) error {
		fmt.Fprintln(w, s)
		return w.Flush()
	}
	err = func() error {
		for {
			select {
			case <-ctx.Done():
				return nil
			case <-serveDone:
				return nil
			case l, ok := <-lines:
				if !ok {
					return nil
				}
				if l.Err != nil {
					if err := answer("error: " + l.Err.Error()); err != nil {
						return err
					}
					continue
				}
				switch strings.ToLower(strings.TrimSpace(l.Text)) {
				case "":
				case "play":
					play()
					if err := answer("ok"); err != nil {
						return err
					}
				case "state":
					playing := false
					select {
					case <-start:
						playing = true
					default:
					}
					b, _ := json.Marshal(replayState{Replay: a.file, Name: rec.Name, Reports: len(rec.Events), Playing: playing, Fast: a.fast})
					if err := answer(string(b)); err != nil {
						return err
					}
				case "quit":
					return answer("ok")
				default:
					if err := answer("error: a replayed device knows only play, state and quit"); err != nil {
						return err
					}
				}
			}
		}
	}()
	cancel()
	<-serveDone
	log.Info("stopped")
	if serveErr != nil {
		return serveErr
	}
	return err
}

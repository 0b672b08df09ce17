package baresip_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/handsetd/handsetd/driver"
	"github.com/handsetd/handsetd/driver/drivertest"
	firmwaresim "github.com/handsetd/handsetd/firmware-sim"
	"github.com/handsetd/handsetd/phoneapi"
	"github.com/handsetd/handsetd/phoneapi/baresip"
)

// These tests make real SIP calls between two baresip 1.0.0 processes on
// 127.0.0.1: "ours", which the bridge drives for a simulated handset run by
// the real driver, and "far", the other party, which the test drives over
// its own ctrl_tcp. Each baresip has its own -f config dir, SIP, RTP and
// ctrl_tcp ports, no registrar (regint=0), G.711, and audio from ausine
// (which needs 48 kHz stereo) played into aubridge, so no sound card is
// needed.

// waitLimit bounds every wait on a baresip: generous, since a loaded
// two-core CI machine has taken over 10 s to deliver a call event.
const waitLimit = 20 * time.Second

// instance is one baresip process.
type instance struct {
	t        *testing.T
	dir      string
	sipPort  int
	ctrlAddr string
	cmd      *exec.Cmd
	done     chan struct{}
	out      *logBuffer
}

// logBuffer keeps a process's output for the failure message.
type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) add(s string) {
	l.mu.Lock()
	l.b.WriteString(s + "\n")
	l.mu.Unlock()
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// freePort returns a TCP port free on 127.0.0.1 whose successor is free
// too (baresip also listens on SIP port + 1, for SIP over TLS), and free
// for UDP.
func freePort(t *testing.T) int {
	t.Helper()
	for range 50 {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		p := l.Addr().(*net.TCPAddr).Port
		var closers []io.Closer
		ok := p < 65000
		for _, try := range []func() (io.Closer, error){
			func() (io.Closer, error) { return net.Listen("tcp", fmt.Sprintf("127.0.0.1:%d", p+1)) },
			func() (io.Closer, error) { return net.ListenPacket("udp", fmt.Sprintf("127.0.0.1:%d", p)) },
		} {
			if !ok {
				break
			}
			c, err := try()
			if err != nil {
				ok = false
				break
			}
			closers = append(closers, c)
		}
		for _, c := range closers {
			c.Close()
		}
		l.Close()
		if ok {
			return p
		}
	}
	t.Fatal("no free port pair on 127.0.0.1")
	return 0
}

// newInstance writes a config dir for one baresip with account user and
// answer mode (manual or auto).
func newInstance(t *testing.T, user, answermode string, rtpBase int) *instance {
	t.Helper()
	dir := t.TempDir()
	in := &instance{t: t, dir: dir, sipPort: freePort(t), out: &logBuffer{}}
	in.ctrlAddr = fmt.Sprintf("127.0.0.1:%d", freePort(t))
	config := fmt.Sprintf(`poll_method		epoll
sip_listen		127.0.0.1:%d
net_interface		127.0.0.1
rtp_ports		%d-%d
audio_source		ausine,440
audio_player		aubridge,%s
audio_alert		aubridge,%s
ausrc_srate		48000
auplay_srate		48000
ausrc_channels		2
auplay_channels		2
module_path		/usr/lib/baresip/modules
module			g711.so
module			ausine.so
module			aubridge.so
module_app		account.so
module_app		menu.so
module_app		ctrl_tcp.so
ctrl_tcp_listen		%s
`, in.sipPort, rtpBase, rtpBase+99, user, user, in.ctrlAddr)
	account := fmt.Sprintf("<sip:%s@127.0.0.1:%d>;regint=0;answermode=%s\n", user, in.sipPort, answermode)
	for name, content := range map[string]string{"config": config, "accounts": account} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(content), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return in
}

// start runs baresip and returns once it says it is ready (ctrl_tcp is
// listening by then: modules load first).
func (in *instance) start() {
	in.t.Helper()
	cmd := exec.Command("baresip", "-f", in.dir)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	if err := cmd.Start(); err != nil {
		in.t.Fatalf("start baresip: %v", err)
	}
	in.cmd, in.done = cmd, make(chan struct{})
	ready := make(chan struct{})
	go func() {
		sc := bufio.NewScanner(pr)
		once := sync.Once{}
		for sc.Scan() {
			in.out.add(sc.Text())
			if strings.Contains(sc.Text(), "baresip is ready.") {
				once.Do(func() { close(ready) })
			}
		}
	}()
	go func() {
		_ = cmd.Wait()
		pw.Close()
		close(in.done)
	}()
	in.t.Cleanup(in.stop)
	select {
	case <-ready:
	case <-in.done:
		in.t.Fatalf("baresip -f %s exited before it was ready:\n%s", in.dir, in.out)
	case <-time.After(waitLimit):
		in.t.Fatalf("baresip -f %s not ready after %v:\n%s", in.dir, waitLimit, in.out)
	}
}

// stop kills baresip (as a crash would) and waits for it.
func (in *instance) stop() {
	if in.cmd == nil {
		return
	}
	_ = in.cmd.Process.Kill()
	<-in.done
	in.cmd = nil
}

func (in *instance) uri(user string) string {
	return fmt.Sprintf("sip:%s@127.0.0.1:%d", user, in.sipPort)
}

// far is the other party, driven over its own ctrl_tcp.
type far struct {
	t    *testing.T
	conn *baresip.Conn
	msgs chan baresip.Message
	n    int
}

func dialFar(t *testing.T, in *instance) *far {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), waitLimit)
	defer cancel()
	c, err := baresip.DialConn(ctx, in.ctrlAddr, 0)
	if err != nil {
		t.Fatal(err)
	}
	f := &far{t: t, conn: c, msgs: make(chan baresip.Message, 1000)}
	go func() {
		for {
			m, err := c.Read()
			if err != nil && !baresip.Skippable(err) {
				close(f.msgs)
				return
			}
			if err == nil {
				f.msgs <- m
			}
		}
	}()
	t.Cleanup(func() { c.Close() })
	return f
}

func (f *far) command(cmd, params string) {
	f.t.Helper()
	f.n++
	if err := f.conn.Send(baresip.Command{Command: cmd, Params: params, Token: fmt.Sprintf("far%d", f.n)}); err != nil {
		f.t.Fatal(err)
	}
}

// wait returns the first event of type typ (and param, if not "") from
// now on.
func (f *far) wait(typ, param string) baresip.Message {
	f.t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case m, ok := <-f.msgs:
			if !ok {
				f.t.Fatalf("far end's ctrl_tcp closed waiting for %s", typ)
			}
			if m.Event && m.Type == typ && (param == "" || m.Param == param) {
				return m
			}
		case <-deadline:
			f.t.Fatalf("the far end saw no %s %s within %v", typ, param, waitLimit)
		}
	}
}

// tap records the lines the host (our bridge) sends the driver.
type tap struct {
	phoneapi.Transport
	lines chan string
}

func (t *tap) ReadLine(ctx context.Context) (string, error) {
	l, err := t.Transport.ReadLine(ctx)
	if err == nil {
		select {
		case t.lines <- l:
		default:
		}
	}
	return l, err
}

// phone is the simulated handset, run by the real driver with the bridge
// as its host.
type phone struct {
	t     *testing.T
	hs    *firmwaresim.Handset
	lines chan string
	obs   *drivertest.Observer
	tones *toneLog
}

func runPhone(t *testing.T, ours *instance, dialURI string) *phone {
	t.Helper()
	return runModel(t, "generic-telephony", ours, dialURI)
}

// runModel is runPhone with a simulator model.
func runModel(t *testing.T, model string, ours *instance, dialURI string) *phone {
	t.Helper()
	hs, err := firmwaresim.New(model, firmwaresim.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p := &phone{t: t, hs: hs, lines: make(chan string, 1000), obs: drivertest.NewObserver(), tones: newToneLog()}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	cfg := driver.Config{
		Open: hs.Open,
		Dial: func(ctx context.Context) (driver.Session, error) {
			tr, err := baresip.Dial(ctx, ours.ctrlAddr, baresip.Options{DialURI: dialURI,
				RetryMin: 20 * time.Millisecond, RetryMax: 200 * time.Millisecond})
			if err != nil {
				return nil, err
			}
			return driver.NewClientSession(&tap{Transport: tr, lines: p.lines}, phoneapi.ClientOptions{}), nil
		},
		DialWaitsForHost: true,
		Name:             "Test Phone",
		Observe:          p.obs.Observe,
		// The earpiece: what the driver asks it to play is recorded.
		AudioOut: "test earpiece",
		Tones:    p.tones,
	}
	go func() { done <- driver.Run(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		select {
		case <-done:
		case <-time.After(waitLimit):
			t.Error("driver.Run did not return")
		}
		hs.Close()
	})
	if err := hs.WaitHosts(ctx, 1); err != nil {
		t.Fatal(err)
	}
	p.observe("host up", func(o driver.Observation) bool { return o.HostUp })
	return p
}

// toneLog records the tones the driver asks the handset's earpiece for.
type toneLog struct {
	mu      sync.Mutex
	asked   []driver.Tone
	changed chan struct{} // closed and replaced at every Set
}

func newToneLog() *toneLog { return &toneLog{changed: make(chan struct{})} }

func (l *toneLog) Set(device string, t driver.Tone) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.asked = append(l.asked, t)
	close(l.changed)
	l.changed = make(chan struct{})
}

// tone waits until the earpiece plays kind (the last tone asked), and
// fails with every tone asked so far if it does not within waitLimit.
func (p *phone) tone(what string, kind driver.ToneKind) {
	p.t.Helper()
	deadline := time.After(waitLimit)
	for {
		p.tones.mu.Lock()
		playing := driver.Tone{}
		if n := len(p.tones.asked); n > 0 {
			playing = p.tones.asked[n-1]
		}
		asked := slices.Clone(p.tones.asked)
		changed := p.tones.changed
		p.tones.mu.Unlock()
		if playing.Kind == kind {
			return
		}
		select {
		case <-changed:
		case <-deadline:
			p.t.Fatalf("%s: the earpiece plays %v, want %v; it was asked for %v", what, playing, driver.Tone{Kind: kind}, asked)
		}
	}
}

// observe waits until the driver's observation satisfies cond.
func (p *phone) observe(what string, cond func(driver.Observation) bool) driver.Observation {
	p.t.Helper()
	return p.obs.Wait(p.t, waitLimit, what, cond)
}

// line waits for the host to send the driver a line containing s.
func (p *phone) line(s string) string {
	p.t.Helper()
	deadline := time.After(waitLimit)
	for {
		select {
		case l := <-p.lines:
			if strings.Contains(l, s) {
				return l
			}
		case <-deadline:
			p.t.Fatalf("the bridge sent no line with %q within %v", s, waitLimit)
		}
	}
}

func (p *phone) do(what string, f func() error) {
	p.t.Helper()
	if err := f(); err != nil {
		p.t.Fatalf("handset %s: %v", what, err)
	}
}

func needBaresip(t *testing.T) {
	t.Helper()
	if _, err := exec.LookPath("baresip"); err != nil {
		t.Skip("baresip is not installed (make deps installs baresip-core): " + err.Error())
	}
}

// pair starts our baresip (manual answer) and the far end's (auto answer,
// account 200, so the handset can dial it as a number).
func pair(t *testing.T) (ours, farEnd *instance, f *far) {
	t.Helper()
	return pairWith(t, "auto")
}

// pairWith is pair with the far end's answer mode (auto or manual).
func pairWith(t *testing.T, farMode string) (ours, farEnd *instance, f *far) {
	t.Helper()
	needBaresip(t)
	ours = newInstance(t, "100", "manual", 20000)
	farEnd = newInstance(t, "200", farMode, 20200)
	ours.start()
	farEnd.start()
	// A failed wait says only what did not come; what each baresip said
	// tells why (a refused INVITE, a port it could not bind).
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("our baresip (-f %s) said:\n%s\nthe far baresip (-f %s) said:\n%s", ours.dir, ours.out, farEnd.dir, farEnd.out)
		}
	})
	return ours, farEnd, dialFar(t, farEnd)
}

// TestRealOutgoingCall proves a handset makes a real SIP call: lifted, it
// dials 200 and YES; the far baresip gets the call and answers it; the
// ringback and CALL_ESTABLISHED reach the driver; a digit in the call
// arrives at the far end as DTMF; mute reaches our baresip (its "call
// muted" lights the Mute LED); hanging up ends the call on both sides.
func TestRealOutgoingCall(t *testing.T) {
	ours, farEnd, f := pair(t)
	p := runPhone(t, ours, fmt.Sprintf("sip:{digits}@127.0.0.1:%d", farEnd.sipPort))

	p.do("lift", p.hs.HookOff)
	p.observe("off hook", func(o driver.Observation) bool { return o.OffHook && o.Output.LEDs.OffHook })
	for _, k := range []string{"2", "0", "0", "YES"} {
		p.do("tap "+k, func() error { return p.hs.Tap(k) })
	}
	p.line("CALL 1 PARTNER_HANDLE " + farEnd.uri("200"))
	// An auto-answering baresip 1.0.0 sends no CALL_INCOMING, only
	// CALL_ESTABLISHED, for the call it took.
	if m := f.wait("CALL_ESTABLISHED", ""); m.Direction != "incoming" {
		t.Errorf("the far end's call is %s, want incoming", m.Direction)
	}
	p.line("CALL 1 STATUS INPROGRESS")
	if o := p.observe("in call", func(o driver.Observation) bool { return o.Output.LEDs.OffHook }); o.Output.Ringer {
		t.Errorf("the ringer rings for our own call: %+v", o.Output)
	}
	p.tone("in the call", driver.ToneNone)

	p.do("tap 5", func() error { return p.hs.Tap("5") })
	f.wait("CALL_DTMF_START", "5")

	p.do("mute", p.hs.Mute)
	p.line("MUTE ON")
	p.observe("Mute LED", func(o driver.Observation) bool { return o.Output.LEDs.Mute })

	p.do("hang up", p.hs.HookOn)
	f.wait("CALL_CLOSED", "")
	p.line("CALL 1 STATUS FINISHED")
	p.observe("idle", func(o driver.Observation) bool { return !o.Output.LEDs.OffHook && !o.Output.LEDs.Mute && o.HostUp })
}

// TestRealRingbackAndBusy proves the call-progress tones of a real SIP
// call in the handset's earpiece: while the far end (answering by hand)
// rings, the earpiece plays the ringback tone and the ringer stays silent;
// once it answers, silence; when it hangs up while the handset is still
// lifted, the busy tone, until the handset is put down.
func TestRealRingbackAndBusy(t *testing.T) {
	ours, farEnd, f := pairWith(t, "manual")
	p := runPhone(t, ours, fmt.Sprintf("sip:{digits}@127.0.0.1:%d", farEnd.sipPort))

	p.do("lift", p.hs.HookOff)
	p.tone("lifted", driver.ToneDial)
	for _, k := range []string{"2", "0", "0", "YES"} {
		p.do("tap "+k, func() error { return p.hs.Tap(k) })
	}
	f.wait("CALL_INCOMING", "")
	p.line("CALL 1 STATUS RINGING")
	p.tone("ringing out", driver.ToneRingback)
	if o := p.observe("ringing out", func(o driver.Observation) bool { return o.Output.LEDs.OffHook }); o.Output.Ringer {
		t.Errorf("the ringer rings for our own call: %+v", o.Output)
	}

	f.command("accept", "")
	p.line("CALL 1 STATUS INPROGRESS")
	p.tone("answered", driver.ToneNone)

	f.command("hangup", "")
	p.line("CALL 1 STATUS FINISHED")
	p.tone("far end hung up", driver.ToneBusy)
	p.do("hang up", p.hs.HookOn)
	p.tone("on hook", driver.ToneNone)
}

// TestRealIncomingCall proves a handset takes a real SIP call: the far end
// calls ours, the handset rings with the caller's name; lifting it answers
// (the far end sees the call established); the far end hangs up and the
// handset is idle again.
func TestRealIncomingCall(t *testing.T) {
	ours, _, f := pair(t)
	p := runPhone(t, ours, "{digits}")

	f.command("dial", ours.uri("100"))
	p.line("CALL 1 PARTNER_DISPNAME 200")
	p.line("CALL 1 STATUS RINGING")
	p.observe("ringing", func(o driver.Observation) bool { return o.Output.Ringer && o.Output.LEDs.Ring })

	p.do("lift", p.hs.HookOff)
	f.wait("CALL_ESTABLISHED", "")
	p.line("CALL 1 STATUS INPROGRESS")
	p.observe("answered", func(o driver.Observation) bool {
		return !o.Output.Ringer && !o.Output.LEDs.Ring && o.Output.LEDs.OffHook
	})

	f.command("hangup", "")
	p.line("CALL 1 STATUS FINISHED")
	p.do("hang up", p.hs.HookOn)
	p.observe("idle", func(o driver.Observation) bool {
		return o.HostUp && !o.Output.Ringer && !o.Output.LEDs.Ring && !o.Output.LEDs.OffHook
	})
}

// TestRealBaresipRestart proves the bridge follows baresip: killed while
// the handset is idle, the handset shows no host; restarted, the driver
// greets it again and a call rings the handset.
func TestRealBaresipRestart(t *testing.T) {
	ours, _, f := pair(t)
	p := runPhone(t, ours, "{digits}")

	ours.stop()
	p.observe("no host", func(o driver.Observation) bool { return !o.HostUp })
	ours.start()
	p.line("PROTOCOL")
	p.observe("host back", func(o driver.Observation) bool { return o.HostUp })

	f.command("dial", ours.uri("100"))
	p.line("CALL 1 STATUS RINGING")
	p.observe("ringing", func(o driver.Observation) bool { return o.Output.Ringer })
}

// TestRealCallerOnP1K proves the caller of a real SIP call shows on a
// Yealink P1K's LCD while it rings, and its pickup key (YES) answers.
func TestRealCallerOnP1K(t *testing.T) {
	ours, _, f := pair(t)
	p := runModel(t, "yealink-p1k", ours, "{digits}")

	f.command("dial", ours.uri("100"))
	p.line("CALL 1 STATUS RINGING")
	deadline := time.After(waitLimit)
	for {
		changed := p.hs.Changed() // before State: no change slips between
		st := p.hs.State()
		if strings.Contains(st.LCD, "200") && st.Ringing {
			break
		}
		select {
		case <-changed:
		case <-deadline:
			t.Fatalf("the P1K shows %q (ringing %v); want the caller 200, ringing", st.LCD, st.Ringing)
		}
	}
	p.do("tap YES", func() error { return p.hs.Tap("YES") })
	f.wait("CALL_ESTABLISHED", "")
	p.line("CALL 1 STATUS INPROGRESS")
}

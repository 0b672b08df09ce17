package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"sync"

	tea "github.com/charmbracelet/bubbletea"
	"github.com/charmbracelet/lipgloss"
	"github.com/handsetd/handsetd/driver"
)

// The interactive view is a Bubble Tea program: every change of the
// handset, the host or the traffic is one message, the view is drawn from
// the demo's state, and Bubble Tea's renderer writes only the lines that
// changed, at most frameRate times a second. Nothing is drawn while nothing
// changes; the renderer's ticker still wakes frameRate times a second to
// look (about 0.2-0.6 % of a core in all, measured by TestDemoInTerminal),
// so the rate is the lowest that still feels immediate to a key press.
const frameRate = 20

// keyAction maps a keyboard key to a demo step.
func keyAction(k string) (string, bool) {
	switch k {
	case " ":
		return "hook", true // resolved against the current hook state
	case "m":
		return "mute", true
	case "y":
		return "tap YES", true
	case "n":
		return "tap NO", true
	case "c":
		return "host call in echo123 Echo Test Service", true
	case "a":
		return "host answer", true
	case "x":
		return "host hangup", true
	}
	return "", false
}

const viewHelp = "keys: 0-9 * # keypad · space hook · m mute · y/n YES/NO · c someone calls · a far end answers · x far end hangs up · PgUp/PgDn/↑/↓ scroll · q quit"

// hostView is the part of phoneapi-host's `state` the screen shows.
type hostView struct {
	Calls []struct {
		ID      int    `json:"id"`
		Status  string `json:"status"`
		Type    string `json:"type"`
		Partner string `json:"partner"`
	} `json:"calls"`
	Dialled string `json:"dialled"`
	Mute    bool   `json:"mute"`
}

func (h hostView) inProgress() bool {
	for _, c := range h.Calls {
		if c.Status == "INPROGRESS" {
			return true
		}
	}
	return false
}

type (
	changedMsg  struct{}
	stepDoneMsg struct {
		step string
		err  error
	}
)

// interactive shows the handset, the calls and the traffic, and turns key
// presses into handset and host actions, run one at a time in order.
func (d *demo) interactive(ctx context.Context, in *os.File, out io.Writer) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	steps := make(chan string, 64)
	m := &screen{d: d, steps: steps, status: "ready: press a key (q quits)"}
	p := tea.NewProgram(m, tea.WithInput(in), tea.WithOutput(out), tea.WithAltScreen(),
		tea.WithFPS(frameRate), tea.WithContext(ctx))
	var wg sync.WaitGroup
	defer wg.Wait()
	defer cancel()
	wg.Add(3)
	go func() {
		defer wg.Done()
		d.watchHost(ctx)
	}()
	go func() {
		defer wg.Done()
		for {
			changed := d.changes()
			select {
			case <-ctx.Done():
				return
			case <-changed:
				p.Send(changedMsg{})
			}
		}
	}()
	go func() {
		defer wg.Done()
		for {
			select {
			case <-ctx.Done():
				return
			case s := <-steps:
				p.Send(stepDoneMsg{step: s, err: d.step(ctx, s)})
			}
		}
	}()
	_, err := p.Run()
	if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
		return nil
	}
	return err
}

// watchHost asks phoneapi-host for its calls after every burst of traffic.
func (d *demo) watchHost(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case <-d.hostDirty:
		}
		a, err := d.host.ask(ctx, "state")
		if err != nil {
			continue
		}
		var hv hostView
		if json.Unmarshal([]byte(a), &hv) != nil {
			continue
		}
		d.mu.Lock()
		d.hostState = hv
		d.changedLocked()
		d.mu.Unlock()
	}
}

// screen is the Bubble Tea model: what the view needs beyond the demo.
type screen struct {
	d             *demo
	steps         chan<- string
	width, height int
	back          int // traffic lines scrolled back from the newest; 0 follows
	status        string
}

func (m *screen) Init() tea.Cmd { return nil }

func (m *screen) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.width, m.height = msg.Width, msg.Height
	case stepDoneMsg:
		m.status = "done: " + msg.step
		switch {
		case msg.err != nil:
			m.status = msg.step + ": " + msg.err.Error()
		case msg.step == "mute" && !m.d.hostNow().inProgress():
			m.status = "mute: no call is in progress, so the host keeps mute off (it answered MUTE OFF): the Phone API mutes only a call in progress"
		}
	case tea.KeyMsg:
		if msg.Type == tea.KeyRunes && len(msg.Runes) > 1 {
			// Keys typed faster than they are read come as one message.
			var cmds []tea.Cmd
			for _, r := range msg.Runes {
				cmds = append(cmds, m.key(string(r)))
			}
			return m, tea.Sequence(cmds...)
		}
		return m, m.key(msg.String())
	}
	return m, nil
}

func (m *screen) key(k string) tea.Cmd {
	page := max(1, m.trafficRows()-1)
	switch k {
	case "q", "ctrl+c", "ctrl+d":
		return tea.Quit
	case "pgup":
		m.back += page
	case "up":
		m.back++
	case "pgdown":
		m.back = max(0, m.back-page)
	case "down":
		m.back = max(0, m.back-1)
	case "end":
		m.back = 0
	case "home":
		m.back = 1 << 30
	default:
		m.act(k)
	}
	return nil
}

// act queues the step of a handset or host key.
func (m *screen) act(k string) {
	step, ok := keyAction(k)
	switch {
	case len(k) == 1 && strings.Contains("0123456789*#", k):
		step = "tap " + k
	case step == "hook" && !m.d.can.hookSwitch:
		m.status = "the " + m.d.model + " has no hook switch: y (YES) picks up, n (NO) hangs up"
		return
	case step == "hook":
		step = "hook off"
		if m.d.field("hook") == "off" {
			step = "hook on"
		}
	case step == "mute" && !m.d.can.muteButton:
		m.status = "the " + m.d.model + " has no mute button"
		return
	case !ok:
		m.status = fmt.Sprintf("key %q does nothing (%s)", k, viewHelp)
		return
	}
	select {
	case m.steps <- step:
		m.status = step + " …"
	default:
		m.status = "busy: " + step + " dropped"
	}
}

// The screen's styles.
func titleStyle() lipgloss.Style { return lipgloss.NewStyle().Bold(true) }
func boxStyle() lipgloss.Style {
	return lipgloss.NewStyle().Border(lipgloss.RoundedBorder()).Padding(0, 1)
}
func dimStyle() lipgloss.Style { return lipgloss.NewStyle().Faint(true) }
func litStyle() lipgloss.Style {
	return lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("10"))
}
func alertStyle() lipgloss.Style {
	return lipgloss.NewStyle().Bold(true).Foreground(lipgloss.Color("11"))
}

// topRows is the height of the handset and calls boxes.
const topRows = 10

// trafficRows is how many traffic lines fit.
func (m *screen) trafficRows() int {
	h := m.height
	if h == 0 {
		h = 40
	}
	return max(3, h-topRows-4) // the title, help, status and log lines
}

func (m *screen) View() string {
	v := m.d.snapshot()
	width := m.width
	if width == 0 {
		width = 120
	}
	left := boxStyle().Width(max(40, width/2-2)).Height(topRows - 2).Render(handsetPanel(v))
	right := boxStyle().Width(max(30, width-lipgloss.Width(left)-2)).Height(topRows - 2).Render(callsPanel(v))
	top := lipgloss.JoinHorizontal(lipgloss.Top, left, right)

	rows := m.trafficRows()
	end := len(v.traffic) - min(m.back, max(0, len(v.traffic)-rows))
	start := max(0, end-rows)
	var b strings.Builder
	fmt.Fprintf(&b, "%s   %s   %s   %s\n", titleStyle().Render("Phone API traffic"),
		"→ host: handset to host", "← host: host to handset",
		dimStyle().Render(fmt.Sprintf("lines %d-%d of %d · PgUp/PgDn scroll · End follows", start+1, end, len(v.traffic))))
	for i := start; i < end; i++ {
		b.WriteString(trafficLine(v.traffic[i], width))
		b.WriteByte('\n')
	}
	for i := end - start; i < rows; i++ {
		b.WriteByte('\n')
	}
	b.WriteString(dimStyle().Render(truncate(viewHelp, width)) + "\n")
	b.WriteString(truncate("> "+m.status, width))
	if v.logTail != "" {
		b.WriteString("\n" + dimStyle().Render(truncate("log: "+v.logTail, width)))
	}
	return top + "\n" + b.String()
}

// trafficLine writes a phoneapi-host traffic line with words for arrows.
func trafficLine(l string, width int) string {
	switch {
	case strings.HasPrefix(l, "<- "):
		l = "→ host  " + l[3:]
	case strings.HasPrefix(l, "-> "):
		l = "← host  " + l[3:]
	}
	return truncate(l, width)
}

func truncate(s string, width int) string {
	r := []rune(s)
	if len(r) > width {
		return string(r[:max(0, width-1)]) + "…"
	}
	return s
}

func led(on bool, name string) string {
	if on {
		return litStyle().Render("● " + name)
	}
	return dimStyle().Render("○ " + name)
}

// leds shows the Telephony LEDs, or for a legacy model the ring LED its
// state shows.
func leds(v demoView) string {
	f := func(k string) bool { return stateField(v.sim, k) == "true" }
	if !v.can.leds {
		return led(f("leds.ring"), "ring") + dimStyle().Render(" (the model's own LEDs)")
	}
	return led(f("leds.offhook"), "off-hook") + "  " + led(f("leds.ring"), "ring") + "  " + led(f("leds.mute"), "mute")
}

func handsetPanel(v demoView) string {
	f := func(k string) string { return stateField(v.sim, k) }
	name := v.name
	if name == "" {
		name = "(not announced yet)"
	}
	hook := "on hook"
	switch {
	case !v.can.hookSwitch:
		hook = "no hook switch: YES picks up, NO hangs up"
	case f("hook") == "off":
		hook = alertStyle().Render("OFF HOOK (lifted)")
	}
	ringer := "silent"
	if f("ringing") == "true" {
		ringer = alertStyle().Render("((( RINGING )))")
	}
	speaker := "silent"
	switch v.speaker.Kind {
	case driver.ToneRing:
		speaker = alertStyle().Render("((( ring tone )))") + " (no ringer of its own)"
	case driver.ToneDial:
		speaker = "dial tone"
	case driver.ToneDTMF:
		speaker = "DTMF " + v.speaker.Key
	}
	plugged := ""
	if f("plugged") != "true" {
		plugged = alertStyle().Render("  UNPLUGGED")
	}
	lines := []string{
		titleStyle().Render("Handset") + dimStyle().Render(" ("+f("model")+")") + plugged,
		"name     " + name,
		"hook     " + hook,
		"ringer   " + ringer,
		"speaker  " + speaker,
		"LEDs     " + leds(v),
		"display  " + display(v),
	}
	return strings.Join(lines, "\n")
}

// display is the handset's LCD, or for a model without one what a display
// would show: the caller, the call, or the digits dialled.
func display(v demoView) string {
	if lcd := strings.TrimSpace(stateField(v.sim, "lcd")); lcd != "" && !strings.HasPrefix(lcd, "(") {
		return "[ " + lcd + " ]"
	}
	text := ""
	for _, c := range v.host.Calls {
		who := c.Partner
		if n := v.dispnames[c.ID]; n != "" {
			who = n
		}
		switch {
		case c.Status == "RINGING" && strings.HasPrefix(c.Type, "INCOMING"):
			text = who + " calling"
		case text == "":
			text = who + " " + strings.ToLower(c.Status)
		}
	}
	if text == "" {
		text = v.host.Dialled
	}
	return "[ " + fmt.Sprintf("%-28s", truncate(text, 28)) + " ]" + dimStyle().Render(" (no LCD)")
}

func callsPanel(v demoView) string {
	lines := []string{titleStyle().Render("Calls at the host") + dimStyle().Render(" (phoneapi-host state)")}
	if len(v.host.Calls) == 0 {
		lines = append(lines, dimStyle().Render("no calls: lift and dial, or press c"))
	}
	for _, c := range v.host.Calls {
		dir := "outgoing"
		if strings.HasPrefix(c.Type, "INCOMING") {
			dir = "incoming"
		}
		who := c.Partner
		if n := v.dispnames[c.ID]; n != "" {
			who = n
		}
		lines = append(lines, fmt.Sprintf("%d  %-8s  %-20s  %s", c.ID, dir, who, alertStyle().Render(c.Status)))
	}
	lines = append(lines, "", "dialled  "+v.host.Dialled)
	mute := "off"
	switch {
	case v.host.Mute:
		mute = alertStyle().Render("ON")
	case !v.host.inProgress():
		mute = "off " + dimStyle().Render("(needs a call in progress)")
	}
	lines = append(lines, "mute     "+mute)
	return strings.Join(lines, "\n")
}

// demoView is a snapshot of what the screen shows.
type demoView struct {
	sim       string
	host      hostView
	traffic   []string
	speaker   driver.Tone
	name      string
	dispnames map[int]string
	can       abilities
	logTail   string
}

func (d *demo) snapshot() demoView {
	d.mu.Lock()
	defer d.mu.Unlock()
	return demoView{sim: d.simState, host: d.hostState, traffic: d.traffic, speaker: d.speaker, can: d.can,
		logTail: d.logTail, name: d.name, dispnames: d.dispnames}
}

func (d *demo) hostNow() hostView {
	d.mu.Lock()
	defer d.mu.Unlock()
	return d.hostState
}

package proctest

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"
	"testing"
	"time"
)

// echo is a program like phoneapi-host: each control line is logged as
// traffic first ("-> " and "<- " lines) and then answered "ok LINE"; "quit"
// ends it, as do EOF and its context.
func echo(ctx context.Context, _ []string, stdin io.Reader, stdout, stderr io.Writer) error {
	fmt.Fprintln(stderr, "level=INFO msg=listening")
	lines := make(chan string)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(stdin)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	for {
		select {
		case <-ctx.Done():
			return nil
		case l, ok := <-lines:
			if !ok || l == "quit" {
				return nil
			}
			fmt.Fprintf(stdout, "-> %s\n<- %s\nok %s\n", l, l, l)
		}
	}
}

// TestProcReadsLinesThreeWays proves Say takes answers past traffic, that
// WaitLine finds a traffic line whatever came after it, that Expect reads
// in order from where it stopped, that TrafficSince leaves answers out,
// and that quit ends the program cleanly.
func TestProcReadsLinesThreeWays(t *testing.T) {
	p := Run(t, "echo", echo)
	p.WaitStderr("listening")
	mark := p.Mark()
	if got := p.Say("a"); got != "ok a" {
		t.Fatalf("Say(a) = %q", got)
	}
	if got := p.Must("b"); got != "ok b" {
		t.Fatalf("Must(b) = %q", got)
	}
	p.WaitLine("<- a")
	p.Expect("-> a", "-> b")
	p.Write("c")
	p.Expect("<- c", "ok c")
	if got := strings.Join(p.TrafficSince(mark), "|"); got != "-> a|<- a|-> b|<- b|-> c|<- c" {
		t.Fatalf("TrafficSince = %q", got)
	}
	if got := p.Next(); got != "ok c" {
		t.Fatalf("Next = %q", got) // Expect does not take answers
	}
	if l, ok := p.NextWithin(10 * time.Millisecond); ok {
		t.Fatalf("NextWithin on an idle program = %q", l)
	}
	p.Write("quit")
	if err := p.Wait(); err != nil {
		t.Fatal(err)
	}
}

// TestShortDirFitsASocket proves ShortDir's paths leave room in the 108
// bytes of a unix socket address, however long the test's name.
func TestShortDirFitsASocket(t *testing.T) {
	if d := ShortDir(t); len(d) > 60 {
		t.Fatalf("ShortDir = %q (%d bytes)", d, len(d))
	}
}

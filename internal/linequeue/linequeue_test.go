package linequeue

import "testing"

// TestOrderAndReady proves lines come out in the order pushed, and that
// Ready holds a token while lines remain, so a reader waiting on it is woken.
func TestOrderAndReady(t *testing.T) {
	q := New()
	if _, ok := q.Pop(); ok {
		t.Fatal("Pop on an empty queue returned a line")
	}
	q.Push("a")
	q.Push("b")
	<-q.Ready()
	for _, want := range []string{"a", "b"} {
		if got, ok := q.Pop(); !ok || got != want {
			t.Fatalf("Pop = %q, %v; want %q", got, ok, want)
		}
	}
	select {
	case <-q.Ready():
		if _, ok := q.Pop(); ok {
			t.Fatal("line left after draining")
		}
	default:
	}
}

package driver

import (
	"strconv"
	"sync"
)

// NameBook keeps the NAMEs of the handsets of one process unique; see
// Names. The driver asks it before every handshake.
type NameBook interface {
	// Claim records that this handset announces base, and returns the NAME
	// to announce now and a channel closed when that NAME must change.
	Claim(base string) (name string, changed <-chan struct{})
}

// Names makes the NAMEs of several handsets driven by one process unique,
// so each is its own client of the host with its own NAME even when two are
// the same model or share a --name. Handsets are ordered by their slot (the
// position of their --device): the first handset announcing a name keeps
// it, the next gets " #2" appended, the one after " #3", and so on.
//
// A slot's base name is known once its handset has been opened (or given by
// Reserve beforehand) and is remembered after the handset goes away, so a
// replug does not renumber the others. When a slot announces a name that
// handsets in later slots already use, those later handsets are renumbered:
// their changed channel closes and the driver greets the host again under
// the new NAME. So the names follow slot order whatever order the handsets
// happen to open in.
type Names struct {
	mu    sync.Mutex
	bases map[int]string
	subs  map[int]chan struct{}
}

// NewNames returns an empty name book.
func NewNames() *Names {
	return &Names{bases: map[int]string{}, subs: map[int]chan struct{}{}}
}

// Slot returns the NameBook of the handset in slot i.
func (n *Names) Slot(i int) NameSlot { return NameSlot{n: n, slot: i} }

// NameSlot is one handset's view of a Names.
type NameSlot struct {
	n    *Names
	slot int
}

// Reserve records base for the slot before its handset opens, so the
// numbering follows slot order from the start (for a --name given to all).
func (s NameSlot) Reserve(base string) { s.n.set(s.slot, base) }

// Claim implements NameBook.
func (s NameSlot) Claim(base string) (string, <-chan struct{}) {
	s.n.set(s.slot, base)
	s.n.mu.Lock()
	defer s.n.mu.Unlock()
	ch := s.n.subs[s.slot]
	if ch == nil {
		ch = make(chan struct{})
		s.n.subs[s.slot] = ch
	}
	return s.n.nameLocked(s.slot), ch
}

// set records base for slot and tells every slot whose name changed.
func (n *Names) set(slot int, base string) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if old, ok := n.bases[slot]; ok && old == base {
		return
	}
	before := map[int]string{}
	for s := range n.bases {
		before[s] = n.nameLocked(s)
	}
	n.bases[slot] = base
	for s, name := range before {
		if s != slot && n.nameLocked(s) != name {
			if ch := n.subs[s]; ch != nil {
				close(ch)
				delete(n.subs, s)
			}
		}
	}
}

// nameLocked is the NAME of slot: its base, numbered by the slots before it
// with the same base.
func (n *Names) nameLocked(slot int) string {
	base := n.bases[slot]
	k := 1
	for s, b := range n.bases {
		if s < slot && b == base {
			k++
		}
	}
	if k == 1 {
		return base
	}
	return base + " #" + strconv.Itoa(k)
}

// Release forgets slot i, whose handset left for good (a hot-plugged one
// unplugged): the slots after it that shared its base are numbered down.
func (n *Names) Release(i int) {
	n.mu.Lock()
	defer n.mu.Unlock()
	if _, ok := n.bases[i]; !ok {
		return
	}
	before := map[int]string{}
	for s := range n.bases {
		before[s] = n.nameLocked(s)
	}
	delete(n.bases, i)
	if ch := n.subs[i]; ch != nil {
		delete(n.subs, i)
	}
	for s, name := range before {
		if _, ok := n.bases[s]; ok && n.nameLocked(s) != name {
			if ch := n.subs[s]; ch != nil {
				close(ch)
				delete(n.subs, s)
			}
		}
	}
}

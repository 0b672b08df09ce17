package phoneapi

import (
	"cmp"
	"slices"
	"sort"
	"strings"
)

// Call is what a device knows about one of the host's calls.
type Call struct {
	ID              int
	Status          string // RINGING, INPROGRESS, ONHOLD, ROUTING…; "" until notified
	Type            string // INCOMING_P2P, OUTGOING_PSTN…; "" until known
	Incoming        bool   // Type starts with INCOMING (meaningful when TypeKnown)
	TypeKnown       bool
	PartnerHandle   string
	PartnerDispName string
	Duration        int // seconds, as last notified
}

// Ringing reports whether the handset should ring for this call: it is an
// incoming call, known to be incoming, in status RINGING. An outgoing call in
// RINGING is ringback and does not ring the handset.
func (c Call) Ringing() bool { return c.Status == "RINGING" && c.TypeKnown && c.Incoming }

// live reports whether the call is connected: in progress or held.
func (c Call) live() bool {
	switch c.Status {
	case "INPROGRESS", "ONHOLD", "LOCALHOLD", "REMOTEHOLD":
		return true
	}
	return false
}

// TerminalStatus reports whether a call in this STATUS is over; the table
// forgets such calls.
func TerminalStatus(s string) bool {
	switch s {
	case "FINISHED", "MISSED", "REFUSED", "BUSY", "CANCELLED", "FAILED", "UNPLACED":
		return true
	}
	return false
}

// Calls is a snapshot of the host's calls, sorted by id. It is a value: a copy
// never changes when the Client learns more.
type Calls struct {
	list []Call
}

// NewCalls makes a snapshot from the given calls (tests and hosts that
// learn calls some other way); it sorts them by id.
func NewCalls(list ...Call) Calls {
	l := append([]Call(nil), list...)
	sort.Slice(l, func(i, j int) bool { return l[i].ID < l[j].ID })
	return Calls{list: l}
}

// All returns the calls sorted by id, as a fresh slice.
func (cs Calls) All() []Call { return append([]Call(nil), cs.list...) }

// Get returns the call with the given id.
func (cs Calls) Get(id int) (Call, bool) {
	for _, c := range cs.list {
		if c.ID == id {
			return c, true
		}
	}
	return Call{}, false
}

// Ringing reports whether any incoming call is ringing: the handset rings
// while this is true.
func (cs Calls) Ringing() bool {
	_, ok := cs.RingingCall()
	return ok
}

// RingingCall returns the ringing incoming call with the lowest id.
func (cs Calls) RingingCall() (Call, bool) {
	for _, c := range cs.list {
		if c.Ringing() {
			return c, true
		}
	}
	return Call{}, false
}

// Active returns the connected call: the lowest-id call INPROGRESS, or failing
// that the lowest-id held one (ONHOLD, LOCALHOLD, REMOTEHOLD).
func (cs Calls) Active() (Call, bool) {
	for _, c := range cs.list {
		if c.Status == "INPROGRESS" {
			return c, true
		}
	}
	for _, c := range cs.list {
		if c.live() {
			return c, true
		}
	}
	return Call{}, false
}

// callTable is the Client's model of the host's calls. It applies
// notifications and says which questions to ask the host.
type callTable struct {
	calls map[int]*tableCall
	ended []int // recently ended ids, so late property replies do not revive them
}

type tableCall struct {
	Call
	askedType, askedName bool
}

const endedMemory = 64

func newCallTable() *callTable { return &callTable{calls: map[int]*tableCall{}} }

func (t *callTable) isEnded(id int) bool {
	for _, e := range t.ended {
		if e == id {
			return true
		}
	}
	return false
}

func (t *callTable) get(id int) *tableCall {
	c := t.calls[id]
	if c == nil {
		c = &tableCall{Call: Call{ID: id}}
		t.calls[id] = c
	}
	return c
}

// apply folds one host line into the table and returns the queries the
// device should send: GET CALL n TYPE for a RINGING call of unknown type
// (sample session 7.12), and GET CALL n PARTNER_DISPNAME for a ringing
// incoming call whose caller is not yet named.
func (t *callTable) apply(m Message) []Command {
	switch m.Kind {
	case KindCallStatus:
		if TerminalStatus(m.Value) {
			if _, ok := t.calls[m.Call]; ok || !t.isEnded(m.Call) {
				delete(t.calls, m.Call)
				t.ended = append(t.ended, m.Call)
				if len(t.ended) > endedMemory {
					t.ended = t.ended[1:]
				}
			}
			return nil
		}
		t.forgetEnded(m.Call)
		c := t.get(m.Call)
		c.Status = m.Value
		return t.questions(c)
	case KindCallType, KindCallPartnerHandle, KindCallPartnerDispName, KindCallDuration:
		if t.isEnded(m.Call) {
			return nil
		}
		c := t.get(m.Call)
		switch m.Kind {
		case KindCallType:
			c.Type, c.TypeKnown = m.Value, true
			c.Incoming = strings.HasPrefix(m.Value, "INCOMING")
		case KindCallPartnerHandle:
			c.PartnerHandle = m.Value
		case KindCallPartnerDispName:
			c.PartnerDispName = m.Value
			c.askedName = true
		case KindCallDuration:
			c.Duration = m.Num
		}
		return t.questions(c)
	}
	return nil
}

func (t *callTable) forgetEnded(id int) {
	for i, e := range t.ended {
		if e == id {
			t.ended = append(t.ended[:i], t.ended[i+1:]...)
			return
		}
	}
}

func (t *callTable) questions(c *tableCall) []Command {
	if c.Status != "RINGING" {
		return nil
	}
	var q []Command
	if !c.TypeKnown && !c.askedType {
		c.askedType = true
		q = append(q, GetCall(c.ID, "TYPE"))
	}
	if c.TypeKnown && c.Incoming && c.PartnerDispName == "" && !c.askedName {
		c.askedName = true
		q = append(q, GetCall(c.ID, "PARTNER_DISPNAME"))
	}
	return q
}

func (t *callTable) snapshot() Calls {
	list := make([]Call, 0, len(t.calls))
	for _, c := range t.calls {
		list = append(list, c.Call)
	}
	// Taken once per host line: a typed sort, not sort.Slice's reflection.
	slices.SortFunc(list, func(a, b Call) int { return cmp.Compare(a.ID, b.ID) })
	return Calls{list: list}
}

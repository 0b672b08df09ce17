package config

import (
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2/unstable"

	"github.com/handsetd/handsetd/keymap"
	"github.com/handsetd/handsetd/phoneapi"
)

// maxFileSize bounds what Parse reads; a config file is a few hundred
// bytes.
const maxFileSize = 4 << 20

// Parse reads a config file's text; name labels its errors.
//
// The TOML is read by go-toml's parser, which gives every key and value its
// position; Parse walks what it parsed and refuses, with the line, anything
// handsetd has no use for, so a misspelt setting is never silently ignored.
func Parse(r io.Reader, name string) (*Config, error) {
	data, err := io.ReadAll(io.LimitReader(r, maxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	if len(data) > maxFileSize {
		return nil, fmt.Errorf("config %s: %w: larger than %d bytes", name, ErrSyntax, maxFileSize)
	}
	w := &walker{
		c:       &Config{File: name, Devices: map[ID]*Section{}, Models: map[string]*Section{}},
		tables:  map[string]int{},
		devices: map[string]*deviceTable{},
		owner:   map[ID]string{},
		seen:    map[string]int{},
	}
	// A full slice expression, so that the parser's offsets (computed from
	// capacities) stay inside data.
	w.p.Reset(data[:len(data):len(data)])
	for w.p.NextExpression() {
		if err := w.expression(w.p.Expression()); err != nil {
			return nil, err
		}
	}
	if err := w.p.Error(); err != nil {
		return nil, w.syntaxError(err)
	}
	if err := w.finish(); err != nil {
		return nil, err
	}
	return w.c, nil
}

// deviceTable is one [device."..."] table: named by its USB id, or by a
// label with the ids listed in ids = [...].
type deviceTable struct {
	sec    *Section
	name   string // the name it was first given
	line   int    // where its first header is
	byID   bool   // the table's name is its USB id
	hasIDs bool   // ids = [...] is set
}

type walker struct {
	p      unstable.Parser
	c      *Config
	tables map[string]int // header → line, to refuse a table twice
	// devices are the [device] tables by name; owner names the table each
	// USB id belongs to.
	devices map[string]*deviceTable
	owner   map[ID]string
	// cur is the current table header's key path (nil at the top); a key
	// is set at cur followed by its own parts, so dotted keys and inline
	// tables name the same settings a header does.
	cur  []string
	seen map[string]int // full key paths set → line
}

func (w *walker) errAt(line int, format string, args ...any) error {
	return &LineError{File: w.c.File, Line: line, Msg: fmt.Sprintf(format, args...)}
}

// line is where a node starts; nodes without a range are at line 0.
func (w *walker) line(n *unstable.Node) int {
	if n == nil || n.Raw.Length == 0 && n.Raw.Offset == 0 {
		return 0
	}
	return w.p.Shape(n.Raw).Start.Line
}

// syntaxError gives a parser error the line it highlights.
func (w *walker) syntaxError(err error) error {
	var pe *unstable.ParserError
	if !errors.As(err, &pe) {
		return w.errAt(1, "%v", err)
	}
	data := w.p.Data()
	line := 1 + strings.Count(string(data), "\n")
	if pe.Highlight != nil {
		line = w.p.Shape(w.p.Range(pe.Highlight)).Start.Line
	}
	return w.errAt(line, "not valid TOML: %s", pe.Message)
}

// keyPath is an expression's key, part by part, and the line it is on.
func (w *walker) keyPath(e *unstable.Node) (path []string, line int) {
	it := e.Key()
	for it.Next() {
		n := it.Node()
		if line == 0 {
			line = w.line(n)
		}
		path = append(path, string(n.Data))
	}
	return path, line
}

func (w *walker) expression(e *unstable.Node) error {
	switch e.Kind {
	case unstable.Table:
		path, line := w.keyPath(e)
		return w.header(path, line)
	case unstable.ArrayTable:
		_, line := w.keyPath(e)
		return w.errAt(line, "arrays of tables ([[...]]) are not supported")
	case unstable.KeyValue:
		path, line := w.keyPath(e)
		return w.assign(append(slices.Clone(w.cur), path...), e.Value(), line)
	}
	return nil
}

// assign sets the value v at a full key path. An inline table sets each of
// its keys below the path, as the same keys under a [table] header would.
func (w *walker) assign(path []string, v *unstable.Node, line int) error {
	canon := strings.Join(quoteAll(path), ".")
	if l, ok := w.seen[canon]; ok {
		return w.errAt(line, "%s is set twice (first on line %d)", canon, l)
	}
	w.seen[canon] = line
	if v.Kind == unstable.InlineTable {
		if err := w.checkTable(path, line); err != nil {
			return err
		}
		it := v.Children()
		for it.Next() {
			kv := it.Node()
			sub, l := w.keyPath(kv)
			if l == 0 {
				l = line
			}
			if err := w.assign(append(slices.Clone(path), sub...), kv.Value(), l); err != nil {
				return err
			}
		}
		return nil
	}
	key := path[len(path)-1]
	switch {
	case len(path) == 1:
		val, err := w.str(v)
		if err != nil {
			return w.errAt(line, "%s: %v", key, err)
		}
		return w.setTop(key, val, line)
	case len(path) >= 3 && (path[0] == "device" || path[0] == "model"):
		sec, dev, err := w.section(path[0], path[1], line)
		if err != nil {
			return err
		}
		rest := path[2:]
		if len(rest) == 1 && key == "ids" && dev != nil {
			return w.ids(dev, v, line)
		}
		val, err := w.str(v)
		if err != nil {
			return w.errAt(line, "%s: %v", key, err)
		}
		switch {
		case len(rest) == 1:
			return w.set(sec, dev, key, val, line)
		case len(rest) == 2 && rest[0] == "keys":
			return w.remap(sec, key, val, line)
		}
	}
	return w.errAt(line, "unknown setting %q; handsetd knows cm109_model at the top, and name, cm109_model, ids and keys.KEY in [device.\"VID:PID\"] and [model.\"NAME\"]", canon)
}

// str is a string value; other TOML types are refused by name.
func (w *walker) str(v *unstable.Node) (string, error) {
	switch v.Kind {
	case unstable.String:
		return string(v.Data), nil
	case unstable.Bool:
		return "", errors.New("booleans are not supported; values are strings")
	case unstable.Array:
		return "", errors.New("arrays are not supported here; values are strings (only a [device] table's ids takes an array)")
	default:
		return "", fmt.Errorf("values are quoted strings, got %q", clip(string(w.p.Raw(v.Raw))))
	}
}

// checkTable refuses a table path handsetd has no use for: it knows
// [device], [model], [device."ID"], [model."NAME"] and their .keys.
func (w *walker) checkTable(path []string, line int) error {
	canon := strings.Join(quoteAll(path), ".")
	if len(path) > 3 || (path[0] != "device" && path[0] != "model") || (len(path) == 3 && path[2] != "keys") {
		return w.errAt(line, "unknown table [%s]; handsetd knows [device.\"VID:PID\"], [model.\"NAME\"] and their .keys subtables", canon)
	}
	if len(path) >= 2 {
		_, _, err := w.section(path[0], path[1], line)
		return err
	}
	return nil
}

func (w *walker) header(path []string, line int) error {
	canon := strings.Join(quoteAll(path), ".")
	if l, ok := w.tables[canon]; ok {
		return w.errAt(line, "table [%s] is defined twice (first on line %d)", canon, l)
	}
	w.tables[canon] = line
	if err := w.checkTable(path, line); err != nil {
		return err
	}
	w.cur = path
	return nil
}

// section finds or makes the [device] or [model] table of this name; dev
// is nil for a model.
func (w *walker) section(kind, name string, line int) (*Section, *deviceTable, error) {
	if kind == "model" {
		if name == "" {
			return nil, nil, w.errAt(line, "[model.\"\"]: the model name is empty")
		}
		sec := w.c.Models[name]
		if sec == nil {
			sec = &Section{Line: line}
			w.c.Models[name] = sec
		}
		return sec, nil, nil
	}
	dt, err := w.deviceTable(name, line)
	if err != nil {
		return nil, nil, err
	}
	return dt.sec, dt, nil
}

// deviceTable finds or makes the [device] table of this name. A name that
// is a USB id claims it; two spellings of one id ("1:2", "0001:0002") are
// one table, as they are one handset.
func (w *walker) deviceTable(name string, line int) (*deviceTable, error) {
	if dt := w.devices[name]; dt != nil {
		return dt, nil
	}
	id, isID := parseID(name)
	if !isID {
		dt := &deviceTable{sec: &Section{Line: line}, name: name, line: line}
		w.devices[name] = dt
		return dt, nil
	}
	if other, ok := w.owner[id]; ok {
		dt := w.devices[other]
		if !dt.byID {
			return nil, w.errAt(line, "[device.%q]: %s is already one of the ids of [device.%q] (line %d)", name, id, other, dt.line)
		}
		w.devices[name] = dt
		return dt, nil
	}
	dt := &deviceTable{sec: &Section{Line: line}, name: name, line: line, byID: true}
	w.devices[name] = dt
	w.owner[id] = name
	w.c.Devices[id] = dt.sec
	return dt, nil
}

// ids adds the USB ids of ids = ["VID:PID", ...] to the current device
// table.
func (w *walker) ids(dev *deviceTable, v *unstable.Node, line int) error {
	if v.Kind != unstable.Array {
		return w.errAt(line, "ids: want a list of USB ids, e.g. ids = [\"0d8c:000e\", \"0d8c:000f\"]")
	}
	it := v.Children()
	count := 0
	for it.Next() {
		count++
		n := it.Node()
		l := w.line(n)
		if l == 0 {
			l = line
		}
		if n.Kind != unstable.String {
			return w.errAt(l, "ids: %q is not a quoted \"VID:PID\"", clip(string(w.p.Raw(n.Raw))))
		}
		id, ok := parseID(string(n.Data))
		if !ok {
			return w.errAt(l, "ids: %q: want the USB ids as \"VID:PID\" in hex, e.g. \"0d8c:000e\"", string(n.Data))
		}
		if other, ok := w.owner[id]; ok {
			if dt := w.devices[other]; dt != dev {
				return w.errAt(l, "ids: %s is already set by [device.%q] (line %d)", id, other, dt.line)
			}
			continue
		}
		w.owner[id] = dev.name
		w.c.Devices[id] = dev.sec
	}
	dev.hasIDs = true
	if count == 0 {
		return w.errAt(line, "ids is empty; list the USB ids this table applies to")
	}
	return nil
}

// finish refuses a [device] table that names no handset: its name is no
// USB id and it has no ids.
func (w *walker) finish() error {
	for name, dt := range w.devices {
		if !dt.byID && !dt.hasIDs {
			return w.errAt(dt.line, "[device.%q]: want the USB ids as \"VID:PID\" in hex, e.g. \"0d8c:000e\", or a label with ids = [\"VID:PID\", ...]", name)
		}
	}
	return nil
}

// setTop sets a setting at the top of the file.
func (w *walker) setTop(key, val string, line int) error {
	if key != "cm109_model" {
		return w.errAt(line, "unknown setting %q at the top (known: cm109_model; handset settings go in a [device] or [model] table)", key)
	}
	if err := checkCM109Model(val); err != nil {
		return w.errAt(line, "%v", err)
	}
	w.c.CM109Model = Setting{Value: val, Line: line}
	return nil
}

// remap sets one key remap of a table's .keys.
func (w *walker) remap(sec *Section, key, val string, line int) error {
	if !phoneapi.ValidKey(key) {
		return w.errAt(line, "%q is not a Phone API key name (0-9, A-Z, #, *, +, UP, DOWN, YES, NO, SKYPE, PAGEUP, PAGEDOWN)", key)
	}
	if val != "" && !phoneapi.ValidKey(val) {
		return w.errAt(line, "%s = %q: %q is not a Phone API key name (use \"\" to switch the key off)", key, val, val)
	}
	if sec.Keys == nil {
		sec.Keys = map[string]string{}
	}
	sec.Keys[key] = val
	return nil
}

// set sets a setting of a [device] (dev set) or [model] table.
func (w *walker) set(sec *Section, dev *deviceTable, key, val string, line int) error {
	setting := Setting{Value: val, Line: line}
	switch {
	case key == "name":
		if err := phoneapi.CheckLine("NAME " + val); err != nil || strings.TrimSpace(val) == "" {
			return w.errAt(line, "name %q cannot be sent as a NAME line", clip(val))
		}
		sec.Name = setting
	case key == "cm109_model" && dev != nil:
		if err := checkCM109Model(val); err != nil {
			return w.errAt(line, "%v", err)
		}
		sec.CM109Model = setting
	case key == "cm109_model":
		return w.errAt(line, "cm109_model belongs at the top or in a [device.\"VID:PID\"] table: a [model] is matched by the NAME the chosen keymap gives")
	case dev != nil:
		return w.errAt(line, "unknown setting %q (known: name, cm109_model, ids, and key remaps in a .keys table)", key)
	default:
		return w.errAt(line, "unknown setting %q (known: name, and key remaps in a .keys table)", key)
	}
	return nil
}

// checkCM109Model refuses an empty or unknown CM109 model while the file
// is read, so a typo stops handsetd at start with the line, not later when
// a CM109 phone is plugged in. The models are the CM109 row's variants in
// the device table.
func checkCM109Model(val string) error {
	if val == "" {
		return errors.New("cm109_model is empty")
	}
	cm, _ := keymap.FamilyRow(keymap.FamilyCM109)
	if _, err := cm.Variant(val); err != nil {
		return fmt.Errorf("cm109_model = %q: not a CM109 model handsetd knows (use one of %s)", val, strings.Join(cm.VariantNames(), ", "))
	}
	return nil
}

func parseID(s string) (ID, bool) {
	v, p, ok := strings.Cut(s, ":")
	if !ok || len(v) == 0 || len(v) > 4 || len(p) == 0 || len(p) > 4 {
		return ID{}, false
	}
	a, err1 := strconv.ParseUint(v, 16, 16)
	b, err2 := strconv.ParseUint(p, 16, 16)
	if err1 != nil || err2 != nil {
		return ID{}, false
	}
	return ID{uint16(a), uint16(b)}, true
}

func isBare(k string) bool {
	if k == "" {
		return false
	}
	for i := 0; i < len(k); i++ {
		c := k[i]
		if !(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

func quoteAll(path []string) []string {
	out := make([]string, len(path))
	for i, k := range path {
		if isBare(k) {
			out[i] = k
		} else {
			out[i] = strconv.Quote(k)
		}
	}
	return out
}

func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

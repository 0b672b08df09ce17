package config

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"unicode/utf8"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/keymap"
	"github.com/handsetd/handsetd/phoneapi"
)

// ErrSyntax is wrapped by every error about the file's content.
var ErrSyntax = errors.New("bad config file")

// LineError is a mistake at one line of the config file.
type LineError struct {
	File string
	Line int
	Msg  string
}

func (e *LineError) Error() string { return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Msg) }

// Unwrap makes errors.Is(err, ErrSyntax) true.
func (e *LineError) Unwrap() error { return ErrSyntax }

// ID is a USB vendor and product id.
type ID struct{ Vendor, Product uint16 }

func (id ID) String() string { return fmt.Sprintf("%04x:%04x", id.Vendor, id.Product) }

// Setting is a string value and the line it is set on.
type Setting struct {
	Value string
	Line  int
}

// Section is a [device] or [model] table with its .keys subtable.
type Section struct {
	Name       Setting
	CM109Model Setting
	// Keys maps a profile's key name to the key name to send; "" switches
	// it off.
	Keys map[string]string
	Line int
}

// Config is a parsed config file. The zero value, and a nil *Config, change
// nothing.
type Config struct {
	// File is the path the config was read from, for messages.
	File       string
	CM109Model Setting
	Devices    map[ID]*Section
	Models     map[string]*Section
}

// FileName is the config file's name in its directory.
const FileName = "config.toml"

// DefaultPath is where handsetd looks for its config: in
// $XDG_CONFIG_HOME/handsetd/, or ~/.config/handsetd/ when XDG_CONFIG_HOME is
// unset or not absolute (as the XDG spec says). getenv is os.Getenv outside
// tests.
func DefaultPath(getenv func(string) string) (string, error) {
	if x := getenv("XDG_CONFIG_HOME"); filepath.IsAbs(x) {
		return filepath.Join(x, "handsetd", FileName), nil
	}
	home := getenv("HOME")
	if home == "" {
		return "", errors.New("neither XDG_CONFIG_HOME nor HOME is set; give the config file with --config")
	}
	return filepath.Join(home, ".config", "handsetd", FileName), nil
}

// Load reads the config at path. A missing file is an empty config unless
// explicit (the user named it with --config), then it is an error.
func Load(path string, explicit bool) (*Config, error) {
	f, err := os.Open(path)
	if err != nil {
		// A default path whose directory is a file is as absent as one
		// that does not exist.
		if !explicit && (errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)) {
			return &Config{File: path}, nil
		}
		return nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	return Parse(f, path)
}

// Parse reads a config file's text; name labels its errors.
func Parse(r io.Reader, name string) (*Config, error) {
	p := &parser{
		c:      &Config{File: name, Devices: map[ID]*Section{}, Models: map[string]*Section{}},
		tables: map[string]int{},
	}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), 1<<20)
	for sc.Scan() {
		p.n++
		if err := p.line(sc.Text()); err != nil {
			return nil, err
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("config %s: %w", name, err)
	}
	return p.c, nil
}

type parser struct {
	c      *Config
	n      int
	tables map[string]int // header → line, to refuse a table twice
	// the current table: section (nil at the top), keys subtable or not,
	// and whether it is a device table.
	sec    *Section
	keys   bool
	device bool
	seen   map[string]int // keys set in the current table → line
}

func (p *parser) errf(format string, args ...any) error {
	return &LineError{File: p.c.File, Line: p.n, Msg: fmt.Sprintf(format, args...)}
}

func (p *parser) line(raw string) error {
	if !utf8.ValidString(raw) {
		return p.errf("not valid UTF-8")
	}
	s := &scanner{s: strings.TrimSuffix(raw, "\r")}
	s.space()
	if s.end() {
		return nil
	}
	if s.peek() == '[' {
		return p.header(s)
	}
	key, err := s.key()
	if err != nil {
		return p.errf("%v", err)
	}
	s.space()
	if s.peek() == '.' {
		return p.errf("dotted keys are not supported; write a [table] header instead")
	}
	if !s.eat('=') {
		return p.errf("want KEY = \"VALUE\" after %q", key)
	}
	s.space()
	val, err := s.value()
	if err != nil {
		return p.errf("%s: %v", key, err)
	}
	s.space()
	if !s.end() {
		return p.errf("unexpected %q after the value of %s", clip(s.rest()), key)
	}
	return p.set(key, val)
}

func (p *parser) header(s *scanner) error {
	s.eat('[')
	if s.peek() == '[' {
		return p.errf("arrays of tables ([[...]]) are not supported")
	}
	var path []string
	for {
		s.space()
		k, err := s.key()
		if err != nil {
			return p.errf("table header: %v", err)
		}
		path = append(path, k)
		s.space()
		if s.eat(']') {
			break
		}
		if !s.eat('.') {
			return p.errf("table header: want . or ] after %q", k)
		}
	}
	s.space()
	if !s.end() {
		return p.errf("unexpected %q after the table header", clip(s.rest()))
	}
	canon := strings.Join(quoteAll(path), ".")
	if l, ok := p.tables[canon]; ok {
		return p.errf("table [%s] is defined twice (first on line %d)", canon, l)
	}
	p.tables[canon] = p.n
	if len(path) < 2 || len(path) > 3 || (path[0] != "device" && path[0] != "model") || (len(path) == 3 && path[2] != "keys") {
		return p.errf("unknown table [%s]; handsetd knows [device.\"VID:PID\"], [model.\"NAME\"] and their .keys subtables", canon)
	}
	var sec *Section
	if path[0] == "device" {
		id, ok := parseID(path[1])
		if !ok {
			return p.errf("[device.%q]: want the USB ids as \"VID:PID\" in hex, e.g. \"0d8c:000e\"", path[1])
		}
		if sec = p.c.Devices[id]; sec == nil {
			sec = &Section{Line: p.n}
			p.c.Devices[id] = sec
		}
	} else {
		if path[1] == "" {
			return p.errf("[model.\"\"]: the model name is empty")
		}
		if sec = p.c.Models[path[1]]; sec == nil {
			sec = &Section{Line: p.n}
			p.c.Models[path[1]] = sec
		}
	}
	p.sec, p.keys, p.device = sec, len(path) == 3, path[0] == "device"
	p.seen = map[string]int{}
	return nil
}

func (p *parser) set(key, val string) error {
	if p.seen == nil {
		p.seen = map[string]int{}
	}
	if l, ok := p.seen[key]; ok {
		return p.errf("%s is set twice in this table (first on line %d)", key, l)
	}
	p.seen[key] = p.n
	setting := Setting{Value: val, Line: p.n}
	switch {
	case p.sec == nil: // top level
		if key != "cm109_model" {
			return p.errf("unknown setting %q at the top (known: cm109_model; handset settings go in a [device] or [model] table)", key)
		}
		if err := checkCM109Model(val); err != nil {
			return p.errf("%v", err)
		}
		p.c.CM109Model = setting
	case p.keys:
		if !phoneapi.ValidKey(key) {
			return p.errf("%q is not a Phone API key name (0-9, A-Z, #, *, +, UP, DOWN, YES, NO, SKYPE, PAGEUP, PAGEDOWN)", key)
		}
		if val != "" && !phoneapi.ValidKey(val) {
			return p.errf("%s = %q: %q is not a Phone API key name (use \"\" to switch the key off)", key, val, val)
		}
		if p.sec.Keys == nil {
			p.sec.Keys = map[string]string{}
		}
		p.sec.Keys[key] = val
	case key == "name":
		if err := phoneapi.CheckLine("NAME " + val); err != nil || strings.TrimSpace(val) == "" {
			return p.errf("name %q cannot be sent as a NAME line", clip(val))
		}
		p.sec.Name = setting
	case key == "cm109_model" && p.device:
		if err := checkCM109Model(val); err != nil {
			return p.errf("%v", err)
		}
		p.sec.CM109Model = setting
	case key == "cm109_model":
		return p.errf("cm109_model belongs at the top or in a [device.\"VID:PID\"] table: a [model] is matched by the NAME the chosen keymap gives")
	default:
		return p.errf("unknown setting %q (known: name, cm109_model, and key remaps in a .keys table)", key)
	}
	return nil
}

// checkCM109Model refuses an empty or unknown CM109 model while the file
// is read, so a typo stops handsetd at start with the line, not later when
// a CM109 phone is plugged in.
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

// CM109ModelFor is the CM109 keypad model for a handset: its [device] table's,
// else the top-level one, else "".
func (c *Config) CM109ModelFor(info hid.Info) Setting {
	if c == nil {
		return Setting{}
	}
	if s := c.Devices[ID{info.VendorID, info.ProductID}]; s != nil && s.CM109Model.Value != "" {
		return s.CM109Model
	}
	return c.CM109Model
}

// Overrides are the changes for a handset whose profile announces
// profileName: its [model] table's, then its [device] table's on top.
func (c *Config) Overrides(info hid.Info, profileName string) keymap.Overrides {
	var o keymap.Overrides
	if c == nil {
		return o
	}
	for _, s := range []*Section{c.Models[profileName], c.Devices[ID{info.VendorID, info.ProductID}]} {
		if s == nil {
			continue
		}
		if s.Name.Value != "" {
			o.Name = s.Name.Value
		}
		for k, v := range s.Keys {
			if o.Keys == nil {
				o.Keys = map[string]string{}
			}
			o.Keys[k] = v
		}
	}
	return o
}

// Profile picks a handset's profile with the config applied: the CM109
// model it names, then the name and key overrides. A CM109 model the
// keymaps do not know is reported at the line that sets it.
func (c *Config) Profile(info hid.Info, desc []byte) (keymap.Profile, error) {
	model := c.CM109ModelFor(info)
	p, err := keymap.ForDeviceWith(info, desc, keymap.Options{CM109Model: model.Value})
	if err != nil {
		if model.Value != "" {
			return nil, fmt.Errorf("%w (config %s:%d sets cm109_model = %q)", err, c.File, model.Line, model.Value)
		}
		return nil, err
	}
	return keymap.WithOverrides(p, c.Overrides(info, p.Name())), nil
}

// Summary lists what the config changes, one line each, for logs.
func (c *Config) Summary() []string {
	if c == nil {
		return nil
	}
	var out []string
	if c.CM109Model.Value != "" {
		out = append(out, "cm109_model = "+c.CM109Model.Value)
	}
	for id, s := range c.Devices {
		out = append(out, fmt.Sprintf("device %s: %d key remaps, name %q, cm109_model %q", id, len(s.Keys), s.Name.Value, s.CM109Model.Value))
	}
	for m, s := range c.Models {
		out = append(out, fmt.Sprintf("model %q: %d key remaps, name %q", m, len(s.Keys), s.Name.Value))
	}
	sort.Strings(out)
	return out
}

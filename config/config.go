package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"syscall"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/keymap"
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

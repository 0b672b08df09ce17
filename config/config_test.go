package config

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/hid"
	"github.com/handsetd/handsetd/keymap"
)

// TestExampleFile proves that the documented example parses and means what
// its comments say.
func TestExampleFile(t *testing.T) {
	c, err := Load("../keymap/example-config.toml", true)
	if err != nil {
		t.Fatal(err)
	}
	cm := hid.Info{VendorID: 0x0d8c, ProductID: 0x000e}
	if got := c.CM109ModelFor(cm).Value; got != "usbph01" {
		t.Errorf("CM109 model of 0d8c:000e = %q", got)
	}
	if got := c.CM109ModelFor(hid.Info{VendorID: 0x0d8c, ProductID: 0x0008}).Value; got != "kip1000" {
		t.Errorf("CM109 model of another device = %q", got)
	}
	want := keymap.Overrides{Name: "Kitchen phone", Keys: map[string]string{"UP": "PAGEUP", "DOWN": "PAGEDOWN", "#": ""}}
	if got := c.Overrides(cm, "CM109"); !reflect.DeepEqual(got, want) {
		t.Errorf("overrides of 0d8c:000e = %+v, want %+v", got, want)
	}
	if got := c.Overrides(hid.Info{VendorID: 0x6993, ProductID: 0xb700}, "Yealink USB-P1KH"); got.Name != "Office phone" {
		t.Errorf("overrides of 6993:b700 (in [device.desk]'s ids) = %+v", got)
	}
	want = keymap.Overrides{Name: "Desk phone", Keys: map[string]string{"F": "NO", "R": "SKYPE"}}
	if got := c.Overrides(hid.Info{VendorID: 1, ProductID: 2}, "Generic USB Telephony Handset"); !reflect.DeepEqual(got, want) {
		t.Errorf("overrides of the generic model = %+v, want %+v", got, want)
	}
}

// TestPrecedence proves that a [device] table wins over a [model] table for
// the name, and that its remaps go over the model's key by key.
func TestPrecedence(t *testing.T) {
	c, err := Parse(strings.NewReader(`
[model.Phone]
name = "from model"
[model.Phone.keys]
"1" = "A"
"2" = "B"
[device."1:2".keys]
"2" = ""
[device."1:2"]
name = "from device"
`), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	got := c.Overrides(hid.Info{VendorID: 1, ProductID: 2}, "Phone")
	want := keymap.Overrides{Name: "from device", Keys: map[string]string{"1": "A", "2": ""}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v, want %+v", got, want)
	}
	if got := c.Overrides(hid.Info{VendorID: 9, ProductID: 9}, "Other"); !got.IsZero() {
		t.Errorf("an unrelated handset got %+v", got)
	}
	var nilc *Config
	if !nilc.Overrides(hid.Info{}, "Phone").IsZero() || nilc.CM109ModelFor(hid.Info{}).Value != "" {
		t.Error("a nil config changes something")
	}
}

// TestStrings proves the TOML string forms handsetd accepts: escapes,
// literal strings, comments after values, '#' inside strings, CRLF.
func TestStrings(t *testing.T) {
	c, err := Parse(strings.NewReader("[device.'00AB:cd']  # comment\r\nname = \"Caf\\u00e9 \\\"1\\\" # not a comment\"\r\n[device.\"ab:CD\".keys]\n'#' = \"*\" # star\n"), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	s := c.Devices[ID{0xab, 0xcd}]
	if s == nil || s.Name.Value != `Café "1" # not a comment` || s.Name.Line != 2 || s.Keys["#"] != "*" {
		t.Errorf("got %+v", s)
	}
}

// TestDottedAndInline proves that dotted keys and inline tables name the
// same settings a [table] header does (TOML 1.0: "Dotted keys create and
// define a table for each key part before the last one"; an inline table is
// a table on one line), with each value's own line.
func TestDottedAndInline(t *testing.T) {
	c, err := Parse(strings.NewReader(`cm109_model = "kip1000"
device."0d8c:000e".name = "Kitchen phone"
device."0d8c:000e".keys."UP" = "PAGEUP"
[device.desk]
ids = ["6993:b001"]
keys = { "#" = "", "*" = "NO" }
[model]
"Generic USB Telephony Handset" = { name = "Desk", keys = { F = "NO" } }
[device]
"1:2".cm109_model = "usbph01"
`), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	kitchen := c.Devices[ID{0x0d8c, 0x000e}]
	if kitchen == nil || kitchen.Name != (Setting{Value: "Kitchen phone", Line: 2}) || !reflect.DeepEqual(kitchen.Keys, map[string]string{"UP": "PAGEUP"}) {
		t.Errorf("dotted device keys: got %+v", kitchen)
	}
	desk := c.Devices[ID{0x6993, 0xb001}]
	if desk == nil || !reflect.DeepEqual(desk.Keys, map[string]string{"#": "", "*": "NO"}) {
		t.Errorf("inline keys table: got %+v", desk)
	}
	want := keymap.Overrides{Name: "Desk", Keys: map[string]string{"F": "NO"}}
	if got := c.Overrides(hid.Info{VendorID: 9, ProductID: 9}, "Generic USB Telephony Handset"); !reflect.DeepEqual(got, want) {
		t.Errorf("nested inline model table: got %+v, want %+v", got, want)
	}
	if got := c.CM109ModelFor(hid.Info{VendorID: 1, ProductID: 2}); got != (Setting{Value: "usbph01", Line: 10}) {
		t.Errorf("dotted key under [device]: got %+v", got)
	}
}

// TestErrors proves that every mistake is refused with the line it is on.
func TestErrors(t *testing.T) {
	cases := []struct {
		name, in string
		line     int
		msg      string
	}{
		{"unknown top key", "volume = \"3\"\n", 1, `unknown setting "volume" at the top`},
		{"number value", "\n\ncm109_model = 3\n", 3, "values are quoted strings"},
		{"boolean", "cm109_model = true\n", 1, "booleans are not supported"},
		{"array", "cm109_model = [\"a\"]\n", 1, "arrays are not supported"},
		{"inline table of a string", "[model.A]\nname = {x = \"y\"}\n", 2, "unknown table [model.A.name]"},
		{"inline table key twice", "[model.A]\nkeys = {\"1\" = \"2\", \"1\" = \"3\"}\n", 2, "model.A.keys.1 is set twice"},
		{"dotted and header", "model.A.name = \"x\"\n[model.A]\nname = \"y\"\n", 3, "model.A.name is set twice (first on line 1)"},
		{"no equals", "cm109_model \"x\"\n", 1, "not valid TOML: expected '=' after key"},
		{"no value", "cm109_model =\n", 1, "not valid TOML: unexpected character"},
		{"trailing junk", "cm109_model = \"a\" b\n", 1, "not valid TOML: expected newline but got U+0062 'b'"},
		{"unterminated", "cm109_model = \"abc\n", 1, "basic strings cannot have new lines"},
		// A multi-line string is TOML, so it is read: its value is checked.
		{"multi-line string", "cm109_model = \"\"\"x\"\"\"\n", 1, `cm109_model = "x": not a CM109 model`},
		{"bad escape", "cm109_model = \"a\\q\"\n", 1, "invalid escape character U+0071 'q'"},
		{"bad unicode", "cm109_model = \"\\ud800\"\n", 1, "not a valid unicode code point"},
		{"dotted key", "device.name = \"x\"\n", 1, `unknown setting "device.name"`},
		{"dotted unknown", "[device.\"1:2\"]\nkeys.a.b = \"x\"\n", 2, `unknown setting "device.\"1:2\".keys.a.b"`},
		{"array of tables", "[[device]]\n", 1, "arrays of tables"},
		{"unknown table", "[phone]\n", 1, "unknown table [phone]"},
		{"device without id", "[device]\nname = \"x\"\n", 2, `unknown setting "device.name"`},
		{"bad id", "[device.\"0d8c\"]\n", 1, "want the USB ids as \"VID:PID\""},
		{"id not hex", "[device.\"0d8c:zz\"]\n", 1, "want the USB ids"},
		{"table twice", "[model.A]\nname = \"x\"\n[model.\"A\"]\n", 3, "defined twice (first on line 1)"},
		{"key twice", "[model.A]\nname = \"x\"\nname = \"y\"\n", 3, "model.A.name is set twice (first on line 2)"},
		{"bad from key", "[model.A.keys]\n\"HANGUP\" = \"NO\"\n", 2, `"HANGUP" is not a Phone API key name`},
		{"bad to key", "[model.A.keys]\n\"1\" = \"one\"\n", 2, `"one" is not a Phone API key name`},
		{"unknown device key", "[device.\"1:2\"]\nlabel = \"x\"\n", 2, `unknown setting "label"`},
		{"cm109 in model", "[model.A]\ncm109_model = \"kip1000\"\n", 2, "cm109_model belongs at the top"},
		{"empty cm109", "cm109_model = \"\"\n", 1, "cm109_model is empty"},
		{"unknown cm109 at the top", "# my phone\ncm109_model = \"kip2000\"\n", 2, `cm109_model = "kip2000": not a CM109 model handsetd knows (use one of atcom, gtalk, kip1000, usbph01)`},
		{"unknown cm109 in a device", "[device.\"0d8c:000e\"]\nname = \"X\"\ncm109_model = \"gtak\"\n", 3, `cm109_model = "gtak": not a CM109 model`},
		{"empty name", "[model.A]\nname = \"  \"\n", 2, "cannot be sent as a NAME line"},
		{"name with newline", "[model.A]\nname = \"a\\nb\"\n", 2, "cannot be sent as a NAME line"},
		{"bad key start", "[model.A.keys]\n# = \"1\"\n* = \"1\"\n", 3, "invalid character at start of key: U+002A '*'"},
		{"header junk", "[model.A] x\n", 1, "expected newline but got U+0078 'x'"},
		{"keys of keys", "[model.A.keys.more]\n", 1, "unknown table"},
		{"control char", "cm109_model = \"a\x01\"\n", 1, "control character"},
		{"bad utf8", "cm109_model = \"\xff\"\n", 1, "invalid UTF-8"},
		{"empty model", "[model.\"\"]\n", 1, "model name is empty"},
		{"label without ids", "[device.kitchen]\nname = \"x\"\n", 1, "or a label with ids"},
		{"ids not an array", "[device.kitchen]\nids = \"1:2\"\n", 2, "want a list of USB ids"},
		{"ids empty", "[device.kitchen]\nids = []\n", 2, "ids is empty"},
		{"ids bad id", "[device.kitchen]\nids = [\n  \"1:2\",\n  \"12345\",\n]\n", 4, `ids: "12345": want the USB ids`},
		{"ids not strings", "[device.kitchen]\nids = [1]\n", 2, "not a quoted"},
		{"id in two tables", "[device.\"0001:0002\"]\n[device.kitchen]\nids = [\"1:2\"]\n", 3, `0001:0002 is already set by [device."0001:0002"] (line 1)`},
		{"id table after ids", "[device.kitchen]\nids = [\"1:2\"]\n[device.\"1:2\"]\n", 3, `0001:0002 is already one of the ids of [device."kitchen"] (line 1)`},
		{"ids in a model", "[model.A]\nids = [\"1:2\"]\n", 2, "arrays are not supported"},
		{"ids in keys", "[device.\"1:2\".keys]\nids = [\"1:2\"]\n", 2, "arrays are not supported"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := Parse(strings.NewReader(c.in), "my.toml")
			var le *LineError
			if !errors.As(err, &le) {
				t.Fatalf("got %v, want a *LineError", err)
			}
			if le.Line != c.line || !strings.Contains(le.Msg, c.msg) || le.File != "my.toml" {
				t.Errorf("got %q, want my.toml line %d containing %q", err, c.line, c.msg)
			}
			if !errors.Is(err, ErrSyntax) || !strings.HasPrefix(err.Error(), "my.toml:") {
				t.Errorf("%v: not ErrSyntax or not FILE:LINE", err)
			}
		})
	}
}

// TestSeveralIDs proves that one [device] table applies to every USB id in
// its ids, whether the table is named by a label or by an id of its own, and
// that its .keys subtable (named the same way) goes with it.
func TestSeveralIDs(t *testing.T) {
	c, err := Parse(strings.NewReader(`
[device.cm109]
ids = ["0d8c:000e", "0d8c:000f"]
name = "CM109"
cm109_model = "gtalk"
[device.cm109.keys]
"UP" = "PAGEUP"

[device."6993:b001"]
ids = [
  "6993:b700",   # the P1KH too
]
name = "Yealink"
`), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		id         hid.Info
		name, cm   string
		remappedUp bool
	}{
		{hid.Info{VendorID: 0x0d8c, ProductID: 0x000e}, "CM109", "gtalk", true},
		{hid.Info{VendorID: 0x0d8c, ProductID: 0x000f}, "CM109", "gtalk", true},
		{hid.Info{VendorID: 0x0d8c, ProductID: 0x0008}, "", "", false},
		{hid.Info{VendorID: 0x6993, ProductID: 0xb001}, "Yealink", "", false},
		{hid.Info{VendorID: 0x6993, ProductID: 0xb700}, "Yealink", "", false},
	}
	for _, tc := range cases {
		o := c.Overrides(tc.id, "x")
		if o.Name != tc.name || (o.Keys["UP"] == "PAGEUP") != tc.remappedUp || c.CM109ModelFor(tc.id).Value != tc.cm {
			t.Errorf("%04x:%04x: overrides %+v, cm109 %q; want name %q, cm109 %q, UP remapped %v", tc.id.VendorID, tc.id.ProductID, o, c.CM109ModelFor(tc.id).Value, tc.name, tc.cm, tc.remappedUp)
		}
	}
}

// TestLocation proves where the config is looked for and that a missing
// default file is fine while a missing explicit one is an error.
func TestLocation(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		env  map[string]string
		want string
	}{
		{map[string]string{"XDG_CONFIG_HOME": "/x/cfg", "HOME": "/home/u"}, "/x/cfg/handsetd/config.toml"},
		{map[string]string{"XDG_CONFIG_HOME": "relative", "HOME": "/home/u"}, "/home/u/.config/handsetd/config.toml"},
		{map[string]string{"HOME": "/home/u"}, "/home/u/.config/handsetd/config.toml"},
	}
	for _, c := range cases {
		if got, err := DefaultPath(env(c.env)); err != nil || got != c.want {
			t.Errorf("%v: got %q %v, want %q", c.env, got, err, c.want)
		}
	}
	if _, err := DefaultPath(env(nil)); err == nil {
		t.Error("no HOME and no XDG_CONFIG_HOME: want an error")
	}
	missing := filepath.Join(t.TempDir(), "none.toml")
	if c, err := Load(missing, false); err != nil || !c.Overrides(hid.Info{}, "x").IsZero() {
		t.Errorf("missing default file: %v", err)
	}
	if _, err := Load(missing, true); err == nil || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("missing explicit file: %v, want not-exist", err)
	}
}

// telephonyDesc is a HID Telephony handset: report 1 holds Hook Switch
// (toggle switch) and the phone keys 1 and 2 as bits.
var telephonyDesc = []byte{
	0x05, 0x0b, 0x09, 0x01, 0xa1, 0x01, 0x85, 0x01,
	0x15, 0x00, 0x25, 0x01, 0x75, 0x01, 0x95, 0x01,
	0x09, 0x20, 0x81, 0x02, // Hook Switch, absolute
	0x95, 0x02, 0x09, 0xb1, 0x09, 0xb2, 0x81, 0x02, // Phone Key 1, 2
	0x95, 0x05, 0x81, 0x01, 0xc0,
}

// TestProfile proves the whole path: the config's profile decodes a real
// report with the key remapped and the name replaced.
func TestProfile(t *testing.T) {
	c, err := Parse(strings.NewReader("[device.\"1234:0001\"]\nname = \"Mine\"\n[device.\"1234:0001\".keys]\n\"1\" = \"YES\"\n\"2\" = \"\"\n"), "t.toml")
	if err != nil {
		t.Fatal(err)
	}
	p, err := c.Profile(hid.Info{VendorID: 0x1234, ProductID: 1, Product: "Phone"}, telephonyDesc)
	if err != nil {
		t.Fatal(err)
	}
	if p.Name() != "Mine" {
		t.Errorf("Name %q", p.Name())
	}
	evs, err := p.Decode([]byte{1, 0b110}) // keys 1 and 2 down
	if err != nil {
		t.Fatal(err)
	}
	want := []keymap.Event{{Kind: keymap.EventKey, Key: "YES", Pressed: true}}
	if !reflect.DeepEqual(evs, want) {
		t.Errorf("Decode = %v, want %v", evs, want)
	}
	// Another handset is untouched.
	p, err = c.Profile(hid.Info{VendorID: 1, ProductID: 1, Product: "Phone"}, telephonyDesc)
	if err != nil || p.Name() != "Phone" {
		t.Errorf("unrelated handset: %v %v", p, err)
	}
}

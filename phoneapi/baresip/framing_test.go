package baresip

import (
	"errors"
	"flag"
	"io"
	"strings"
	"testing"

	"github.com/handsetd/handsetd/internal/fuzzcorpus"
)

var update = flag.Bool("update", false, "rewrite the committed fuzz seed corpus")

// readAll reads frames until the stream ends, noting skipped ones as
// "!frame" and "!long".
func readAll(in string, max int) (got []string, end error) {
	fr := NewFrameReader(strings.NewReader(in), max)
	for {
		b, err := fr.ReadFrame()
		switch {
		case err == nil:
			got = append(got, string(b))
		case errors.Is(err, ErrFrame):
			got = append(got, "!frame")
		case errors.Is(err, ErrFrameTooLong):
			got = append(got, "!long")
		default:
			return got, err
		}
	}
}

// TestFrameReader proves well-formed netstrings come out whole, and that a
// malformed or over-long one is reported once and the reader goes on with
// the netstring after it.
func TestFrameReader(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   string
		max  int
		want []string
		end  error
	}{
		{"two", "3:abc,0:,", 0, []string{"abc", ""}, io.EOF},
		{"json", `17:{"response":true},`, 0, []string{`{"response":true}`}, io.EOF},
		{"no comma then good", "3:abcX,2:ok,", 0, []string{"!frame", "ok"}, io.EOF},
		{"garbage then good", "hello,2:ok,", 0, []string{"!frame", "ok"}, io.EOF},
		{"leading zero", "03:abc,2:ok,", 0, []string{"!frame", "ok"}, io.EOF},
		{"no length", ":,2:ok,", 0, []string{"!frame", "ok"}, io.EOF},
		{"too many digits", "1234567890:x,2:ok,", 0, []string{"!frame", "ok"}, io.EOF},
		{"over the limit", "5:abcde,2:ok,", 4, []string{"!long", "ok"}, io.EOF},
		{"over the limit, no comma", "5:abcdeX2:ok,", 4, []string{"!frame"}, io.EOF},
		{"cut in the length", "12", 0, nil, io.ErrUnexpectedEOF},
		{"cut in the payload", "5:ab", 0, nil, io.ErrUnexpectedEOF},
		{"cut before the comma", "2:ab", 0, nil, io.ErrUnexpectedEOF},
		{"garbage to the end", "xyz", 0, nil, io.ErrUnexpectedEOF},
		{"empty", "", 0, nil, io.EOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, end := readAll(tc.in, tc.max)
			if strings.Join(got, "|") != strings.Join(tc.want, "|") {
				t.Errorf("frames %q, want %q", got, tc.want)
			}
			if !errors.Is(end, tc.end) {
				t.Errorf("ended with %v, want %v", end, tc.end)
			}
		})
	}
}

// TestDecodeMessage proves responses and events decode as baresip 1.0.0
// sends them (captured from baresip-core 1.0.0 here), the quoted "true" of
// the module's doc comment is taken too, and anything else is ErrMessage.
func TestDecodeMessage(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want Message
		err  error
	}{
		{`{"response":true,"ok":true,"data":"\ncall muted\n","token":"t2"}`,
			Message{Response: true, OK: true, Data: "\ncall muted\n", Token: "t2"}, nil},
		{`{"response":true,"ok":false,"data":"command not found (bogus)\n","token":"t6"}`,
			Message{Response: true, Data: "command not found (bogus)\n", Token: "t6"}, nil},
		{`{"event":true,"type":"CALL_RINGING","class":"call","accountaor":"sip:a@127.0.0.1:15060","direction":"outgoing","peeruri":"sip:b@127.0.0.1:15070","id":"19ace4d75b76e456","param":"sip:b@127.0.0.1:15070"}`,
			Message{Event: true, Type: "CALL_RINGING", Class: "call", AccountAOR: "sip:a@127.0.0.1:15060",
				Direction: "outgoing", PeerURI: "sip:b@127.0.0.1:15070", ID: "19ace4d75b76e456", Param: "sip:b@127.0.0.1:15070"}, nil},
		{`{"event":"true","class":"call","type":"CALL_CLOSED","param":"Connection reset by peer","peerdisplayname":"Bob","id":"x"}`,
			Message{Event: true, Class: "call", Type: "CALL_CLOSED", Param: "Connection reset by peer", PeerDisplayName: "Bob", ID: "x"}, nil},
		{`{"event":true,"type":"CALL_RTCP","class":"call","rtcp_stats":{"tx":{"sent":0},"rtt":0}}`,
			Message{Event: true, Type: "CALL_RTCP", Class: "call"}, nil},
		{`{"hello":1}`, Message{}, ErrMessage},
		{`{"event":2}`, Message{}, ErrMessage},
		{`[1,2]`, Message{}, ErrMessage},
		{`{"event":true,`, Message{}, ErrMessage},
	} {
		got, err := DecodeMessage([]byte(tc.in))
		if !errors.Is(err, tc.err) || got != tc.want {
			t.Errorf("DecodeMessage(%s) = %+v, %v; want %+v, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

// TestEncodeCommand proves a command goes out as the JSON ctrl_tcp reads,
// in one netstring, without params or token when there are none.
func TestEncodeCommand(t *testing.T) {
	for _, tc := range []struct {
		cmd  Command
		want string
	}{
		{Command{Command: "dial", Params: "sip:bob@pbx.example", Token: "t1"},
			`62:{"command":"dial","params":"sip:bob@pbx.example","token":"t1"},`},
		{Command{Command: "hangup"}, `20:{"command":"hangup"},`},
	} {
		got, err := EncodeCommand(tc.cmd)
		if err != nil || string(got) != tc.want {
			t.Errorf("EncodeCommand(%+v) = %s, %v; want %s", tc.cmd, got, err, tc.want)
		}
	}
}

// streamSeeds are ctrl_tcp byte streams: real ones, and broken ones.
var streamSeeds = []string{
	`201:{"event":true,"type":"CALL_RINGING","class":"call","accountaor":"sip:a@127.0.0.1:15060","direction":"outgoing","peeruri":"sip:b@127.0.0.1:15070","id":"19ace4d75b76e456","param":"sip:b@127.0.0.1:15070"},`,
	`50:{"response":true,"ok":true,"data":"","token":"t1"},64:{"response":true,"ok":true,"data":"\ncall muted\n","token":"t2"},`,
	`15:{"event":"true"},`,
	"3:abcX,2:ok,",
	"03:abc,",
	"999999999:x",
	":,",
	"2:{},",
	"",
}

func streamSeedBytes() [][]byte {
	var out [][]byte
	for _, s := range streamSeeds {
		out = append(out, []byte(s))
	}
	return out
}

// TestStreamSeedCorpus keeps testdata/fuzz/FuzzReadMessages in step with
// streamSeeds (go test -run TestStreamSeedCorpus -update rewrites it).
func TestStreamSeedCorpus(t *testing.T) {
	fuzzcorpus.Check(t, "FuzzReadMessages", "TestStreamSeedCorpus", streamSeedBytes(), *update)
}

// FuzzReadMessages proves that no byte stream makes the ctrl_tcp reader
// panic, loop without consuming input, return an over-long payload, or end
// with an error the bridge would mistake for a skippable one at the end.
func FuzzReadMessages(f *testing.F) {
	for _, s := range streamSeedBytes() {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		const max = 256
		fr := NewFrameReader(strings.NewReader(string(in)), max)
		for i := 0; ; i++ {
			if i > len(in)+1 {
				t.Fatalf("more than %d results from %d bytes", i, len(in))
			}
			b, err := fr.ReadFrame()
			if err == nil {
				if len(b) > max {
					t.Fatalf("payload of %d bytes passed the %d limit", len(b), max)
				}
				if m, err := DecodeMessage(b); err == nil && !m.Response && !m.Event {
					t.Fatalf("decoded %q as neither response nor event", b)
				} else if err != nil && !Skippable(err) {
					t.Fatalf("decode error %v is not skippable", err)
				}
				continue
			}
			if Skippable(err) {
				continue
			}
			if !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
				t.Fatalf("stream ended with %v", err)
			}
			return
		}
	})
}

package audiotest

import (
	"encoding/binary"
	"errors"
	"fmt"
	"math"
	"os"
	"path/filepath"
)

// SystemALSAConfig is the distribution's top-level ALSA configuration, which
// a private configuration is appended to.
const SystemALSAConfig = "/usr/share/alsa/alsa.conf"

// FilePCM writes an ALSA configuration under dir that defines one PCM,
// named name, of type file: whatever is played to it is written to wavPath as
// a WAV file, through a null slave, so nothing is paced (blocking writes
// return at once). It returns the value for ALSA_CONFIG_PATH: the system's
// configuration followed by this one.
//
// PortAudio lists user-defined PCMs by name, but hides the ones called null,
// file, hw, plug and a few more, so pick another name.
func FilePCM(dir, name, wavPath string) (configPath string, err error) {
	if _, err := os.Stat(SystemALSAConfig); err != nil {
		return "", fmt.Errorf("ALSA's %s is missing (install libasound2-data): %w", SystemALSAConfig, err)
	}
	conf := filepath.Join(dir, "asoundrc")
	text := fmt.Sprintf("pcm.%s {\n\ttype file\n\tslave.pcm { type null }\n\tfile %q\n\tformat \"wav\"\n}\n", name, wavPath)
	if err := os.WriteFile(conf, []byte(text), 0o644); err != nil {
		return "", err
	}
	return SystemALSAConfig + ":" + conf, nil
}

// WAV is a decoded WAV file: interleaved samples scaled to -1..1.
type WAV struct {
	Rate     int
	Channels int
	Samples  []float32
}

// Mono returns the first channel.
func (w WAV) Mono() []float32 {
	out := make([]float32, 0, len(w.Samples)/max(w.Channels, 1))
	for i := 0; i+w.Channels <= len(w.Samples); i += w.Channels {
		out = append(out, w.Samples[i])
	}
	return out
}

// ReadWAV decodes 16- or 32-bit integer PCM or 32-bit float WAV data. The
// data chunk is read to the end of the file, because a stream that was still
// being written may not have its length filled in.
func ReadWAV(path string) (WAV, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return WAV{}, err
	}
	if len(b) < 12 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WAVE" {
		return WAV{}, errors.New("not a WAV file")
	}
	var w WAV
	var format, bits int
	p := 12
	for p+8 <= len(b) {
		id, size := string(b[p:p+4]), int(binary.LittleEndian.Uint32(b[p+4:p+8]))
		body := b[p+8:]
		switch id {
		case "fmt ":
			if len(body) < 16 {
				return WAV{}, errors.New("short fmt chunk")
			}
			format = int(binary.LittleEndian.Uint16(body[0:2]))
			w.Channels = int(binary.LittleEndian.Uint16(body[2:4]))
			w.Rate = int(binary.LittleEndian.Uint32(body[4:8]))
			bits = int(binary.LittleEndian.Uint16(body[14:16]))
		case "data":
			return w, w.decode(body, format, bits)
		}
		p += 8 + size + size%2
	}
	return WAV{}, errors.New("no data chunk")
}

func (w *WAV) decode(data []byte, format, bits int) error {
	switch {
	case format == 1 && bits == 16:
		for i := 0; i+2 <= len(data); i += 2 {
			w.Samples = append(w.Samples, float32(int16(binary.LittleEndian.Uint16(data[i:])))/32768)
		}
	case format == 1 && bits == 32:
		for i := 0; i+4 <= len(data); i += 4 {
			w.Samples = append(w.Samples, float32(float64(int32(binary.LittleEndian.Uint32(data[i:])))/2147483648))
		}
	case format == 3 && bits == 32:
		for i := 0; i+4 <= len(data); i += 4 {
			w.Samples = append(w.Samples, math.Float32frombits(binary.LittleEndian.Uint32(data[i:])))
		}
	default:
		return fmt.Errorf("unsupported WAV format %d with %d bits", format, bits)
	}
	return nil
}

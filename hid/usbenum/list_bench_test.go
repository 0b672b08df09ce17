package usbenum

import (
	"context"
	"testing"
)

// BenchmarkList measures one List of the legacy phones' ids: a libusb
// context started and stopped, and every USB device's descriptor read, as
// each hot-plug scan does. Where libusb cannot start it is skipped.
func BenchmarkList(b *testing.B) {
	want := func(v, p uint16) bool { return v == 0x6993 || v == 0x0d8c }
	if _, err := (Lister{}).List(context.Background(), want); err != nil {
		b.Skipf("libusb cannot start here: %v", err)
	}
	for b.Loop() {
		if _, err := (Lister{}).List(context.Background(), want); err != nil {
			b.Fatal(err)
		}
	}
}

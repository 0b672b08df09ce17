package hid

import (
	"errors"
	"fmt"
)

// Errors of field extraction. Compare with errors.Is.
var (
	// ErrShortReport means a report is shorter than its descriptor says.
	ErrShortReport = errors.New("hid: report shorter than its descriptor declares")
	// ErrWrongReport means the report's id byte is not the field's report id.
	ErrWrongReport = errors.New("hid: report id does not match the field")
	// ErrValueRange means an index or a value does not fit the field.
	ErrValueRange = errors.New("hid: value out of range for the field")
)

// Field is the run of values declared by one Input, Output or Feature item:
// Count values of BitSize bits each, starting BitOffset bits after the
// report's id byte.
//
// A variable field (Flags has FlagVariable) carries one value per usage:
// value i belongs to Usages[i], and the last usage repeats when there are
// fewer usages than values. An array field carries Count indexes, each
// naming the control that is currently active: value v selects
// Usages[v-LogicalMin], and a value outside the usage list means "none".
type Field struct {
	Kind     ReportKind
	ReportID uint8
	// BitOffset counts from the first data byte, after the id byte.
	BitOffset, BitSize, Count int
	Flags                     MainFlags
	// LogicalMin and LogicalMax bound the values; a negative LogicalMin
	// makes the values two's-complement signed. An unsigned 32-bit field
	// can hold values above math.MaxInt32: they read back as their bit
	// pattern.
	LogicalMin, LogicalMax   int32
	PhysicalMin, PhysicalMax int32
	Unit                     uint32
	UnitExponent             int32
	Usages                   []Usage
	// Collection is the innermost collection around the item, or nil.
	Collection *Collection
}

// IsArray reports whether the values are indexes into Usages.
func (f *Field) IsArray() bool { return f.Flags&FlagVariable == 0 }

// IsConstant reports whether the field is constant (usually padding).
func (f *Field) IsConstant() bool { return f.Flags&FlagConstant != 0 }

// IsRelative reports whether values are changes rather than levels.
func (f *Field) IsRelative() bool { return f.Flags&FlagRelative != 0 }

// HasPreferredState reports whether the control springs back to a rest
// state by itself (a push button), as opposed to staying where it is put.
func (f *Field) HasPreferredState() bool { return f.Flags&FlagNoPreferred == 0 }

// HasNullState reports whether an out-of-range value means "no value".
func (f *Field) HasNullState() bool { return f.Flags&FlagNullState != 0 }

// IsSigned reports whether values are signed (LogicalMin is negative).
func (f *Field) IsSigned() bool { return f.LogicalMin < 0 }

// Usage returns the usage of value i of a variable field; for an array it
// returns the i-th usage of the list. It is false when there is none.
func (f *Field) Usage(i int) (Usage, bool) {
	if len(f.Usages) == 0 || i < 0 {
		return 0, false
	}
	if i >= len(f.Usages) {
		if f.IsArray() {
			return 0, false
		}
		i = len(f.Usages) - 1
	}
	return f.Usages[i], true
}

// HasUsage reports whether u is among the field's usages.
func (f *Field) HasUsage(u Usage) bool {
	for _, x := range f.Usages {
		if x == u {
			return true
		}
	}
	return false
}

// UsageIndex returns the index of u in Usages, or -1.
func (f *Field) UsageIndex(u Usage) int {
	for i, x := range f.Usages {
		if x == u {
			return i
		}
	}
	return -1
}

func (f *Field) locate(report []byte, i int) (int, error) {
	if i < 0 || i >= f.Count {
		return 0, fmt.Errorf("value %d of a %d-value field: %w", i, f.Count, ErrValueRange)
	}
	if f.BitSize > 32 || f.BitSize <= 0 {
		return 0, fmt.Errorf("field values are %d bits wide, read the bytes instead: %w", f.BitSize, ErrValueRange)
	}
	if len(report) == 0 {
		return 0, fmt.Errorf("%s report %d: empty report: %w", f.Kind, f.ReportID, ErrShortReport)
	}
	if report[0] != f.ReportID {
		return 0, fmt.Errorf("%s report %d, got report %d: %w", f.Kind, f.ReportID, report[0], ErrWrongReport)
	}
	bit := f.BitOffset + i*f.BitSize
	if need := 1 + (bit+f.BitSize+7)/8; len(report) < need {
		return 0, fmt.Errorf("%s report %d is %d bytes, the field needs %d: %w", f.Kind, f.ReportID, len(report), need, ErrShortReport)
	}
	return bit, nil
}

// Value returns value i of the field from a report (id byte first),
// sign-extended when the field is signed.
func (f *Field) Value(report []byte, i int) (int32, error) {
	bit, err := f.locate(report, i)
	if err != nil {
		return 0, err
	}
	data := report[1:]
	var v uint64
	first, last := bit/8, (bit+f.BitSize-1)/8
	for j := last; j >= first; j-- {
		v = v<<8 | uint64(data[j])
	}
	v >>= uint(bit % 8)
	v &= 1<<uint(f.BitSize) - 1
	if f.IsSigned() && f.BitSize < 64 && v&(1<<uint(f.BitSize-1)) != 0 {
		v |= ^uint64(0) << uint(f.BitSize)
	}
	return int32(v), nil
}

// SetValue stores v as value i of the field in report (id byte first). The
// value must fit in BitSize bits (signed when the field is signed).
func (f *Field) SetValue(report []byte, i int, v int32) error {
	bit, err := f.locate(report, i)
	if err != nil {
		return err
	}
	if f.BitSize < 32 {
		if f.IsSigned() {
			lo, hi := -(int64(1) << (f.BitSize - 1)), int64(1)<<(f.BitSize-1)-1
			if int64(v) < lo || int64(v) > hi {
				return fmt.Errorf("%d does not fit a signed %d-bit value: %w", v, f.BitSize, ErrValueRange)
			}
		} else if v < 0 || int64(v) >= int64(1)<<f.BitSize {
			return fmt.Errorf("%d does not fit an unsigned %d-bit value: %w", v, f.BitSize, ErrValueRange)
		}
	}
	data := report[1:]
	mask := uint64(1)<<uint(f.BitSize) - 1
	val := uint64(uint32(v)) & mask
	for b := 0; b < f.BitSize; {
		pos := bit + b
		byteI, shift := pos/8, uint(pos%8)
		n := 8 - int(shift)
		if n > f.BitSize-b {
			n = f.BitSize - b
		}
		m := byte((1<<uint(n) - 1) << shift)
		data[byteI] = data[byteI]&^m | byte((val>>uint(b))<<shift)&m
		b += n
	}
	return nil
}

// UsageAt returns the usage that value i of the report stands for. For an
// array field it is the usage the index selects, false when the index is
// out of range (no control). For a variable field it is the usage of value
// i regardless of the value.
func (f *Field) UsageAt(report []byte, i int) (Usage, bool) {
	v, err := f.Value(report, i)
	if err != nil {
		return 0, false
	}
	if !f.IsArray() {
		return f.Usage(i)
	}
	idx := int64(v) - int64(f.LogicalMin)
	if idx < 0 || idx >= int64(len(f.Usages)) {
		return 0, false
	}
	return f.Usages[idx], true
}

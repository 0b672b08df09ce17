package main

import (
	"fmt"
	"strings"
)

// plot draws two panels as SVG: latency p50/p99 and CPU per event against
// the number of handsets.
func plot(rs []scaleResult) string {
	const (
		w, h   = 760, 320
		pw, ph = 300, 220 // panel plot area
		top    = 50
	)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" font-family="sans-serif" font-size="12">`+"\n", w, h)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="white"/>`+"\n", w, h)
	fmt.Fprintf(&b, `<text x="%d" y="20" text-anchor="middle" font-size="14">handsetd: simulated handsets in one process, key events at a fixed total rate</text>`+"\n", w/2)
	type series struct {
		name  string
		color string
		v     func(scaleResult) float64
	}
	panel := func(x0 int, title, unit string, ss []series) {
		maxv := 0.0
		for _, s := range ss {
			for _, r := range rs {
				maxv = max(maxv, s.v(r))
			}
		}
		if maxv == 0 {
			maxv = 1
		}
		maxv *= 1.15
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%s</text>`+"\n", x0+pw/2, top-10, title)
		fmt.Fprintf(&b, `<rect x="%d" y="%d" width="%d" height="%d" fill="none" stroke="#888"/>`+"\n", x0, top, pw, ph)
		for i := 0; i <= 4; i++ {
			y := top + ph - ph*i/4
			fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#eee"/><text x="%d" y="%d" text-anchor="end">%.0f</text>`+"\n",
				x0, y, x0+pw, y, x0-4, y+4, maxv*float64(i)/4)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle" transform="rotate(-90 %d %d)">%s</text>`+"\n", x0-40, top+ph/2, x0-40, top+ph/2, unit)
		xs := func(i int) int {
			if len(rs) == 1 {
				return x0 + pw/2
			}
			return x0 + 20 + (pw-40)*i/(len(rs)-1)
		}
		for i, r := range rs {
			fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">%d</text>`+"\n", xs(i), top+ph+16, r.handsets)
		}
		fmt.Fprintf(&b, `<text x="%d" y="%d" text-anchor="middle">handsets</text>`+"\n", x0+pw/2, top+ph+32)
		for k, s := range ss {
			var pts []string
			for i, r := range rs {
				y := float64(top+ph) - float64(ph)*s.v(r)/maxv
				pts = append(pts, fmt.Sprintf("%d,%.1f", xs(i), y))
				fmt.Fprintf(&b, `<circle cx="%d" cy="%.1f" r="3" fill="%s"/>`+"\n", xs(i), y, s.color)
			}
			fmt.Fprintf(&b, `<polyline points="%s" fill="none" stroke="%s" stroke-width="2"/>`+"\n", strings.Join(pts, " "), s.color)
			fmt.Fprintf(&b, `<text x="%d" y="%d" fill="%s">%s</text>`+"\n", x0+8, top+16+14*k, s.color, s.name)
		}
	}
	panel(70, "key → host latency", "µs", []series{
		{"p50", "#1f77b4", func(r scaleResult) float64 { return us(r.lat.p50()) }},
		{"p99", "#d62728", func(r scaleResult) float64 { return us(r.lat.p99()) }},
	})
	panel(440, "handsetd CPU per event", "µs", []series{
		{"CPU per event", "#2ca02c", func(r scaleResult) float64 { return us(r.cpuPerEvent()) }},
	})
	b.WriteString("</svg>\n")
	return b.String()
}

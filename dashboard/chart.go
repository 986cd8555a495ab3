package dashboard

import (
	"fmt"
	"html/template"
	"strings"
	"time"
)

// Point is one value of a time series.
type Point struct {
	At    time.Time
	Value int
}

// chartSize is the drawing area of a chart, in SVG user units.
const (
	chartWidth  = 640
	chartHeight = 200
	chartPad    = 32
)

// LineChart renders points (sorted by time) as an accessible inline SVG line
// chart: a title and description for screen readers, axes with the first and
// last date and the maximum, and no script. It is drawn on the server, so
// the page needs no JavaScript.
func LineChart(title string, points []Point) template.HTML {
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart" viewBox="0 0 %d %d" role="img" aria-labelledby="chart-title chart-desc" xmlns="http://www.w3.org/2000/svg">`,
		chartWidth, chartHeight)
	fmt.Fprintf(&b, `<title id="chart-title">%s</title>`, template.HTMLEscapeString(title))
	if len(points) == 0 {
		b.WriteString(`<desc id="chart-desc">No data yet.</desc><text x="50%" y="50%" text-anchor="middle">No data yet</text></svg>`)
		return template.HTML(b.String())
	}
	first, last := points[0], points[len(points)-1]
	maxV := 1
	for _, p := range points {
		maxV = max(maxV, p.Value)
	}
	fmt.Fprintf(&b, `<desc id="chart-desc">From %d on %s to %d on %s; highest %d.</desc>`,
		first.Value, first.At.Format("2 Jan 2006"), last.Value, last.At.Format("2 Jan 2006"), maxV)
	span := last.At.Sub(first.At)
	x := func(t time.Time) float64 {
		if span <= 0 {
			return chartWidth / 2
		}
		return chartPad + float64(t.Sub(first.At))/float64(span)*(chartWidth-2*chartPad)
	}
	y := func(v int) float64 { return chartHeight - chartPad - float64(v)/float64(maxV)*(chartHeight-2*chartPad) }
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, chartPad, chartHeight-chartPad, chartWidth-chartPad, chartHeight-chartPad)
	fmt.Fprintf(&b, `<line class="axis" x1="%d" y1="%d" x2="%d" y2="%d"/>`, chartPad, chartPad, chartPad, chartHeight-chartPad)
	b.WriteString(`<polyline class="line" points="`)
	for i, p := range points {
		if i > 0 {
			b.WriteByte(' ')
		}
		fmt.Fprintf(&b, "%.1f,%.1f", x(p.At), y(p.Value))
	}
	b.WriteString(`"/>`)
	fmt.Fprintf(&b, `<text class="label" x="%d" y="%d">%d</text>`, 4, chartPad+4, maxV)
	fmt.Fprintf(&b, `<text class="label" x="%d" y="%d">%s</text>`, chartPad, chartHeight-8, first.At.Format("2 Jan"))
	fmt.Fprintf(&b, `<text class="label" x="%d" y="%d" text-anchor="end">%s</text>`, chartWidth-chartPad, chartHeight-8, last.At.Format("2 Jan"))
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

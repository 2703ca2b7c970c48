package web

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/reliability"
)

// Charts are drawn here as SVG on the server: no script, no library, and
// every piece of text escaped. Each chart carries a <title> and an
// aria-label; the page puts the chart's number next to it.

// chartEsc escapes text for SVG's text nodes and attribute values.
func chartEsc(s string) string { return html.EscapeString(s) }

// chartNum writes a coordinate with at most one decimal.
func chartNum(v float64) string { return strconv.FormatFloat(math.Round(v*10)/10, 'f', -1, 64) }

// chartUptimeTier sorts a day into a class and a bar height (share of the full
// height). Height falls with uptime so that bad days stand out without
// colour; days without checks are a thin grey stub.
func chartUptimeTier(d reliability.DayUptime) (class string, height float64) {
	switch {
	case d.Uptime == nil && d.Maint > 0:
		return "ub-maint", 1
	case d.Uptime == nil:
		return "ub-none", 0.2
	case *d.Uptime >= 0.999:
		return "ub-ok", 1
	case *d.Uptime >= 0.99:
		return "ub-warn", 0.7
	}
	return "ub-bad", 0.4
}

// chartDayTitle says what one bar stands for, for hover and screen readers.
func chartDayTitle(d reliability.DayUptime) string {
	var b strings.Builder
	b.WriteString(d.Date)
	b.WriteString(": ")
	switch {
	case d.Uptime != nil:
		b.WriteString(chartUptimeText(d.Uptime))
		b.WriteString(" up, ")
		total := d.Good + d.Bad
		if d.Bad == 0 {
			fmt.Fprintf(&b, "all %s checks good", thousands(int(total)))
		} else {
			fmt.Fprintf(&b, "%s of %s checks failed", thousands(int(d.Bad)), thousands(int(total)))
		}
	case d.Maint > 0:
		b.WriteString("in maintenance all day")
	default:
		b.WriteString("no checks")
	}
	if d.Maint > 0 && d.Uptime != nil {
		fmt.Fprintf(&b, "; %s checks during maintenance", thousands(int(d.Maint)))
	}
	return b.String()
}

// chartUptimeBars draws one bar per day. Compact bars fit a table cell; the
// full size shows a marker above days with maintenance and a legend.
func chartUptimeBars(days []reliability.DayUptime, compact bool) template.HTML {
	barW, gap, barH, markH := 6.0, 2.0, 34.0, 6.0
	if compact {
		barW, gap, barH, markH = 4, 1, 18, 3
	}
	n := len(days)
	width := float64(n)*(barW+gap) - gap
	if n == 0 {
		width = barW
	}
	height := markH + barH
	var good, bad, maintDays int64
	for _, d := range days {
		good, bad = good+d.Good, bad+d.Bad
		if d.Maint > 0 {
			maintDays++
		}
	}
	label := fmt.Sprintf("Uptime per day over %d days: %s", n, chartUptimeText(chartUptimeOf(good, bad)))
	cls := "chart uptime-bars"
	if compact {
		cls += " compact"
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="%s" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" preserveAspectRatio="none" role="img" aria-label="%s">`,
		cls, chartNum(width), chartNum(height), chartEsc(label))
	fmt.Fprintf(&b, `<title>%s</title>`, chartEsc(label))
	for i, d := range days {
		class, h := chartUptimeTier(d)
		x := float64(i) * (barW + gap)
		bh := barH * h
		fmt.Fprintf(&b, `<rect class="ub %s" x="%s" y="%s" width="%s" height="%s"><title>%s</title></rect>`,
			class, chartNum(x), chartNum(height-bh), chartNum(barW), chartNum(bh), chartEsc(chartDayTitle(d)))
		if d.Maint > 0 && class != "ub-maint" {
			fmt.Fprintf(&b, `<rect class="ub-mark" x="%s" y="0" width="%s" height="%s"><title>%s</title></rect>`,
				chartNum(x), chartNum(barW), chartNum(markH-1), chartEsc(d.Date+": maintenance"))
		}
	}
	b.WriteString(`</svg>`)
	if !compact {
		b.WriteString(`<p class="chart-legend small-text"><span class="key ub-ok"></span> 99.9% or more <span class="key ub-warn"></span> 99–99.9% (shorter) <span class="key ub-bad"></span> under 99% (shortest) <span class="key ub-maint"></span> maintenance (marked above) <span class="key ub-none"></span> no checks`)
		if n > 0 {
			fmt.Fprintf(&b, ` · %s to %s`, chartEsc(days[0].Date), chartEsc(days[n-1].Date))
		}
		b.WriteString(`</p>`)
	}
	return template.HTML(b.String())
}

func chartUptimeOf(good, bad int64) *float64 {
	if good+bad == 0 {
		return nil
	}
	u := float64(good) / float64(good+bad)
	return &u
}

// chartUptimeText shows an uptime share as a percentage, rounded down so that a
// monitor with one failure never reads 100%.
func chartUptimeText(u *float64) string {
	if u == nil {
		return "no checks"
	}
	if *u >= 1 {
		return "100%"
	}
	return strconv.FormatFloat(math.Floor(*u*10000)/100, 'f', 2, 64) + "%"
}

// chartPoint is one value of a series; Missing leaves a gap.
type chartPoint struct {
	At      time.Time
	Value   float64
	Missing bool
}

// chartSeries is one line of a chart; Class names its colour in the CSS.
type chartSeries struct {
	Name   string
	Class  string
	Points []chartPoint
}

// chartRule is a horizontal line across a chart: a target, a threshold or
// the zero of an error budget.
type chartRule struct {
	Value float64
	Label string
}

// chartLine is a time-series chart with labelled axes.
type chartLine struct {
	Title    string
	From, To time.Time
	Series   []chartSeries
	Rules    []chartRule
	// Unit formats values on the y axis ("120 ms", "50%").
	Unit func(float64) string
	// MinY and MaxY widen the y range to include them (the data may widen
	// it further).
	MinY, MaxY float64
	// Width in SVG units, 640 by default; a narrower chart in a narrow box
	// keeps its text legible.
	Width float64
	// Empty says why there is no line, when no series has a point.
	Empty string
}

// Chart geometry, in SVG user units; the CSS scales charts to their box.
const (
	chartW, chartH                       = 640.0, 220.0
	padLeft, padRight, padTop, padBottom = 62.0, 14.0, 30.0, 24.0
	plotH                                = chartH - padTop - padBottom
	targetYTicks                         = 4
	sparkW, sparkH, sparkPad             = 100.0, 24.0, 2.0
)

// chartNiceStep rounds a rough tick step to 1, 2 or 5 times a power of ten.
func chartNiceStep(rough float64) float64 {
	if rough <= 0 || math.IsNaN(rough) || math.IsInf(rough, 0) {
		return 1
	}
	p := math.Pow(10, math.Floor(math.Log10(rough)))
	switch f := rough / p; {
	case f <= 1:
		return p
	case f <= 2:
		return 2 * p
	case f <= 5:
		return 5 * p
	}
	return 10 * p
}

// chartTimeSteps are the spacings tried for x-axis labels, shortest first.
var chartTimeSteps = []time.Duration{
	time.Hour, 2 * time.Hour, 3 * time.Hour, 6 * time.Hour, 12 * time.Hour,
	24 * time.Hour, 2 * 24 * time.Hour, 7 * 24 * time.Hour, 14 * 24 * time.Hour, 30 * 24 * time.Hour,
}

// chartXTicks chooses at most maxTicks label times on whole steps between
// from and to.
func chartXTicks(from, to time.Time, maxTicks int) []time.Time {
	span := to.Sub(from)
	step := chartTimeSteps[len(chartTimeSteps)-1]
	for _, s := range chartTimeSteps {
		if span/s <= time.Duration(maxTicks-1) {
			step = s
			break
		}
	}
	var out []time.Time
	for t := from.UTC().Truncate(step); !t.After(to); t = t.Add(step) {
		if !t.Before(from) {
			out = append(out, t)
		}
	}
	return out
}

func chartTimeLabel(t time.Time, span time.Duration) string {
	if span <= 48*time.Hour {
		return t.UTC().Format("15:04")
	}
	return t.UTC().Format("Jan 2")
}

// SVG draws the chart.
func (c chartLine) SVG() template.HTML {
	lo, hi := c.MinY, c.MaxY
	hasData := false
	for _, s := range c.Series {
		for _, p := range s.Points {
			if p.Missing || math.IsNaN(p.Value) {
				continue
			}
			hasData = true
			lo, hi = math.Min(lo, p.Value), math.Max(hi, p.Value)
		}
	}
	for _, r := range c.Rules {
		lo, hi = math.Min(lo, r.Value), math.Max(hi, r.Value)
	}
	if hi <= lo {
		hi = lo + 1
	}
	step := chartNiceStep((hi - lo) / targetYTicks)
	lo, hi = math.Floor(lo/step)*step, math.Ceil(hi/step)*step
	unit := c.Unit
	if unit == nil {
		unit = func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
	}
	from, to := c.From, c.To
	if !to.After(from) {
		to = from.Add(time.Hour)
	}
	span := to.Sub(from)
	chartW := c.Width
	if chartW <= 0 {
		chartW = 640
	}
	plotW := chartW - padLeft - padRight
	x := func(t time.Time) float64 { return padLeft + plotW*float64(t.Sub(from))/float64(span) }
	y := func(v float64) float64 { return padTop + plotH*(1-(v-lo)/(hi-lo)) }

	var b strings.Builder
	label := c.Title
	if !hasData {
		label += ": no data"
	}
	fmt.Fprintf(&b, `<svg class="chart line-chart" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" role="img" aria-label="%s">`,
		chartNum(chartW), chartNum(chartH), chartEsc(label))
	fmt.Fprintf(&b, `<title>%s</title>`, chartEsc(label))
	fmt.Fprintf(&b, `<text class="chart-title" x="%s" y="14">%s</text>`, chartNum(padLeft), chartEsc(c.Title))
	// Legend, right-aligned on the title line.
	lx := chartW - padRight
	for i := len(c.Series) - 1; i >= 0; i-- {
		s := c.Series[i]
		w := 7*float64(len([]rune(s.Name))) + 22
		lx -= w
		fmt.Fprintf(&b, `<g class="legend %s"><line x1="%s" y1="10" x2="%s" y2="10"/><text x="%s" y="14">%s</text></g>`,
			chartEsc(s.Class), chartNum(lx), chartNum(lx+14), chartNum(lx+18), chartEsc(s.Name))
	}
	// Y grid and labels.
	for i := 0; lo+float64(i)*step <= hi+step/2; i++ {
		v := lo + float64(i)*step
		yy := y(v)
		fmt.Fprintf(&b, `<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s"/>`, chartNum(padLeft), chartNum(yy), chartNum(chartW-padRight), chartNum(yy))
		fmt.Fprintf(&b, `<text class="axis" x="%s" y="%s" text-anchor="end">%s</text>`, chartNum(padLeft-6), chartNum(yy+4), chartEsc(unit(v)))
	}
	// X labels.
	for _, t := range chartXTicks(from, to, int(plotW/70)) {
		xx := x(t)
		fmt.Fprintf(&b, `<line class="tick" x1="%s" y1="%s" x2="%s" y2="%s"/>`, chartNum(xx), chartNum(padTop+plotH), chartNum(xx), chartNum(padTop+plotH+4))
		fmt.Fprintf(&b, `<text class="axis" x="%s" y="%s" text-anchor="middle">%s</text>`, chartNum(xx), chartNum(chartH-6), chartEsc(chartTimeLabel(t, span)))
	}
	fmt.Fprintf(&b, `<line class="axis-line" x1="%s" y1="%s" x2="%s" y2="%s"/>`, chartNum(padLeft), chartNum(padTop+plotH), chartNum(chartW-padRight), chartNum(padTop+plotH))
	// Rules: drawn under the lines, labelled at the right.
	for _, r := range c.Rules {
		yy := y(r.Value)
		fmt.Fprintf(&b, `<line class="rule" x1="%s" y1="%s" x2="%s" y2="%s"/>`, chartNum(padLeft), chartNum(yy), chartNum(chartW-padRight), chartNum(yy))
		fmt.Fprintf(&b, `<text class="rule-label" x="%s" y="%s" text-anchor="end">%s</text>`, chartNum(chartW-padRight-2), chartNum(yy-4), chartEsc(r.Label))
	}
	// Lines, broken where points are missing; a lone point is a dot.
	for _, s := range c.Series {
		fmt.Fprintf(&b, `<g class="series %s">`, chartEsc(s.Class))
		var seg []string
		flush := func() {
			switch len(seg) {
			case 0:
			case 1:
				xy := strings.SplitN(seg[0], ",", 2)
				fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="2"/>`, xy[0], xy[1])
			default:
				fmt.Fprintf(&b, `<polyline points="%s"/>`, strings.Join(seg, " "))
			}
			seg = seg[:0]
		}
		for _, p := range s.Points {
			if p.Missing || math.IsNaN(p.Value) {
				flush()
				continue
			}
			seg = append(seg, chartNum(x(p.At))+","+chartNum(y(p.Value)))
		}
		flush()
		b.WriteString(`</g>`)
	}
	if !hasData {
		empty := c.Empty
		if empty == "" {
			empty = "No data in this range"
		}
		fmt.Fprintf(&b, `<text class="chart-empty" x="%s" y="%s" text-anchor="middle">%s</text>`, chartNum(padLeft+plotW/2), chartNum(padTop+plotH/2), chartEsc(empty))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// chartSparkline draws values as a small line with the last one dotted; NaN
// leaves a gap. label says what it shows, for screen readers.
func chartSparkline(values []float64, label string) template.HTML {
	lo, hi := math.Inf(1), math.Inf(-1)
	for _, v := range values {
		if !math.IsNaN(v) {
			lo, hi = math.Min(lo, v), math.Max(hi, v)
		}
	}
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart sparkline" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" role="img" aria-label="%s"><title>%s</title>`,
		chartNum(sparkW), chartNum(sparkH), chartEsc(label), chartEsc(label))
	if math.IsInf(lo, 1) {
		fmt.Fprintf(&b, `<line class="spark-none" x1="0" y1="%s" x2="%s" y2="%s"/></svg>`, chartNum(sparkH/2), chartNum(sparkW), chartNum(sparkH/2))
		return template.HTML(b.String())
	}
	if hi == lo {
		lo, hi = lo-1, hi+1
	}
	n := len(values)
	x := func(i int) float64 {
		if n == 1 {
			return sparkW / 2
		}
		return sparkPad + (sparkW-2*sparkPad)*float64(i)/float64(n-1)
	}
	y := func(v float64) float64 { return sparkPad + (sparkH-2*sparkPad)*(1-(v-lo)/(hi-lo)) }
	var seg []string
	flush := func() {
		if len(seg) > 1 {
			fmt.Fprintf(&b, `<polyline points="%s"/>`, strings.Join(seg, " "))
		}
		seg = seg[:0]
	}
	last := -1
	for i, v := range values {
		if math.IsNaN(v) {
			flush()
			continue
		}
		seg = append(seg, chartNum(x(i))+","+chartNum(y(v)))
		last = i
	}
	flush()
	if last >= 0 {
		fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="2"/>`, chartNum(x(last)), chartNum(y(values[last])))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// chartMS shows a latency in milliseconds, or seconds from 10 s on.
func chartMS(v float64) string {
	switch {
	case v >= 10000:
		return strconv.FormatFloat(v/1000, 'f', 0, 64) + " s"
	case v >= 1000:
		return strconv.FormatFloat(v/1000, 'f', 1, 64) + " s"
	case v > 0 && v < 10:
		return strconv.FormatFloat(v, 'f', 1, 64) + " ms"
	}
	return strconv.FormatFloat(v, 'f', 0, 64) + " ms"
}

// chartPct shows a share (1 = 100%) as a percentage for an axis.
func chartPct(v float64) string {
	return strconv.FormatFloat(math.Round(v*1000)/10, 'f', -1, 64) + "%"
}

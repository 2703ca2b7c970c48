package web

import (
	"fmt"
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/delivery"
)

// The delivery charts: deployments per week as bars, lead time and change
// failure rate per week as lines (chartLine), and a pull request's way
// through review as one stacked bar. Like the other charts they are SVG
// drawn here, with a title, an aria-label and the number beside them on
// the page.

// dlvChartW is the width of the weekly charts, which sit three abreast:
// about the width they are drawn at, so that their text stays legible.
const dlvChartW = 320.0

// dlvWeekLabel names a week by its first day.
func dlvWeekLabel(k delivery.Keys) string {
	s := "week of " + k.WindowStart.UTC().Format("Jan 2")
	if k.WindowEnd.Sub(k.WindowStart) < 7*24*time.Hour-time.Second {
		s += " (part)"
	}
	return s
}

// dlvWeeklyBars draws deployments per week as bars with a y axis.
func dlvWeeklyBars(weeks []delivery.Keys, title string) template.HTML {
	const w, h = dlvChartW, 220.0
	plotW, plotH := w-padLeft-padRight, h-padTop-padBottom
	hi := 0
	total := 0
	for _, k := range weeks {
		hi = max(hi, k.Deployments)
		total += k.Deployments
	}
	step := chartNiceStep(float64(max(hi, 1)) / targetYTicks)
	step = math.Max(1, math.Round(step))
	top := math.Max(step, math.Ceil(float64(hi)/step)*step)
	y := func(v float64) float64 { return padTop + plotH*(1-v/top) }
	label := fmt.Sprintf("%s: %s deployments over %d weeks", title, thousands(total), len(weeks))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart line-chart dlv-bars" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" role="img" aria-label="%s">`,
		chartNum(w), chartNum(h), chartEsc(label))
	fmt.Fprintf(&b, `<title>%s</title>`, chartEsc(label))
	fmt.Fprintf(&b, `<text class="chart-title" x="%s" y="14">%s</text>`, chartNum(padLeft), chartEsc(title))
	for v := 0.0; v <= top+step/2; v += step {
		yy := y(v)
		fmt.Fprintf(&b, `<line class="grid" x1="%s" y1="%s" x2="%s" y2="%s"/>`, chartNum(padLeft), chartNum(yy), chartNum(w-padRight), chartNum(yy))
		fmt.Fprintf(&b, `<text class="axis" x="%s" y="%s" text-anchor="end">%s</text>`, chartNum(padLeft-6), chartNum(yy+4), strconv.Itoa(int(v)))
	}
	n := max(len(weeks), 1)
	slot := plotW / float64(n)
	barW := math.Max(1, slot*0.7)
	// Label at most about six weeks so the dates do not collide.
	every := max(1, (n+5)/6)
	for i, k := range weeks {
		x := padLeft + slot*float64(i) + (slot-barW)/2
		bh := plotH * float64(k.Deployments) / top
		fmt.Fprintf(&b, `<rect class="dlv-bar" x="%s" y="%s" width="%s" height="%s"><title>%s</title></rect>`,
			chartNum(x), chartNum(padTop+plotH-bh), chartNum(barW), chartNum(bh),
			chartEsc(fmt.Sprintf("%s: %d deployment%s", dlvWeekLabel(k), k.Deployments, dlvPlural(k.Deployments))))
		if i%every == 0 {
			fmt.Fprintf(&b, `<text class="axis" x="%s" y="%s" text-anchor="middle">%s</text>`,
				chartNum(x+barW/2), chartNum(h-6), chartEsc(k.WindowStart.UTC().Format("Jan 2")))
		}
	}
	fmt.Fprintf(&b, `<line class="axis-line" x1="%s" y1="%s" x2="%s" y2="%s"/>`, chartNum(padLeft), chartNum(padTop+plotH), chartNum(w-padRight), chartNum(padTop+plotH))
	if total == 0 {
		fmt.Fprintf(&b, `<text class="chart-empty" x="%s" y="%s" text-anchor="middle">No production deployments</text>`, chartNum(padLeft+plotW/2), chartNum(padTop+plotH/2))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

func dlvPlural(n int) string {
	if n == 1 {
		return ""
	}
	return "s"
}

// dlvWeekPoints turns one measure of each week into chart points at the
// middle of the week; weeks without a value leave a gap.
func dlvWeekPoints(weeks []delivery.Keys, value func(delivery.Keys) *float64, scale float64) []chartPoint {
	out := make([]chartPoint, 0, len(weeks))
	for _, k := range weeks {
		p := chartPoint{At: k.WindowStart.Add(k.WindowEnd.Sub(k.WindowStart) / 2), Missing: true}
		if v := value(k); v != nil {
			p.Value, p.Missing = *v/scale, false
		}
		out = append(out, p)
	}
	return out
}

// dlvTimeUnit picks minutes, hours or days for a chart of durations in
// seconds whose largest value is top.
func dlvTimeUnit(top float64) (scale float64, unit string) {
	switch {
	case top < 2*3600:
		return 60, "min"
	case top < 72*3600:
		return 3600, "h"
	}
	return 86400, "d"
}

// dlvLeadChart draws the weekly lead time p50.
func dlvLeadChart(w delivery.Window, weeks []delivery.Keys) template.HTML {
	top := 0.0
	for _, k := range weeks {
		if k.LeadTimeP50 != nil {
			top = math.Max(top, *k.LeadTimeP50)
		}
	}
	scale, unit := dlvTimeUnit(top)
	return chartLine{
		Title: "Lead time p50 per week", From: w.Start, To: w.End, Width: dlvChartW,
		Series: []chartSeries{{Name: "p50", Class: "line-p50", Points: dlvWeekPoints(weeks, func(k delivery.Keys) *float64 { return k.LeadTimeP50 }, scale)}},
		Unit:   func(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) + " " + unit },
		Empty:  "No changes measured",
	}.SVG()
}

// dlvFailureChart draws the weekly change failure rate.
func dlvFailureChart(w delivery.Window, weeks []delivery.Keys) template.HTML {
	return chartLine{
		Title: "Failure rate per week", From: w.Start, To: w.End, Width: dlvChartW, MaxY: 0.1,
		Series: []chartSeries{{Name: "rate", Class: "line-p50", Points: dlvWeekPoints(weeks, func(k delivery.Keys) *float64 { return k.FailureRate }, 1)}},
		Unit:   chartPct,
		Empty:  "No production deployments",
	}.SVG()
}

// dlvSparkline is deployments per week, small, for the entity page.
func dlvSparkline(weeks []delivery.Keys) template.HTML {
	vs := make([]float64, len(weeks))
	total := 0
	for i, k := range weeks {
		vs[i] = float64(k.Deployments)
		total += k.Deployments
	}
	return chartSparkline(vs, fmt.Sprintf("Production deployments per week over %d weeks: %s in all", len(weeks), thousands(total)))
}

// dlvPhase is one phase of the cycle time for the stacked bar.
type dlvPhase struct {
	Key, Label, Help string
	P50              *float64
	Count            int
}

// dlvPhases lists the cycle time's phases in the order a pull request
// goes through them.
func dlvPhases(ct delivery.CycleTime) []dlvPhase {
	return []dlvPhase{
		{"coding", "Coding", "first commit to opening", ct.CodingP50, ct.Coding},
		{"pickup", "Pickup", "opening to first review", ct.PickupP50, ct.Pickup},
		{"review", "Review", "first review to merge", ct.ReviewP50, ct.Review},
		{"deploy", "Deploy", "merge to production", ct.DeployP50, ct.Deploy},
	}
}

// dlvCycleBar draws the phases' medians as one horizontal bar cut into
// segments, each as long as its median; unmeasured phases take no room.
func dlvCycleBar(phases []dlvPhase) template.HTML {
	const w, h = 640.0, 28.0
	sum := 0.0
	for _, p := range phases {
		if p.P50 != nil {
			sum += *p.P50
		}
	}
	parts := make([]string, 0, len(phases))
	for _, p := range phases {
		parts = append(parts, p.Label+" "+dlvDuration(p.P50))
	}
	label := "Pull request cycle time, median of each phase: " + strings.Join(parts, ", ")
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="chart dlv-cycle" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %s %s" preserveAspectRatio="none" role="img" aria-label="%s"><title>%s</title>`,
		chartNum(w), chartNum(h), chartEsc(label), chartEsc(label))
	fmt.Fprintf(&b, `<rect class="dlv-cycle-bg" x="0" y="0" width="%s" height="%s"/>`, chartNum(w), chartNum(h))
	x := 0.0
	for _, p := range phases {
		if p.P50 == nil || sum == 0 {
			continue
		}
		sw := w * *p.P50 / sum
		fmt.Fprintf(&b, `<rect class="dlv-phase dlv-phase-%s" x="%s" y="0" width="%s" height="%s"><title>%s</title></rect>`,
			p.Key, chartNum(x), chartNum(sw), chartNum(h), chartEsc(p.Label+" ("+p.Help+"): "+dlvDuration(p.P50)))
		x += sw
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

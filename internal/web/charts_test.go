package web

import (
	"encoding/xml"
	"io"
	"math"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/reliability"
)

// chartDoc is what a test reads back from a chart: every element by name,
// the text inside <text> and <title> elements, and the class of each rect.
type chartDoc struct {
	elements map[string]int
	texts    []string
	titles   []string
	rects    []map[string]string
}

// chartParseSVG fails the test unless s is well-formed XML with an <svg> root.
func chartParseSVG(t *testing.T, s string) chartDoc {
	t.Helper()
	doc := chartDoc{elements: map[string]int{}}
	dec := xml.NewDecoder(strings.NewReader(s))
	var stack []string
	root := ""
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("chart is not well-formed XML: %v\n%s", err, s)
		}
		switch el := tok.(type) {
		case xml.StartElement:
			if root == "" {
				root = el.Name.Local
			}
			stack = append(stack, el.Name.Local)
			doc.elements[el.Name.Local]++
			if el.Name.Local == "rect" {
				attrs := map[string]string{}
				for _, a := range el.Attr {
					attrs[a.Name.Local] = a.Value
				}
				doc.rects = append(doc.rects, attrs)
			}
		case xml.EndElement:
			stack = stack[:len(stack)-1]
		case xml.CharData:
			if len(stack) == 0 {
				continue
			}
			switch stack[len(stack)-1] {
			case "text":
				doc.texts = append(doc.texts, string(el))
			case "title":
				doc.titles = append(doc.titles, string(el))
			}
		}
	}
	if root != "svg" {
		t.Fatalf("root element is %q, want svg", root)
	}
	return doc
}

func chartShare(v float64) *float64 { return &v }

// chartSVGOnly cuts the legend paragraph that follows a full-size uptime chart.
func chartSVGOnly(s string) string {
	if i := strings.Index(s, "</svg>"); i >= 0 {
		return s[:i+len("</svg>")]
	}
	return s
}

func TestUptimeBars(t *testing.T) {
	days := []reliability.DayUptime{
		{Date: "2026-03-01", Uptime: chartShare(1), Good: 1440},
		{Date: "2026-03-02", Uptime: chartShare(0.995), Good: 1433, Bad: 7},
		{Date: "2026-03-03", Uptime: chartShare(0.5), Good: 720, Bad: 720},
		{Date: "2026-03-04"},
		{Date: "2026-03-05", Maint: 60},
		{Date: "2026-03-06", Uptime: chartShare(1), Good: 1380, Maint: 60},
	}
	for _, tc := range []struct {
		name    string
		compact bool
	}{{"full", false}, {"compact", true}} {
		t.Run(tc.name, func(t *testing.T) {
			out := string(chartUptimeBars(days, tc.compact))
			doc := chartParseSVG(t, chartSVGOnly(out))
			var bars []map[string]string
			marks := 0
			for _, r := range doc.rects {
				switch {
				case strings.Contains(r["class"], "ub-mark"):
					marks++
				case strings.HasPrefix(r["class"], "ub "):
					bars = append(bars, r)
				}
			}
			if len(bars) != len(days) {
				t.Fatalf("got %d bars, want %d", len(bars), len(days))
			}
			wantClass := []string{"ub-ok", "ub-warn", "ub-bad", "ub-none", "ub-maint", "ub-ok"}
			for i, b := range bars {
				if !strings.Contains(b["class"], wantClass[i]) {
					t.Errorf("bar %d: got class %q, want %s", i, b["class"], wantClass[i])
				}
			}
			// Worse days are shorter, so they differ in shape, not colour only.
			if !(chartHeight(t, bars[0]) > chartHeight(t, bars[1]) && chartHeight(t, bars[1]) > chartHeight(t, bars[2])) {
				t.Errorf("bar heights %s, %s, %s: want falling with uptime", bars[0]["height"], bars[1]["height"], bars[2]["height"])
			}
			if marks != 1 {
				t.Errorf("got %d maintenance marks, want 1 (the day with both checks and maintenance)", marks)
			}
			for _, want := range []string{
				"2026-03-01: 100% up, all 1,440 checks good",
				"2026-03-02: 99.50% up, 7 of 1,440 checks failed",
				"2026-03-04: no checks",
				"2026-03-05: in maintenance all day",
				"2026-03-06: 100% up, all 1,380 checks good; 60 checks during maintenance",
			} {
				if !chartHas(doc.titles, want) {
					t.Errorf("no bar titled %q; titles: %q", want, doc.titles)
				}
			}
			if !strings.Contains(doc.titles[0], "over 6 days: 87.24%") {
				t.Errorf("chart title %q does not give the uptime over the span", doc.titles[0])
			}
			if hasLegend := strings.Contains(out, "chart-legend"); hasLegend == tc.compact {
				t.Errorf("legend shown: %v, want %v", hasLegend, !tc.compact)
			}
		})
	}
}

func chartHeight(t *testing.T, attrs map[string]string) float64 {
	t.Helper()
	h, err := strconv.ParseFloat(attrs["height"], 64)
	if err != nil {
		t.Fatalf("height %q: %v", attrs["height"], err)
	}
	return h
}

func chartHas(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func TestUptimeBarsEmpty(t *testing.T) {
	doc := chartParseSVG(t, chartSVGOnly(string(chartUptimeBars(nil, false))))
	if n := len(doc.rects); n != 0 {
		t.Errorf("got %d rects, want 0", n)
	}
	if !strings.Contains(doc.titles[0], "no checks") {
		t.Errorf("title %q: want it to say there were no checks", doc.titles[0])
	}
}

func TestUptimeText(t *testing.T) {
	for _, tc := range []struct {
		in   *float64
		want string
	}{
		{nil, "no checks"},
		{chartShare(1), "100%"},
		{chartShare(0.99999), "99.99%"}, // rounded down: one failure never reads 100%
		{chartShare(0.5), "50.00%"},
		{chartShare(0), "0.00%"},
	} {
		if got := chartUptimeText(tc.in); got != tc.want {
			t.Errorf("got %q, want %q", got, tc.want)
		}
	}
}

func TestLineChart(t *testing.T) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	var p50, p95 chartSeries
	p50 = chartSeries{Name: "p50", Class: "line-p50"}
	p95 = chartSeries{Name: "p95 <&>", Class: "line-p95"}
	for i := 0; i < 24; i++ {
		at := from.Add(time.Duration(i) * time.Hour)
		missing := i == 10
		p50.Points = append(p50.Points, chartPoint{At: at, Value: 40 + float64(i), Missing: missing})
		p95.Points = append(p95.Points, chartPoint{At: at, Value: 120 + float64(i), Missing: missing})
	}
	c := chartLine{Title: `Response time "per hour" <script>`, From: from, To: from.Add(24 * time.Hour),
		Series: []chartSeries{p50, p95}, Rules: []chartRule{{Value: 300, Label: "SLO <300 ms>"}}, Unit: chartMS}
	out := string(c.SVG())
	if strings.Contains(out, "<script>") || strings.Contains(out, "p95 <&>") {
		t.Fatalf("text is not escaped:\n%s", out)
	}
	doc := chartParseSVG(t, out)
	// A gap at hour 10 splits each series into two polylines.
	if n := doc.elements["polyline"]; n != 4 {
		t.Errorf("got %d polylines, want 4 (two series, each broken by one gap)", n)
	}
	for _, want := range []string{`Response time "per hour" <script>`, "p50", "p95 <&>", "SLO <300 ms>", "0 ms", "300 ms", "00:00", "12:00"} {
		if !chartHas(doc.texts, want) {
			t.Errorf("no text %q; texts: %q", want, doc.texts)
		}
	}
	if doc.titles[0] != `Response time "per hour" <script>` {
		t.Errorf("got title %q", doc.titles[0])
	}
}

func TestLineChartDaysAndNegative(t *testing.T) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := chartSeries{Name: "budget left", Class: "line-budget"}
	for i := 0; i <= 30; i++ {
		s.Points = append(s.Points, chartPoint{At: from.Add(time.Duration(i) * 24 * time.Hour), Value: 1 - float64(i)/20})
	}
	c := chartLine{Title: "Error budget left", From: from, To: from.Add(30 * 24 * time.Hour), Series: []chartSeries{s},
		Rules: []chartRule{{Value: 0, Label: "0%: budget spent"}}, Unit: chartPct, MinY: 0, MaxY: 1}
	doc := chartParseSVG(t, string(c.SVG()))
	for _, want := range []string{"100%", "0%", "-50%", "0%: budget spent", "Mar 2", "Mar 30"} {
		if !chartHas(doc.texts, want) {
			t.Errorf("no text %q; texts: %q", want, doc.texts)
		}
	}
	if doc.elements["polyline"] != 1 {
		t.Errorf("got %d polylines, want 1", doc.elements["polyline"])
	}
}

func TestLineChartNoData(t *testing.T) {
	from := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	s := chartSeries{Name: "p50", Points: []chartPoint{{At: from, Missing: true}, {At: from.Add(time.Hour), Missing: true}}}
	doc := chartParseSVG(t, string(chartLine{Title: "Response time", From: from, To: from.Add(2 * time.Hour), Series: []chartSeries{s}, Unit: chartMS,
		Empty: "No good checks in this range"}.SVG()))
	if doc.elements["polyline"]+doc.elements["circle"] != 0 {
		t.Errorf("drew a line without data")
	}
	if !chartHas(doc.texts, "No good checks in this range") {
		t.Errorf("texts %q: want a note that there is no data", doc.texts)
	}
}

func TestSparkline(t *testing.T) {
	for _, tc := range []struct {
		name      string
		values    []float64
		polylines int
		circles   int
	}{
		{"steady", []float64{1, 0.9, 0.8, 0.85}, 1, 1},
		{"gap", []float64{1, 0.9, math.NaN(), 0.8, 0.7}, 2, 1},
		{"flat", []float64{0.5, 0.5, 0.5}, 1, 1},
		{"empty", []float64{math.NaN(), math.NaN()}, 0, 0},
		{"none", nil, 0, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			doc := chartParseSVG(t, string(chartSparkline(tc.values, "budget <left>")))
			if got := doc.elements["polyline"]; got != tc.polylines {
				t.Errorf("got %d polylines, want %d", got, tc.polylines)
			}
			if got := doc.elements["circle"]; got != tc.circles {
				t.Errorf("got %d end dots, want %d", got, tc.circles)
			}
			if doc.titles[0] != "budget <left>" {
				t.Errorf("got title %q, want the label", doc.titles[0])
			}
		})
	}
}

func TestNiceStep(t *testing.T) {
	for _, tc := range []struct{ in, want float64 }{{0.3, 0.5}, {1, 1}, {1.5, 2}, {3, 5}, {7, 10}, {120, 200}, {0, 1}} {
		if got := chartNiceStep(tc.in); got != tc.want {
			t.Errorf("chartNiceStep(%v): got %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestChartMS(t *testing.T) {
	for _, tc := range []struct {
		in   float64
		want string
	}{{0, "0 ms"}, {2.5, "2.5 ms"}, {120, "120 ms"}, {1500, "1.5 s"}, {12000, "12 s"}} {
		if got := chartMS(tc.in); got != tc.want {
			t.Errorf("chartMS(%v): got %q, want %q", tc.in, got, tc.want)
		}
	}
}

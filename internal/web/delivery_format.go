package web

import (
	"html/template"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/delivery"
)

// The delivery pages' views and template functions join the shared lists
// here, so that the pages stay in files of their own.
func init() {
	pageNames = append(pageNames, "delivery", "delivery_log", "delivery_deployment", "delivery_sources")
	funcs["dlvDuration"] = dlvDuration
	funcs["dlvSeconds"] = func(s int64) string { return dlvDuration(new(float64(s))) }
	funcs["dlvRecovery"] = func(s *int64) string {
		if s == nil {
			return ""
		}
		return dlvDuration(new(float64(*s)))
	}
	funcs["dlvPercent"] = dlvPercent
	funcs["dlvPerDay"] = dlvPerDay
	funcs["dlvPerWeek"] = dlvPerWeek
	funcs["dlvResult"] = dlvResultBadge
	funcs["dlvFailReason"] = dlvFailReason
	funcs["dlvShortSHA"] = dlvShortSHA
	funcs["dlvKeyName"] = relKeyName
	funcs["dlvKeyURL"] = relKeyURL
	funcs["dlvWhen"] = func(t time.Time) string { return t.UTC().Format("2006-01-02 15:04") }
}

// dlvNone stands for a measure with nothing to measure; it is never 0.
const dlvNone = "—"

// dlvDuration writes seconds in the unit a person reads them in: seconds,
// minutes, hours up to two days, then days.
func dlvDuration(sec *float64) string {
	if sec == nil {
		return dlvNone
	}
	s := *sec
	switch {
	case s < 60:
		return strconv.Itoa(int(math.Round(s))) + " s"
	case s < 3600:
		return strconv.Itoa(int(math.Round(s/60))) + " min"
	case s < 48*3600:
		return dlvDecimal(s/3600) + " h"
	}
	return dlvDecimal(s/86400) + " d"
}

// dlvDecimal keeps one decimal below 10 and none above.
func dlvDecimal(v float64) string {
	if v < 10 {
		return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
	}
	return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
}

// dlvPercent writes a share (1 = 100%) as a percentage.
func dlvPercent(v *float64) string {
	if v == nil {
		return dlvNone
	}
	if p := *v * 100; p > 0 && p < 0.1 {
		return "<0.1%"
	}
	return strings.TrimSuffix(strconv.FormatFloat(*v*100, 'f', 1, 64), ".0") + "%"
}

// dlvRate writes a rate with two significant digits or so.
func dlvRate(v float64) string {
	switch {
	case v == 0:
		return "0"
	case v >= 10:
		return strconv.FormatFloat(math.Round(v), 'f', 0, 64)
	case v >= 1:
		return strings.TrimSuffix(strconv.FormatFloat(v, 'f', 1, 64), ".0")
	}
	return strconv.FormatFloat(v, 'g', 2, 64)
}

func dlvPerDay(v *float64) string {
	if v == nil {
		return dlvNone
	}
	return dlvRate(*v) + "/day"
}

func dlvPerWeek(v *float64) string {
	if v == nil {
		return dlvNone
	}
	return dlvRate(*v) + " d/week"
}

// dlvResults give each result a shape as well as a colour.
var dlvResults = map[string][3]string{
	delivery.ResultSuccess: {"up", "●", "success"},
	delivery.ResultFailure: {"down", "✕", "failure"},
	delivery.ResultPending: {"unknown", "◌", "pending"},
}

func dlvResultBadge(result string) template.HTML {
	r, ok := dlvResults[result]
	if !ok {
		r = [3]string{"unknown", "?", result}
	}
	return template.HTML(`<span class="state state-` + r[0] + `"><span class="state-shape" aria-hidden="true">` + r[1] + `</span> ` +
		template.HTMLEscapeString(r[2]) + `</span>`)
}

// dlvFailReason says in words why a deployment counts as failed.
func dlvFailReason(reason string) string {
	switch reason {
	case "result":
		return "reported failure"
	case "rollback":
		return "rolled back"
	case "incident":
		return "failure charged"
	}
	return reason
}

func dlvShortSHA(sha string) string {
	if len(sha) > 8 {
		return sha[:8]
	}
	return sha
}

// dlvChange compares a window's value with the previous window's.
type dlvChange struct {
	// Arrow is ▲, ▼ or =; Text says the same in words with the previous
	// value; Tone is better, worse or same, for a class and for the words.
	Arrow, Text, Tone string
}

// dlvCompare compares cur with prev; higherIsBetter says which way is good.
func dlvCompare(cur, prev *float64, higherIsBetter bool, format func(*float64) string) dlvChange {
	if prev == nil {
		return dlvChange{Text: "nothing to compare in the previous window", Tone: "none"}
	}
	if cur == nil {
		return dlvChange{Text: "previous window: " + format(prev), Tone: "none"}
	}
	diff := *cur - *prev
	if math.Abs(diff) <= 0.01*math.Max(math.Abs(*prev), 1e-9) || format(cur) == format(prev) {
		return dlvChange{Arrow: "=", Text: "same as the previous window (" + format(prev) + ")", Tone: "same"}
	}
	c := dlvChange{Arrow: "▲", Text: "up from " + format(prev)}
	if diff < 0 {
		c.Arrow, c.Text = "▼", "down from "+format(prev)
	}
	if (diff > 0) == higherIsBetter {
		c.Tone, c.Text = "better", c.Text+", better"
	} else {
		c.Tone, c.Text = "worse", c.Text+", worse"
	}
	return c
}

// dlvPlacementText says which DORA clusters a value falls in, as
// "high — between once a day and once a week".
func dlvPlacementText(p delivery.Placement) string {
	if len(p.Tiers) == 0 {
		return p.Text
	}
	return strings.Join(p.Tiers, " or ") + " — " + p.Text
}

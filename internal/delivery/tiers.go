package delivery

import "math"

// The DORA reports group respondents into clusters and publish, for each
// cluster, a typical value of each key. Chief shows which cluster a value
// falls in, measure by measure, as a reference and not a verdict: the
// clusters are not ordered the same way in every measure (in 2024 the
// medium cluster's change failure rate, 10 %, is better than the high
// cluster's, 20 %), and 2023's low and medium clusters deploy equally often.

// Tier is one cluster's typical value of one measure. A range holds the
// values in [Min, Max); a point (Min == Max) is matched by nearness.
type Tier struct {
	Name string  `json:"name"`
	Text string  `json:"text"`
	Min  float64 `json:"-"`
	Max  float64 `json:"-"`
}

// Benchmark is one year's table: per measure, the clusters' values.
type Benchmark struct {
	Year        int    `json:"year"`
	Frequency   []Tier `json:"deployment_frequency"`
	LeadTime    []Tier `json:"lead_time"`
	FailureRate []Tier `json:"change_failure_rate"`
	Recovery    []Tier `json:"recovery_time"`
}

const (
	hour  = 3600.0
	dayS  = 24 * hour
	week  = 7 * dayS
	month = 30 * dayS
	inf   = math.MaxFloat64
)

// Frequencies are deployments per day.
var (
	onDemand      = Tier{Min: 1, Max: inf, Text: "on demand (several a day)"}
	dailyToWeekly = Tier{Min: 1.0 / 7, Max: 1, Text: "between once a day and once a week"}
	weeklyToMonth = Tier{Min: 1.0 / 30, Max: 1.0 / 7, Text: "between once a week and once a month"}
	monthToHalf   = Tier{Min: 1.0 / 182, Max: 1.0 / 30, Text: "between once a month and once every six months"}
)

func named(name string, t Tier) Tier { t.Name = name; return t }

func span(lo, hi float64, text string) Tier { return Tier{Min: lo, Max: hi, Text: text} }

func point(v float64, text string) Tier { return Tier{Min: v, Max: v, Text: text} }

// Benchmarks are the published tables, newest first.
var Benchmarks = []Benchmark{
	{
		Year: 2024,
		Frequency: []Tier{named("elite", onDemand), named("high", dailyToWeekly), named("medium", weeklyToMonth),
			named("low", monthToHalf)},
		LeadTime: []Tier{named("elite", span(0, dayS, "less than one day")), named("high", span(dayS, week, "between one day and one week")),
			named("medium", span(week, month, "between one week and one month")), named("low", span(month, 6*month, "between one month and six months"))},
		FailureRate: []Tier{named("elite", point(0.05, "5 %")), named("high", point(0.20, "20 %")),
			named("medium", point(0.10, "10 %")), named("low", point(0.40, "40 %"))},
		Recovery: []Tier{named("elite", span(0, hour, "less than one hour")), named("high", span(hour, dayS, "less than one day")),
			named("medium", span(hour, dayS, "less than one day")), named("low", span(week, month, "between one week and one month"))},
	},
	{
		Year: 2023,
		Frequency: []Tier{named("elite", onDemand), named("high", dailyToWeekly), named("medium", weeklyToMonth),
			named("low", weeklyToMonth)},
		LeadTime: []Tier{named("elite", span(0, dayS, "less than one day")), named("high", span(dayS, week, "between one day and one week")),
			named("medium", span(week, month, "between one week and one month")), named("low", span(week, month, "between one week and one month"))},
		FailureRate: []Tier{named("elite", point(0.05, "5 %")), named("high", point(0.10, "10 %")),
			named("medium", point(0.15, "15 %")), named("low", point(0.64, "64 %"))},
		Recovery: []Tier{named("elite", span(0, hour, "less than one hour")), named("high", span(hour, dayS, "less than one day")),
			named("medium", span(dayS, week, "between one day and one week")), named("low", span(month, 6*month, "between one month and six months"))},
	},
}

// BenchmarkFor returns the table of a year, and false if none is known.
func BenchmarkFor(year int) (Benchmark, bool) {
	for _, b := range Benchmarks {
		if b.Year == year {
			return b, true
		}
	}
	return Benchmark{}, false
}

// Placement says which clusters a value falls in for one measure.
type Placement struct {
	Measure string `json:"measure"`
	// Tiers are the clusters whose value holds it (several when clusters
	// share a range); empty when it falls outside every one.
	Tiers []string `json:"tiers"`
	// Text is the matching clusters' published value, or what the value
	// lies beyond.
	Text string `json:"text"`
}

// Place puts each of the four keys of k in the year's table. Measures with
// no value are left out.
func (b Benchmark) Place(k Keys) []Placement {
	var out []Placement
	add := func(measure string, v *float64, tiers []Tier) {
		if v != nil {
			out = append(out, placeIn(measure, *v, tiers))
		}
	}
	add("deployment_frequency", k.DeploymentsPerDay, b.Frequency)
	add("lead_time", k.LeadTimeP50, b.LeadTime)
	add("change_failure_rate", k.FailureRate, b.FailureRate)
	add("recovery_time", k.RecoveryP50, b.Recovery)
	return out
}

func placeIn(measure string, v float64, tiers []Tier) Placement {
	p := Placement{Measure: measure}
	if tiers[0].Min == tiers[0].Max {
		// Points: the nearest published rate, or the two it lies between.
		best := math.Inf(1)
		for _, t := range tiers {
			d := math.Abs(v - t.Min)
			if d < best-1e-12 {
				best, p.Tiers, p.Text = d, []string{t.Name}, "nearest to "+t.Text
			} else if math.Abs(d-best) <= 1e-12 {
				p.Tiers = append(p.Tiers, t.Name)
			}
		}
		return p
	}
	for _, t := range tiers {
		if v >= t.Min && v < t.Max {
			p.Tiers = append(p.Tiers, t.Name)
			p.Text = t.Text
		}
	}
	if len(p.Tiers) == 0 {
		p.Text = "outside every cluster's published range"
	}
	return p
}

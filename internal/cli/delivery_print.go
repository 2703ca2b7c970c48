package cli

import (
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/chief-hq/chief/internal/delivery"
)

// printDORA prints a summary as a table: each key, its value, the window
// before, and where it falls in the DORA table.
func (a *app) printDORA(s delivery.Summary) {
	fmt.Fprintf(a.stdout, "DORA keys for %s, %s to %s (UTC)\n\n", s.Scope.Label(), s.WindowStart.Format(time.DateOnly),
		s.WindowEnd.Add(-time.Second).Format(time.DateOnly))
	if s.Deployments == 0 {
		fmt.Fprintln(a.stdout, "No production deployments in this window. Record them with `chief deploy record`, `chief import git`,")
		fmt.Fprintln(a.stdout, "POST /api/v1/deployments, or a GitHub or GitLab webhook (Administration → Webhook sources).")
		return
	}
	tier := map[string]string{}
	for _, p := range s.Tiers {
		if len(p.Tiers) > 0 {
			tier[p.Measure] = strings.Join(p.Tiers, "/") + " (" + p.Text + ")"
		} else {
			tier[p.Measure] = p.Text
		}
	}
	w := tabwriter.NewWriter(a.stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintf(w, "MEASURE\tVALUE\tPREVIOUS\tDORA %d\n", s.Benchmark)
	row := func(name, v, prev, t string) { fmt.Fprintf(w, "%s\t%s\t%s\t%s\n", name, v, prev, t) }
	row("Deployments", fmt.Sprint(s.Deployments), fmt.Sprint(s.Previous.Deployments), "")
	row("Deployments per day", num(s.DeploymentsPerDay, 2), num(s.Previous.DeploymentsPerDay, 2), tier["deployment_frequency"])
	row("Deployment days per week", num(s.DeploymentDaysPerWeek, 1), num(s.Previous.DeploymentDaysPerWeek, 1), "")
	row("Lead time p50", span(s.LeadTimeP50), span(s.Previous.LeadTimeP50), tier["lead_time"])
	row("Lead time p90", span(s.LeadTimeP90), span(s.Previous.LeadTimeP90), "")
	row("Change failure rate", pct(s.FailureRate), pct(s.Previous.FailureRate), tier["change_failure_rate"])
	row("Recovery time p50", span(s.RecoveryP50), span(s.Previous.RecoveryP50), tier["recovery_time"])
	row("Rework rate", pct(s.ReworkRate), pct(s.Previous.ReworkRate), "")
	w.Flush()
	fmt.Fprintf(a.stdout, "\n%d changes measured, %d failed deployments (%d recovered), %d rework deployments.\n", s.Changes, s.Failed, s.Recovered, s.Rework)
	fmt.Fprintln(a.stdout, "Medians are nearest-rank; the DORA clusters are a reference, not a verdict (docs/delivery.md).")
}

func num(v *float64, prec int) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.*f", prec, *v)
}

func pct(v *float64) string {
	if v == nil {
		return "—"
	}
	return fmt.Sprintf("%.1f %%", *v*100)
}

// span prints seconds in the largest unit that keeps it readable.
func span(v *float64) string {
	if v == nil {
		return "—"
	}
	d := *v
	switch {
	case d < 120:
		return fmt.Sprintf("%.0f s", d)
	case d < 2*3600:
		return fmt.Sprintf("%.0f min", d/60)
	case d < 48*3600:
		return fmt.Sprintf("%.1f h", d/3600)
	}
	return fmt.Sprintf("%.1f d", d/86400)
}

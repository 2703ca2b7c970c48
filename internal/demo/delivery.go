package demo

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/delivery"
)

// pace is how a team ships: how often, how big, how fast its pull requests
// move, and how often what it ships breaks. Hours are medians; each pull
// request draws around them.
type pace struct {
	deploysPerWeek float64
	prsPerDeploy   float64
	codingH        float64
	pickupH        float64
	reviewH        float64
	failRate       float64 // deployments that report failure
	incidentRate   float64 // deployments that cause an incident
	recoveryH      float64
	// improves, when set, halves the team's times and failure rates over
	// the year, so its trend points the right way.
	improves bool
}

// paces differ on purpose: the platform team ships in the elite way, the
// legacy team struggles, payments gets better over the year.
var paces = map[string]pace{
	"team-platform":       {deploysPerWeek: 8, prsPerDeploy: 1.3, codingH: 3, pickupH: 0.5, reviewH: 1, failRate: 0.01, incidentRate: 0.02, recoveryH: 0.5},
	"team-storefront":     {deploysPerWeek: 5, prsPerDeploy: 2, codingH: 10, pickupH: 3, reviewH: 4, failRate: 0.03, incidentRate: 0.05, recoveryH: 3},
	"team-payments":       {deploysPerWeek: 2, prsPerDeploy: 4, codingH: 40, pickupH: 16, reviewH: 20, failRate: 0.08, incidentRate: 0.10, recoveryH: 10, improves: true},
	"team-search":         {deploysPerWeek: 3, prsPerDeploy: 2.5, codingH: 16, pickupH: 6, reviewH: 6, failRate: 0.04, incidentRate: 0.06, recoveryH: 4},
	"team-data":           {deploysPerWeek: 2.5, prsPerDeploy: 2, codingH: 20, pickupH: 8, reviewH: 8, failRate: 0.05, incidentRate: 0.05, recoveryH: 6},
	"team-mobile":         {deploysPerWeek: 1, prsPerDeploy: 6, codingH: 30, pickupH: 10, reviewH: 12, failRate: 0.05, incidentRate: 0.08, recoveryH: 30},
	"team-security":       {deploysPerWeek: 1.5, prsPerDeploy: 2, codingH: 24, pickupH: 12, reviewH: 16, failRate: 0.03, incidentRate: 0.04, recoveryH: 5},
	"team-internal-tools": {deploysPerWeek: 1, prsPerDeploy: 3, codingH: 30, pickupH: 24, reviewH: 12, failRate: 0.05, incidentRate: 0.05, recoveryH: 12},
	"team-legacy":         {deploysPerWeek: 0.2, prsPerDeploy: 10, codingH: 300, pickupH: 120, reviewH: 96, failRate: 0.25, incidentRate: 0.2, recoveryH: 300},
}

// deliveryDays is how much delivery history the demo has.
const deliveryDays = 365

// LoadDelivery gives the demo company a year of deployments, commits,
// pull requests and failures, one component at a time. Loading again
// changes nothing: the history is made the same way from a fixed seed and
// is stored once.
func LoadDelivery(ctx context.Context, d *db.DB, now time.Time) error {
	return loadDelivery(ctx, d, now, deliveryDays, nil)
}

// loadDelivery loads days of history of the teams named, or of all teams
// when teams is nil.
func loadDelivery(ctx context.Context, d *db.DB, now time.Time, days int, teams map[string]bool) error {
	cat := catalog.NewStore(d)
	s := delivery.NewStore(d, cat)
	if n, _, err := s.Deployments(ctx, delivery.DeploymentQuery{Limit: 1}); err != nil || len(n) > 0 {
		return err
	}
	comps, err := cat.Components(ctx)
	if err != nil {
		return err
	}
	end := now.UTC().Truncate(time.Hour)
	for i, c := range comps {
		team, _ := strings.CutPrefix(c.Owner, "group:default/")
		p, ok := paces[team]
		if !ok || c.Lifecycle == "experimental" || teams != nil && !teams[team] {
			continue
		}
		if c.Lifecycle == "deprecated" {
			p = paces["team-legacy"]
		}
		b := history(c.Key, p, rand.New(rand.NewPCG(uint64(i)+1, 42)), end.AddDate(0, 0, -days), end)
		if _, err := s.Ingest(ctx, b); err != nil {
			return fmt.Errorf("demo delivery of %s: %w", c.Name, err)
		}
	}
	return nil
}

// repo is a component's main branch as the demo writes it.
type repo struct {
	component string
	head      string
	n         int
	b         *delivery.Batch
	rng       *rand.Rand
}

func (r *repo) sha() string {
	r.n++
	h := sha1.Sum([]byte(fmt.Sprintf("%s#%d", r.component, r.n)))
	return hex.EncodeToString(h[:])
}

// commit adds a commit on top of parents.
func (r *repo) commit(at time.Time, title, author string, bot bool, parents ...string) string {
	sha := r.sha()
	var ps []string
	for _, p := range parents {
		if p != "" {
			ps = append(ps, p)
		}
	}
	r.b.Changes = append(r.b.Changes, delivery.ChangeInput{Component: r.component, SHA: sha, Parents: ps, Title: title,
		Author: author, AuthoredAt: at, Bot: bot, Source: "demo"})
	return sha
}

// draw returns a duration around a median of h hours, long-tailed.
func (r *repo) draw(h float64) time.Duration {
	return time.Duration(h * math.Exp(r.rng.NormFloat64()*0.7) * float64(time.Hour))
}

var demoAuthors = []string{"Ana Lima", "Ben Okafor", "Chen Wei", "Dara Quinn", "Eli Novak", "Farah Aziz", "Goran Petrov", "Hana Sato"}

// pullRequest merges a branch of one to four commits at merged.
func (r *repo) pullRequest(number int64, merged time.Time, p pace, scale float64) {
	review := r.draw(p.reviewH * scale)
	pickup := r.draw(p.pickupH * scale)
	coding := r.draw(p.codingH * scale)
	reviewed := merged.Add(-review)
	opened := reviewed.Add(-pickup)
	first := opened.Add(-coding)
	author := demoAuthors[r.rng.IntN(len(demoAuthors))]
	tip := r.head
	n := 1 + r.rng.IntN(4)
	for i := range n {
		at := first.Add(time.Duration(float64(opened.Sub(first)) * float64(i) / float64(n)))
		tip = r.commit(at, fmt.Sprintf("Work on #%d (%d/%d)", number, i+1, n), author, false, tip)
	}
	r.head = r.commit(merged, fmt.Sprintf("Merge pull request #%d", number), author, false, r.head, tip)
	r.b.PullRequests = append(r.b.PullRequests, delivery.PullRequestInput{Component: r.component, Number: number,
		Title: fmt.Sprintf("Change #%d", number), Author: author, OpenedAt: opened, FirstCommitAt: first, FirstReviewAt: reviewed,
		MergedAt: merged, MergeSHA: r.head, Source: "demo"})
}

// history makes one component's year.
func history(component string, p pace, rng *rand.Rand, start, end time.Time) delivery.Batch {
	b := &delivery.Batch{}
	r := &repo{component: component, b: b, rng: rng}
	r.head = r.commit(start.Add(-30*24*time.Hour), "Initial commit", demoAuthors[0], false)
	var number int64
	var deployed time.Time
	prod := r.head // what production runs
	deploy := func(at time.Time, result, remedy string, sha string) string {
		if result == delivery.ResultSuccess {
			prod = sha
		}
		id := fmt.Sprintf("demo-%d", len(b.Deployments)+1)
		b.Deployments = append(b.Deployments, delivery.DeploymentInput{Component: component, Environment: delivery.Production,
			Version: fmt.Sprintf("2026.%d", len(b.Deployments)+1), SHA: sha, StartedAt: at.Add(-6 * time.Minute), FinishedAt: at,
			Result: result, Remedy: remedy, Source: "demo", ExternalID: id})
		deployed = at
		return id
	}
	deploy(start, delivery.ResultSuccess, "", r.head)
	for day := start.AddDate(0, 0, 1); day.Before(end); day = day.AddDate(0, 0, 1) {
		if wd := day.Weekday(); wd == time.Saturday || wd == time.Sunday {
			continue
		}
		scale, fail := 1.0, 1.0
		if p.improves {
			progress := float64(day.Sub(start)) / float64(end.Sub(start))
			scale, fail = 1-0.6*progress, 1-0.7*progress
		}
		perDay := p.deploysPerWeek / 5
		count := int(perDay)
		if rng.Float64() < perDay-float64(count) {
			count++
		}
		for range count {
			at := time.Date(day.Year(), day.Month(), day.Day(), 8+rng.IntN(9), rng.IntN(60), 0, 0, time.UTC)
			if !at.After(deployed) || at.After(end) {
				continue
			}
			prs := max(1, int(p.prsPerDeploy*(0.5+rng.Float64())))
			for range prs {
				number++
				merged := deployed.Add(time.Duration(rng.Float64() * float64(at.Sub(deployed))))
				r.pullRequest(number, merged, p, scale)
			}
			if rng.IntN(12) == 0 {
				r.head = r.commit(at.Add(-20*time.Minute), "Bump dependencies", "dependabot[bot]", true, r.head)
			}
			before := prod
			switch x := rng.Float64(); {
			case x < p.failRate*fail:
				deploy(at, delivery.ResultFailure, "", r.head)
				fixAt := at.Add(r.draw(p.recoveryH * scale / 2))
				if fixAt.After(end) {
					continue // not mended yet
				}
				number++
				r.pullRequest(number, fixAt.Add(-10*time.Minute), pace{codingH: 0.3, pickupH: 0.1, reviewH: 0.2}, 1)
				deploy(fixAt, delivery.ResultSuccess, delivery.RemedyFix, r.head)
			case x < (p.failRate+p.incidentRate)*fail:
				id := deploy(at, delivery.ResultSuccess, "", r.head)
				started := at.Add(time.Duration(10+rng.IntN(240)) * time.Minute)
				if started.After(end) {
					continue
				}
				resolved := started.Add(r.draw(p.recoveryH * scale))
				if resolved.After(end) {
					resolved = time.Time{}
				}
				b.Failures = append(b.Failures, delivery.FailureInput{Component: component, Title: "Errors after release " + id,
					StartedAt: started, ResolvedAt: resolved, Deployment: id, Source: "demo", ExternalID: "inc-" + id})
				if !resolved.IsZero() && rng.IntN(2) == 0 {
					deploy(started.Add(resolved.Sub(started)/2), delivery.ResultSuccess, delivery.RemedyRollback, before)
				}
			default:
				deploy(at, delivery.ResultSuccess, "", r.head)
			}
		}
	}
	return *b
}

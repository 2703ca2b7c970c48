package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/notify"
	"github.com/chief-hq/chief/internal/reliability"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

// historyDays is how much past the demo's monitors come with.
const historyDays = 90

// LoadReliability gives the demo company live monitors of the services
// Chief serves itself at base (see Targets), 90 days of history behind
// them with two past outages, SLOs, a maintenance window, an alert
// channel posting to Chief's own demo webhook and a public status page.
// Loading again only points the monitors at base.
func LoadReliability(ctx context.Context, d *db.DB, base string, now time.Time) error {
	cat := catalog.NewStore(d)
	s := reliability.NewStore(d, cat)
	fresh, err := s.Monitors(ctx)
	if err != nil {
		return err
	}
	list := make([]reliability.Sourced, 0, len(services))
	for i, svc := range services {
		in := reliability.MonitorInput{
			Name:             svc.name + "-health",
			Entity:           "component:default/" + svc.entity,
			Interval:         dur.Duration(30 * time.Second),
			Conditions:       []string{"[STATUS] == 200", "[BODY].status == UP", "[RESPONSE_TIME] < 1000"},
			FailureThreshold: 2,
			Severity:         "major",
			Settings:         probe.Settings{Type: "http", Target: base + targetPath(svc.name), Timeout: dur.Duration(5 * time.Second)},
		}
		if svc.name == "payment-gateway" || svc.name == "checkout-service" {
			in.Severity = "critical"
		}
		list = append(list, reliability.Sourced{Line: i + 1, Input: in})
	}
	if _, err := s.ImportMonitors(ctx, list, "demo"); err != nil {
		return fmt.Errorf("demo monitors: %w", err)
	}
	if len(fresh) > 0 {
		return nil // history, SLOs and the rest were loaded before
	}
	mons, err := s.Monitors(ctx)
	if err != nil {
		return err
	}
	if err := backfill(ctx, s, mons, now); err != nil {
		return err
	}
	if err := pastIncidents(ctx, s, now); err != nil {
		return err
	}
	for _, o := range []reliability.SLOInput{
		{Name: "checkout-availability", Entity: "checkout-service", Kind: "availability", Objective: 0.999, Period: "30d"},
		{Name: "payments-availability", Entity: "payment-gateway", Kind: "availability", Objective: 0.999, Period: "30d"},
		{Name: "search-latency", Entity: "search-service", Kind: "latency", Objective: 0.95, ThresholdMS: 500, Period: "7d"},
		{Name: "storefront-availability", Entity: "storefront-web", Kind: "availability", Objective: 0.995, Period: "month"},
	} {
		if _, err := s.SaveSLO(ctx, o); err != nil {
			return fmt.Errorf("demo SLO %s: %w", o.Name, err)
		}
	}
	sunday := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -int(now.UTC().Weekday())).Add(2 * time.Hour)
	if _, err := s.AddMaintenance(ctx, reliability.MaintenanceInput{Title: "Weekly database patching", Entities: []string{"order-service", "product-catalog-service"},
		StartsAt: sunday, Duration: 3600, Recurrence: "weekly"}); err != nil {
		return err
	}
	var page []reliability.StatusEntry
	for _, e := range []struct{ ref, name string }{
		{"storefront-web", "Online store"}, {"checkout-service", "Checkout"}, {"payment-gateway", "Payments"},
		{"search-service", "Search"}, {"auth-service", "Sign-in"},
	} {
		page = append(page, reliability.StatusEntry{Entity: e.ref, DisplayName: e.name})
	}
	if err := s.SetStatusPage(ctx, page); err != nil {
		return err
	}
	_, err = notify.NewStore(d).Create(ctx, notify.ChannelInput{Name: "demo-webhook", Type: "webhook",
		Settings: notify.Settings{URL: base + "/demo/webhook", Secret: randomPassword()}, SendRecovery: true,
		ReminderEvery: dur.Duration(30 * time.Minute)})
	return err
}

// backfill writes 90 days of hourly history per monitor from the services'
// usual behaviour, with the past outages below cut in.
func backfill(ctx context.Context, s *reliability.Store, mons []reliability.Monitor, now time.Time) error {
	byName := map[string]service{}
	for _, svc := range services {
		byName[svc.name+"-health"] = svc
	}
	current := now.UTC().Truncate(time.Hour)
	start := current.AddDate(0, 0, -historyDays)
	hours := map[int64][]reliability.Bucket{}
	for _, m := range mons {
		svc, ok := byName[m.Name]
		if !ok {
			continue
		}
		var buckets []reliability.Bucket
		for h := start; h.Before(current); h = h.Add(time.Hour) {
			b := reliability.Bucket{Start: h, Counts: reliability.Counts{Hist: &reliability.Hist{}}}
			// 120 checks an hour: outages counted exactly, latencies
			// drawn at 12 moments and counted ten times each.
			for t := h; t.Before(h.Add(time.Hour)); t = t.Add(30 * time.Second) {
				if pastOutage(svc.name, t, now) {
					b.Bad++
				} else {
					b.Good++
				}
			}
			for i := 0; i < 12; i++ {
				latency, _ := svc.behaviour(h.Add(time.Duration(i)*5*time.Minute), now.AddDate(1, 0, 0)) // live trouble starts after now
				b.Hist.AddN(latency, uint32(b.Good/12))
			}
			buckets = append(buckets, b)
		}
		hours[m.ID] = buckets
	}
	return s.Backfill(ctx, hours, now)
}

// outage is a past incident of the demo.
type outage struct {
	service        string
	daysAgo        int
	hour           int
	length         time.Duration
	title, cause   string
	postmortemDone bool
}

var outages = []outage{
	{service: "checkout-service", daysAgo: 12, hour: 14, length: 42 * time.Minute, title: "Checkout failing for all customers",
		cause: "A connection-pool limit lowered in release 2026.11.3 starved checkout of database connections under the lunchtime peak.", postmortemDone: true},
	{service: "payment-gateway", daysAgo: 3, hour: 9, length: 18 * time.Minute, title: "Card payments timing out",
		cause: "The card processor's regional endpoint degraded; retries without back-off made it worse."},
	{service: "search-service", daysAgo: 40, hour: 20, length: 25 * time.Minute, title: "Search returning errors"},
}

func (o outage) window(now time.Time) (time.Time, time.Time) {
	day := now.UTC().Truncate(24*time.Hour).AddDate(0, 0, -o.daysAgo)
	start := day.Add(time.Duration(o.hour)*time.Hour + 7*time.Minute)
	return start, start.Add(o.length)
}

func pastOutage(service string, t, now time.Time) bool {
	for _, o := range outages {
		if o.service != service {
			continue
		}
		if from, to := o.window(now); !t.Before(from) && t.Before(to) {
			return true
		}
	}
	return false
}

// pastIncidents records the incidents of the past outages.
func pastIncidents(ctx context.Context, s *reliability.Store, now time.Time) error {
	for _, o := range outages {
		from, to := o.window(now)
		acked := from.Add(4 * time.Minute)
		entity := "component:default/" + o.service
		inc := reliability.Incident{
			Title: o.title, Severity: "critical", Status: "resolved", Entity: entity, Auto: true, Managed: true,
			OpenedAt: from, AcknowledgedAt: &acked, ResolvedAt: &to, CreatedBy: "monitor:" + o.service + "-health",
			Updates: []reliability.IncidentUpdate{
				{At: from, Author: "monitor:" + o.service + "-health", Status: "investigating", Body: "We are investigating a problem with " + o.service + ".", Public: true},
				{At: acked, Author: "user:ana.lopez@northwind.example", Status: "identified", Body: "Found it: " + o.cause, Public: o.cause != ""},
				{At: to.Add(-5 * time.Minute), Author: "user:ana.lopez@northwind.example", Status: "monitoring", Body: "A fix is out; watching error rates.", Public: true},
				{At: to, Author: "user:ana.lopez@northwind.example", Status: "resolved", Body: "Resolved: all checks pass again.", Public: true},
			},
		}
		if o.cause == "" {
			inc.Updates[1].Body = "Found a full disk on the search cluster's primary; freeing space."
			inc.Updates[1].Public = false
		}
		if o.postmortemDone {
			inc.Deployment = "checkout-service 2026.11.3"
			inc.Postmortem = reliability.Postmortem{
				Summary:   "For 42 minutes no customer could complete a purchase.",
				Impact:    "About 1,900 checkouts failed; an estimated 38,000 EUR of orders were delayed or lost.",
				RootCause: o.cause,
				WentWell:  "The monitor paged within a minute; the rollback took six minutes once decided.",
				ActionItems: []reliability.ActionItem{
					{Title: "Load-test connection-pool changes before release", Owner: "group:default/checkout", Due: now.AddDate(0, 0, 9).Format(time.DateOnly)},
					{Title: "Alert on pool saturation, not only on errors", Owner: "user:default/ana.lopez", Due: now.AddDate(0, 0, -2).Format(time.DateOnly), Done: true},
				},
			}
		}
		if _, err := s.RecordPastIncident(ctx, reliability.PastIncident{Incident: inc, Monitor: o.service + "-health"}); err != nil {
			return fmt.Errorf("demo incident %q: %w", o.title, err)
		}
	}
	return nil
}

package delivery

import (
	"context"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/chief-hq/chief/internal/reliability"
)

// IncidentLookback is how far back SyncIncidents reads incidents.
const IncidentLookback = 45 * 24 * time.Hour

// SyncIncidents copies the reliability area's incidents opened in the last
// IncidentLookback into failures, one per affected component, naming the
// deployment the incident names. It is idempotent: an incident unchanged
// since the last run stores nothing.
func (s *Store) SyncIncidents(ctx context.Context, rel *reliability.Store) (IngestResult, error) {
	incs, err := rel.Incidents(ctx, reliability.IncidentFilter{Since: s.now().Add(-IncidentLookback), Limit: 1000})
	if err != nil {
		return IngestResult{}, err
	}
	var b Batch
	for _, inc := range incs {
		entities := inc.Entities
		if len(entities) == 0 {
			entities = []string{inc.Entity}
		}
		for _, e := range entities {
			if !strings.HasPrefix(e, "component:") {
				continue
			}
			f := FailureInput{Component: e, Title: inc.Title, StartedAt: inc.OpenedAt, Deployment: inc.Deployment,
				Source: "chief", ExternalID: "incident:" + strconv.FormatInt(inc.ID, 10), URL: "/incidents/" + strconv.FormatInt(inc.ID, 10)}
			if inc.ResolvedAt != nil {
				f.ResolvedAt = *inc.ResolvedAt
			}
			b.Failures = append(b.Failures, f)
		}
	}
	if len(b.Failures) == 0 {
		return IngestResult{}, nil
	}
	return s.Ingest(ctx, b)
}

// RunIncidentSync calls SyncIncidents every interval until ctx ends.
func (s *Store) RunIncidentSync(ctx context.Context, rel *reliability.Store, every time.Duration, log *slog.Logger) {
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		if res, err := s.SyncIncidents(ctx, rel); err != nil && ctx.Err() == nil {
			log.Warn("copy incidents to delivery failures", "err", err)
		} else if res.Failures > 0 {
			log.Info("incidents copied to delivery failures", "failures", res.Failures)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

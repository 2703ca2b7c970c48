package delivery

import (
	"context"
	"fmt"
	"sort"
	"strconv"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
)

// IngestResult counts what an ingestion stored. A record sent again
// unchanged counts in none of the totals.
type IngestResult struct {
	Deployments  int `json:"deployments"`
	Changes      int `json:"changes"`
	PullRequests int `json:"pull_requests"`
	Failures     int `json:"failures"`
	// Unmatched lists repositories that no catalog component declares; their
	// records were not stored.
	Unmatched []string `json:"unmatched,omitempty"`
}

// Stored reports whether anything was written.
func (r IngestResult) Stored() bool {
	return r.Deployments+r.Changes+r.PullRequests+r.Failures > 0
}

// line is one component's deployments to one environment, in time order:
// the unit in which shipped changes, failures and rework are derived.
type line struct{ component, env string }

// ingest gathers, during one transaction, what must be derived again.
type ingest struct {
	tx    *db.Tx
	s     *Store
	audit *audit.Writer
	// from holds, per line, the earliest finish time from which the line's
	// derived fields must be recomputed.
	from map[line]int64
	// heads holds, per component, commits that arrived and that a waiting
	// deployment may have as its head.
	heads map[string][]string
	// days holds production days whose rollup must be recomputed.
	days map[string]map[int64]bool
	res  IngestResult
}

func (in *ingest) touch(l line, at int64) {
	if cur, ok := in.from[l]; !ok || at < cur {
		in.from[l] = at
	}
}

func (in *ingest) dirty(component string, at int64) {
	if in.days[component] == nil {
		in.days[component] = map[int64]bool{}
	}
	in.days[component][dayOf(at)] = true
}

// Ingest validates and stores a batch in one transaction: changes first,
// then pull requests, deployments and failures, then everything derived
// from them (shipped changes, failures and rework per deployment, daily
// rollups). It returns invalid, naming the field ("deployments[0].sha"),
// for bad input, and stores nothing then.
func (s *Store) Ingest(ctx context.Context, b Batch) (IngestResult, error) {
	if err := validateBatch(&b); err != nil {
		return IngestResult{}, err
	}
	ix, err := s.components(ctx)
	if err != nil {
		return IngestResult{}, err
	}
	var res IngestResult
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		in := &ingest{tx: tx, s: s, audit: audit.NewWriter(ctx, tx), from: map[line]int64{}, heads: map[string][]string{}, days: map[string]map[int64]bool{}}
		unmatched := map[string]bool{}
		keysOf := func(field, component, repository string) ([]string, error) {
			keys, err := ix.resolve(field, component, repository)
			if err == nil && len(keys) == 0 {
				unmatched[repository] = true
			}
			return keys, err
		}
		if err := in.changes(ctx, b.Changes, keysOf); err != nil {
			return err
		}
		for i := range b.PullRequests {
			p := &b.PullRequests[i]
			keys, err := keysOf(fmt.Sprintf("pull_requests[%d].component", i), p.Component, p.Repository)
			if err != nil {
				return err
			}
			for _, k := range keys {
				if err := in.pullRequest(ctx, k, p); err != nil {
					return err
				}
			}
		}
		for i := range b.Deployments {
			d := &b.Deployments[i]
			keys, err := keysOf(fmt.Sprintf("deployments[%d].component", i), d.Component, d.Repository)
			if err != nil {
				return err
			}
			for _, k := range keys {
				if err := in.deployment(ctx, k, d, fmt.Sprintf("deployments[%d]", i)); err != nil {
					return err
				}
			}
		}
		for i := range b.Failures {
			f := &b.Failures[i]
			keys, err := keysOf(fmt.Sprintf("failures[%d].component", i), f.Component, f.Repository)
			if err != nil {
				return err
			}
			for _, k := range keys {
				if err := in.failure(ctx, k, f); err != nil {
					return err
				}
			}
		}
		if err := in.wakeWaiting(ctx); err != nil {
			return err
		}
		if err := in.derive(ctx); err != nil {
			return err
		}
		if err := in.rollups(ctx); err != nil {
			return err
		}
		if err := in.audit.Flush(ctx); err != nil {
			return err
		}
		res = in.res
		for r := range unmatched {
			res.Unmatched = append(res.Unmatched, r)
		}
		sort.Strings(res.Unmatched)
		return nil
	})
	return res, err
}

// validateBatch validates every record, naming the field by its place in
// the batch.
func validateBatch(b *Batch) error {
	check := func(list string, i int, err error) error {
		if err == nil {
			return nil
		}
		if e := apperr.As(err); e != nil && e.Field != "" {
			return apperr.Field(list+"["+strconv.Itoa(i)+"]."+e.Field, "%s", e.Message)
		}
		return err
	}
	for i := range b.Changes {
		if err := check("changes", i, b.Changes[i].Validate()); err != nil {
			return err
		}
	}
	for i := range b.PullRequests {
		if err := check("pull_requests", i, b.PullRequests[i].Validate()); err != nil {
			return err
		}
	}
	for i := range b.Deployments {
		if err := check("deployments", i, b.Deployments[i].Validate()); err != nil {
			return err
		}
	}
	for i := range b.Failures {
		if err := check("failures", i, b.Failures[i].Validate()); err != nil {
			return err
		}
	}
	return nil
}

package delivery

import (
	"context"
	"database/sql"
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
	from map[line]pos
	// heads holds, per component, commits that arrived and that a waiting
	// deployment may have as its head.
	heads map[string][]string
	// days holds production days whose rollup must be recomputed.
	days map[string]map[int64]bool
	res  IngestResult
	// stmts are the statements prepared on tx; see prep.
	stmts map[string]*sql.Stmt
	// deferRollups leaves stale rollups to RollUpPending.
	deferRollups bool
}

func (in *ingest) touch(l line, p pos) {
	if cur, ok := in.from[l]; !ok || p.before(cur) {
		in.from[l] = p
	}
}

// pos is a place in a line's order: finish time in seconds, then id, so
// that many deployments finishing in one second keep their order and a
// new one does not make its second's others be derived again. id 0 stands
// for the start of a second.
type pos struct{ at, id int64 }

func (p pos) before(q pos) bool { return p.at < q.at || p.at == q.at && p.id < q.id }

// posOf is a deployment's place in its line.
func posOf(d *Deployment) pos { return pos{d.FinishedAt.Unix(), d.ID} }

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
	p, err := s.prepare(ctx, b)
	if err != nil {
		return IngestResult{}, err
	}
	var res IngestResult
	err = s.db.Write(ctx, func(tx *db.Tx) error {
		in := s.newIngest(tx)
		if res, err = in.store(ctx, p); err != nil {
			return err
		}
		return in.finish(ctx)
	})
	return res, err
}

// newIngest starts an ingestion in tx: one batch, or a group of webhook
// deliveries that share what is derived at the end.
func (s *Store) newIngest(tx *db.Tx) *ingest {
	return &ingest{tx: tx, s: s, from: map[line]pos{}, heads: map[string][]string{}, days: map[string]map[int64]bool{}}
}

// prepared is a validated batch with the components each record is for.
type prepared struct {
	b                                 Batch
	changes, pulls, deploys, failures [][]string
	unmatched                         []string
}

// prepare validates a batch and finds its components, outside any
// transaction.
func (s *Store) prepare(ctx context.Context, b Batch) (*prepared, error) {
	if err := validateBatch(&b); err != nil {
		return nil, err
	}
	ix, err := s.components(ctx)
	if err != nil {
		return nil, err
	}
	p := &prepared{b: b}
	unmatched := map[string]bool{}
	resolve := func(list string, i int, component, repository string) ([]string, error) {
		keys, err := ix.resolve(fmt.Sprintf("%s[%d].component", list, i), component, repository)
		if err == nil && len(keys) == 0 {
			unmatched[repository] = true
		}
		return keys, err
	}
	for i, c := range b.Changes {
		keys, err := resolve("changes", i, c.Component, c.Repository)
		if err != nil {
			return nil, err
		}
		p.changes = append(p.changes, keys)
	}
	for i, r := range b.PullRequests {
		keys, err := resolve("pull_requests", i, r.Component, r.Repository)
		if err != nil {
			return nil, err
		}
		p.pulls = append(p.pulls, keys)
	}
	for i, d := range b.Deployments {
		keys, err := resolve("deployments", i, d.Component, d.Repository)
		if err != nil {
			return nil, err
		}
		p.deploys = append(p.deploys, keys)
	}
	for i, f := range b.Failures {
		keys, err := resolve("failures", i, f.Component, f.Repository)
		if err != nil {
			return nil, err
		}
		p.failures = append(p.failures, keys)
	}
	for r := range unmatched {
		p.unmatched = append(p.unmatched, r)
	}
	sort.Strings(p.unmatched)
	return p, nil
}

// serializeKey is the advisory lock delivery writes take on PostgreSQL:
// deriving a line reads what it then rewrites, so two replicas must not
// derive at once. SQLite has one writer anyway.
const serializeKey = 74260005

// store writes a prepared batch's records with their audit entries, and
// notes what must be derived again; finish derives it.
func (in *ingest) store(ctx context.Context, p *prepared) (IngestResult, error) {
	if err := in.tx.Serialize(ctx, serializeKey); err != nil {
		return IngestResult{}, err
	}
	in.res, in.audit = IngestResult{}, audit.NewWriter(ctx, in.tx)
	b := &p.b
	if err := in.changes(ctx, b.Changes, p.changes); err != nil {
		return IngestResult{}, err
	}
	for i := range b.PullRequests {
		for _, k := range p.pulls[i] {
			if err := in.pullRequest(ctx, k, &b.PullRequests[i]); err != nil {
				return IngestResult{}, err
			}
		}
	}
	for i := range b.Deployments {
		for _, k := range p.deploys[i] {
			if err := in.deployment(ctx, k, &b.Deployments[i], fmt.Sprintf("deployments[%d]", i)); err != nil {
				return IngestResult{}, err
			}
		}
	}
	for i := range b.Failures {
		for _, k := range p.failures[i] {
			if err := in.failure(ctx, k, &b.Failures[i]); err != nil {
				return IngestResult{}, err
			}
		}
	}
	if err := in.audit.Flush(ctx); err != nil {
		return IngestResult{}, err
	}
	res := in.res
	res.Unmatched = p.unmatched
	return res, nil
}

// finish derives what the stored records changed: lines walked again
// where commits arrived, failures charged, shipped changes, failure,
// recovery and rework per deployment, then the daily rollups. A group of
// deliveries derives once, however many touched the same line and day.
func (in *ingest) finish(ctx context.Context) error {
	for _, step := range []func(context.Context) error{in.wakeWaiting, in.derive, in.rollups} {
		if err := step(ctx); err != nil {
			return err
		}
	}
	return nil
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

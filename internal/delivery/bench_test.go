package delivery

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
)

// The company-scale benchmarks measure the target "all measures for the
// company over 90 days, with 1,000,000 deployments and 10,000,000 changes
// stored, in at most 2 s on SQLite". They need a folder for the database
// (several GB), which is generated on the first run and reused after:
//
//	CHIEF_BENCH_DELIVERY_DIR=/tmp/delivery-bench go test -run '^$' \
//	  -bench 'Company|Team' -benchtime 5x -timeout 60m ./internal/delivery/
//
// CHIEF_BENCH_DELIVERY_DEPLOYMENTS (1000000) sets a smaller size for a quick
// run; a folder generated for another size is generated again.
//
// The data: 1,000 components owned by 40 teams (25 each), created by a
// catalog import. Each component gets between 200 and 1,800 production
// deployments (uniform, scaled so that they add up to the total), finishing
// at uniform random times over the 730 days before generation, so about
// 90/730 = 12.3 % of them fall in the last 90 days. Of the deployments
// about 3.5 % report failure, about 1.5 % are rollbacks (which make the
// deployment before them failed) and about 1 % are fixes. Every
// deployment but a rollback brings 1 to 19 new commits, chained parent to
// child (the next successful deployment ships a failed one's); a
// component's first deployment also ships its history (as baseline, not
// counted), sized so that the component has 10 commits per deployment. 10 %
// of the batches are a bot's. Every batch is one pull request whose merge
// commit is the batch's last commit; 85 % were reviewed.
//
// Rows go into delivery_deployments, delivery_changes, delivery_shipped and
// delivery_pull_requests by multi-row INSERTs, with the derived columns set
// as derive.go would set them (checked on a few components by running the
// real derivation and comparing); the rollups are written by the real
// rollupDay.

const (
	benchComponents     = 1000
	benchTeams          = 40
	benchSpanDays       = 730
	benchChangesPer     = 10
	benchDeploymentsDef = 1_000_000
	benchMarker         = "delivery-bench.json"
	benchSource         = "bench"
)

// benchFacts describes a generated database; it is kept beside it.
type benchFacts struct {
	Deployments     int       `json:"deployments"`
	InLast90Days    int       `json:"in_last_90_days"`
	Failed          int       `json:"failed"`
	FailedResult    int       `json:"failed_result"`
	FailedRollback  int       `json:"failed_rollback"`
	Rework          int       `json:"rework"`
	Fixes           int       `json:"fixes"`
	Recovered       int       `json:"recovered"`
	Changes         int       `json:"changes"`
	BotChanges      int       `json:"bot_changes"`
	Shipped         int       `json:"shipped"`
	Baseline        int       `json:"baseline"`
	LeadTimes       int       `json:"lead_times"`
	PullRequests    int       `json:"pull_requests"`
	Rollups         int       `json:"rollups"`
	End             time.Time `json:"end"`
	GenerateSeconds float64   `json:"generate_seconds"`
	RollupSeconds   float64   `json:"rollup_seconds"`
}

func benchDeploymentCount(tb testing.TB) int {
	s := os.Getenv("CHIEF_BENCH_DELIVERY_DEPLOYMENTS")
	if s == "" {
		return benchDeploymentsDef
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 10*benchComponents {
		tb.Fatalf("CHIEF_BENCH_DELIVERY_DEPLOYMENTS=%q: want a number of at least %d", s, 10*benchComponents)
	}
	return n
}

// openBenchStore opens the benchmark database, generating it first when
// the folder does not hold a complete one of the wanted size.
func openBenchStore(b testing.TB) (*Store, benchFacts) {
	b.Helper()
	dir := os.Getenv("CHIEF_BENCH_DELIVERY_DIR")
	if dir == "" {
		b.Skip("CHIEF_BENCH_DELIVERY_DIR is not set: name a folder with a few GB free for the generated database")
	}
	want := benchDeploymentCount(b)
	var facts benchFacts
	if raw, err := os.ReadFile(filepath.Join(dir, benchMarker)); err == nil && json.Unmarshal(raw, &facts) == nil && facts.Deployments == want {
		s := openBenchDB(b, dir)
		var n int
		if err := s.db.Read().QueryRowContext(testCtx, `SELECT COUNT(*) FROM delivery_deployments`).Scan(&n); err != nil {
			b.Fatal(err)
		}
		if n == want {
			b.Logf("reusing %s: generated %s in %.0f s (rollups %.0f s); %s", dir, facts.End.Format(time.RFC3339),
				facts.GenerateSeconds, facts.RollupSeconds, facts.describe())
			return s, facts
		}
		b.Logf("%s holds %d deployments, want %d: generating again", dir, n, want)
		s.db.Close()
	}
	for _, f := range []string{benchMarker, "chief.db", "chief.db-wal", "chief.db-shm"} {
		if err := os.Remove(filepath.Join(dir, f)); err != nil && !errors.Is(err, os.ErrNotExist) {
			b.Fatal(err)
		}
	}
	s := openBenchDB(b, dir)
	facts = generateBench(b, s, want)
	raw, _ := json.MarshalIndent(facts, "", "  ")
	if err := os.WriteFile(filepath.Join(dir, benchMarker), raw, 0o644); err != nil {
		b.Fatal(err)
	}
	return s, facts
}

func openBenchDB(b testing.TB, dir string) *Store {
	b.Helper()
	d, err := db.Open(testCtx, dir, "")
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { d.Close() })
	if _, err := d.Migrate(testCtx); err != nil {
		b.Fatal(err)
	}
	return NewStore(d, catalog.NewStore(d))
}

func (f benchFacts) describe() string {
	pct := func(n int) string { return fmt.Sprintf("%.2f %%", 100*float64(n)/float64(max(f.Deployments, 1))) }
	return fmt.Sprintf("%d deployments (%d = %s in the last 90 days; failed %d = %s: %d by result, %d rolled back; rework %d = %s; fixes %d; recovered %d), "+
		"%d changes (%d = %.1f %% by bots; %d shipped, %d of them baseline), %d lead times, %d pull requests, %d daily rollups",
		f.Deployments, f.InLast90Days, pct(f.InLast90Days), f.Failed, pct(f.Failed), f.FailedResult, f.FailedRollback, f.Rework, pct(f.Rework),
		f.Fixes, f.Recovered, f.Changes, f.BotChanges, 100*float64(f.BotChanges)/float64(max(f.Changes, 1)), f.Shipped, f.Baseline,
		f.LeadTimes, f.PullRequests, f.Rollups)
}

func benchComponentName(c int) string { return fmt.Sprintf("svc-%04d", c) }
func benchTeamName(t int) string      { return fmt.Sprintf("team-%02d", t) }
func benchComponentKey(c int) string  { return "component:default/" + benchComponentName(c) }

// generateBench fills an empty database.
func generateBench(b testing.TB, s *Store, total int) benchFacts {
	b.Helper()
	ctx := testCtx
	start := time.Now()
	end := time.Now().UTC().Truncate(time.Second)
	facts := benchFacts{End: end}

	var y strings.Builder
	for t := range benchTeams {
		fmt.Fprintf(&y, "---\napiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: %s\nspec:\n  type: team\n  children: []\n", benchTeamName(t))
	}
	for c := range benchComponents {
		fmt.Fprintf(&y, "---\napiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: %s\n  annotations:\n    github.com/project-slug: bench/%s\n"+
			"spec:\n  type: service\n  lifecycle: production\n  owner: group:%s\n", benchComponentName(c), benchComponentName(c), benchTeamName(c%benchTeams))
	}
	res, err := s.catalog.Import(ctx, fstest.MapFS{"catalog.yaml": {Data: []byte(y.String())}}, []string{"catalog.yaml"}, catalog.ImportOptions{})
	if err != nil {
		b.Fatal(err)
	}
	if res.Created != benchTeams+benchComponents || len(res.Problems) > 0 {
		b.Fatalf("catalog import: got %d created and problems %v, want %d and none", res.Created, res.Problems, benchTeams+benchComponents)
	}

	rng := rand.New(rand.NewPCG(1, 2))
	counts := make([]int, benchComponents)
	sum := 0
	for c := range counts {
		counts[c] = 200 + rng.IntN(1601)
		sum += counts[c]
	}
	left := total
	for c := range counts {
		counts[c] = counts[c] * total / sum
		left -= counts[c]
	}
	for c := 0; left > 0; c = (c + 1) % benchComponents {
		counts[c]++
		left--
	}

	g := &benchGen{rng: rng, end: end.Unix(), nextDeploy: 1, nextChange: 1, nextPull: 1, facts: &facts}
	var days []benchDay
	const perTx = 10
	for c0 := 0; c0 < benchComponents; c0 += perTx {
		err := s.db.Write(ctx, func(tx *db.Tx) error {
			w := newBenchWriter(tx)
			for c := c0; c < min(c0+perTx, benchComponents); c++ {
				more, err := g.component(ctx, w, c, counts[c])
				if err != nil {
					return err
				}
				days = append(days, more...)
			}
			return w.flush(ctx)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	inserted := time.Since(start)
	b.Logf("inserted %d deployments, %d changes, %d shipped rows, %d pull requests in %s", facts.Deployments, facts.Changes, facts.Shipped,
		facts.PullRequests, inserted.Round(time.Millisecond))

	rollStart := time.Now()
	const daysPerTx = 5000
	for d0 := 0; d0 < len(days); d0 += daysPerTx {
		err := s.db.Write(ctx, func(tx *db.Tx) error {
			in := &ingest{tx: tx, s: s, audit: audit.NewWriter(ctx, tx), from: map[line]pos{}, heads: map[string][]string{}, days: map[string]map[int64]bool{}}
			for _, d := range days[d0:min(d0+daysPerTx, len(days))] {
				if err := in.rollupDay(ctx, d.key, d.day); err != nil {
					return err
				}
			}
			return in.audit.Flush(ctx)
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	facts.Rollups = len(days)
	facts.RollupSeconds = time.Since(rollStart).Seconds()
	b.Logf("rolled up %d component days in %s", len(days), time.Since(rollStart).Round(time.Millisecond))

	checkBenchTotals(b, s, facts)
	for _, c := range []int{0, 1, 499, 998} {
		checkBenchDerived(b, s, benchComponentKey(c))
	}
	facts.GenerateSeconds = time.Since(start).Seconds()
	b.Logf("generated in %s: %s; database %s", time.Since(start).Round(time.Millisecond), facts.describe(), benchDBSize(s))
	return facts
}

func benchDBSize(s *Store) string {
	var parts []string
	var total int64
	for _, suffix := range []string{"", "-wal"} {
		if fi, err := os.Stat(s.db.Path + suffix); err == nil {
			parts = append(parts, fmt.Sprintf("%s %d bytes", filepath.Base(s.db.Path+suffix), fi.Size()))
			total += fi.Size()
		}
	}
	return fmt.Sprintf("%.2f GB (%s)", float64(total)/1e9, strings.Join(parts, ", "))
}

// checkBenchTotals compares the rollups the real code wrote with what the
// generator counted.
func checkBenchTotals(b testing.TB, s *Store, f benchFacts) {
	b.Helper()
	var deployments, failed, rework, rows, leads, recoveries int
	r, err := s.db.Read().QueryContext(testCtx, `SELECT deployments, failed, rework, lead_times, recovery_times FROM delivery_daily`)
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	var buf []int64
	for r.Next() {
		var d, fl, rw int
		var lead, rec []byte
		if err := r.Scan(&d, &fl, &rw, &lead, &rec); err != nil {
			b.Fatal(err)
		}
		rows++
		deployments += d
		failed += fl
		rework += rw
		buf = decodeSeconds(buf[:0], lead)
		leads += len(buf)
		buf = decodeSeconds(buf[:0], rec)
		recoveries += len(buf)
	}
	if err := r.Err(); err != nil {
		b.Fatal(err)
	}
	got := fmt.Sprintf("rows %d, deployments %d, failed %d, rework %d, lead times %d, recoveries %d", rows, deployments, failed, rework, leads, recoveries)
	want := fmt.Sprintf("rows %d, deployments %d, failed %d, rework %d, lead times %d, recoveries %d", f.Rollups, f.Deployments, f.Failed, f.Rework, f.LeadTimes, f.Recovered)
	if got != want {
		b.Fatalf("rollups: got %s, want %s", got, want)
	}
}

// checkBenchDerived runs the real derivation over a whole component in a
// transaction that is rolled back, and fails if it would change any
// derived column or shipped row the generator wrote.
func checkBenchDerived(b testing.TB, s *Store, key string) {
	b.Helper()
	ctx := testCtx
	errRollback := errors.New("roll back")
	err := s.db.Write(ctx, func(tx *db.Tx) error {
		before, err := benchDerivedState(ctx, tx, key)
		if err != nil {
			return err
		}
		var first int64
		if err := tx.QueryRowContext(ctx, `SELECT MIN(finished_at) FROM delivery_deployments WHERE component_ref = $1`, key).Scan(&first); err != nil {
			return err
		}
		in := &ingest{tx: tx, s: s, audit: audit.NewWriter(ctx, tx), from: map[line]pos{}, heads: map[string][]string{}, days: map[string]map[int64]bool{}}
		in.touch(line{key, Production}, pos{first, 0})
		if err := in.derive(ctx); err != nil {
			return err
		}
		after, err := benchDerivedState(ctx, tx, key)
		if err != nil {
			return err
		}
		if len(before) != len(after) {
			return fmt.Errorf("derive %s: got %d state lines, want %d", key, len(after), len(before))
		}
		for i := range before {
			if before[i] != after[i] {
				return fmt.Errorf("derive %s: got %q, generator wrote %q", key, after[i], before[i])
			}
		}
		return errRollback
	})
	if !errors.Is(err, errRollback) {
		b.Fatalf("check derived columns: %v", err)
	}
}

func benchDerivedState(ctx context.Context, tx *db.Tx, key string) ([]string, error) {
	rows, err := tx.QueryContext(ctx, `SELECT d.id, d.failed, d.fail_reason, d.rework, COALESCE(d.recovered_at, -1), COALESCE(d.recovery_s, -1), d.change_count,
		(SELECT COUNT(*) FROM delivery_shipped s WHERE s.deployment_id = d.id AND s.baseline),
		(SELECT COALESCE(SUM(s.change_id), 0) FROM delivery_shipped s WHERE s.deployment_id = d.id)
		FROM delivery_deployments d WHERE d.component_ref = $1 ORDER BY d.id`, key)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id, recAt, recS, changes, baseline, idSum int64
		var failed, rework bool
		var reason string
		if err := rows.Scan(&id, &failed, &reason, &rework, &recAt, &recS, &changes, &baseline, &idSum); err != nil {
			return nil, err
		}
		out = append(out, fmt.Sprintf("deployment %d failed=%t reason=%s rework=%t recovered=%d recovery=%d changes=%d baseline=%d ids=%d",
			id, failed, reason, rework, recAt, recS, changes, baseline, idSum))
	}
	return out, rows.Err()
}

// benchDay is one component's day with deployments, to roll up.
type benchDay struct {
	key string
	day int64
}

// benchWriter holds the multi-row inserts of one transaction.
type benchWriter struct {
	deployments, changes, shipped, pulls *db.Batch
}

func newBenchWriter(tx *db.Tx) *benchWriter {
	return &benchWriter{
		deployments: db.NewBatch(tx, `INSERT INTO delivery_deployments (id, component_ref, environment, production, version, sha, started_at, finished_at,
			result, remedy, source, external_id, url, listed, failed, fail_reason, rework, recovered_at, recovery_s, change_count, created_at, updated_at) VALUES`, 22, ""),
		changes: db.NewBatch(tx, `INSERT INTO delivery_changes (id, component_ref, sha, parents, title, author, author_email, bot, authored_at,
			committed_at, started_at, source) VALUES`, 12, ""),
		shipped: db.NewBatch(tx, `INSERT INTO delivery_shipped (deployment_id, change_id, environment, baseline) VALUES`, 4, ""),
		pulls: db.NewBatch(tx, `INSERT INTO delivery_pull_requests (id, component_ref, number, title, author, bot, url, opened_at, first_commit_at,
			first_review_at, merged_at, merge_sha, head_sha, deployed_at, source) VALUES`, 15, ""),
	}
}

func (w *benchWriter) flush(ctx context.Context) error {
	for _, b := range []*db.Batch{w.changes, w.pulls, w.deployments, w.shipped} {
		if err := b.Flush(ctx); err != nil {
			return err
		}
	}
	return nil
}

// benchGen makes one component's history at a time.
type benchGen struct {
	rng                              *rand.Rand
	end                              int64
	nextDeploy, nextChange, nextPull int64
	facts                            *benchFacts
}

type benchDeploy struct {
	id                int64
	started, finished int64
	result, remedy    string
	head              int // index of the head commit
	// rollbackTo is the deployment a rollback goes back to, else -1.
	rollbackTo int
	// first and last are the commits made for it: [first, last).
	first, last int
	bot         bool
	// derived
	failed   bool
	reason   string
	rework   bool
	recovery int64 // -1 when not recovered
	// changes counts the commits it shipped, up to head; baseline says
	// they were the first shipped.
	changes  int
	baseline bool
}

type benchCommit struct {
	sha                 string
	authored, committed int64
	started             int64
	bot                 bool
}

var (
	benchVerbs  = []string{"Fix", "Add", "Remove", "Refactor", "Update", "Speed up", "Document", "Test", "Rename", "Simplify"}
	benchNouns  = []string{"checkout flow", "retry logic", "cache layer", "login page", "billing export", "search index", "rate limiter", "API client", "config loader", "metrics"}
	benchBots   = []string{"dependabot[bot]", "renovate[bot]", "github-actions[bot]"}
	benchPeople = 400
)

func (g *benchGen) sha() string {
	var raw [20]byte
	for i := 0; i < 20; i += 8 {
		v := g.rng.Uint64()
		for j := 0; j < 8 && i+j < 20; j++ {
			raw[i+j] = byte(v >> (8 * j))
		}
	}
	return hex.EncodeToString(raw[:])
}

// component writes one component's deployments, commits, shipped rows and
// pull requests, and returns the days it deployed on.
func (g *benchGen) component(ctx context.Context, w *benchWriter, c, n int) ([]benchDay, error) {
	rng, f := g.rng, g.facts
	var err error
	add := func(b *db.Batch, values ...any) {
		if err == nil {
			err = b.Add(ctx, values...)
		}
	}
	key := benchComponentKey(c)
	span := int64(benchSpanDays) * 86400
	finishes := make([]int64, n)
	for i := range finishes {
		finishes[i] = g.end - 1 - rng.Int64N(span)
	}
	slices.Sort(finishes)
	deps := make([]benchDeploy, n)
	for j := range deps {
		d := &deps[j]
		d.id = g.nextDeploy
		g.nextDeploy++
		d.finished = finishes[j]
		d.started = d.finished - 60 - rng.Int64N(840)
		d.result = ResultSuccess
		d.rollbackTo = -1
		prevOK := j > 0 && deps[j-1].result == ResultSuccess && deps[j-1].remedy != RemedyRollback
		switch r := rng.Float64(); {
		case j == 0:
		case r < 0.015 && prevOK && prevSuccess(deps, j-1) >= 0:
			d.remedy = RemedyRollback
			d.rollbackTo = prevSuccess(deps, j-1)
		case r < 0.05:
			d.result = ResultFailure
		case r < 0.06:
			d.remedy = RemedyFix
		}
		d.bot = rng.IntN(10) == 0
	}

	// Commits: the history, then 1 to 19 per deployment that is not a
	// rollback, so that the component has benchChangesPer per deployment.
	sizes := make([]int, n)
	made := 0
	for j := range deps {
		if deps[j].remedy != RemedyRollback {
			sizes[j] = 1 + rng.IntN(19)
			made += sizes[j]
		}
	}
	history := max(1, benchChangesPer*n-made)
	commits := make([]benchCommit, 0, history+made)
	firstStart := deps[0].started
	for i := range history {
		at := firstStart - 180*86400 + int64(i)*(178*86400)/int64(history)
		commits = append(commits, benchCommit{sha: g.sha(), committed: at, authored: at - rng.Int64N(8*3600), bot: rng.IntN(10) == 0})
	}
	for j := range deps {
		d := &deps[j]
		d.first = len(commits)
		if sizes[j] > 0 {
			lo, hi := firstStart-2*86400, d.started
			if j > 0 {
				lo = deps[j-1].started
			}
			if hi-lo < 60 {
				lo = hi - 3600
			}
			times := make([]int64, sizes[j])
			for i := range times {
				times[i] = lo + rng.Int64N(hi-lo)
			}
			slices.Sort(times)
			for _, at := range times {
				commits = append(commits, benchCommit{sha: g.sha(), committed: at, authored: at - rng.Int64N(6*3600), bot: d.bot})
			}
			d.head = len(commits) - 1
		} else {
			d.head = deps[d.rollbackTo].head
		}
		d.last = len(commits)
	}
	for i := range commits {
		commits[i].started = commits[i].authored
	}

	// Pull requests: one per batch, merged by the batch's last commit;
	// written once shipping says when each reached production.
	type benchPull struct {
		number                  int64
		author                  string
		bot                     bool
		opened, firstAt, merged int64
		review                  any
		merge                   int
	}
	var prs []benchPull
	pulls := 0
	for j := range deps {
		d := &deps[j]
		if d.last == d.first {
			continue
		}
		merge := &commits[d.last-1]
		firstAt := merge.authored
		for _, cm := range commits[d.first:d.last] {
			firstAt = min(firstAt, cm.authored)
		}
		merged := merge.committed
		opened := firstAt + rng.Int64N(max(1, min(4*3600, merged-firstAt)))
		opened = min(opened, merged)
		var review any
		if rng.IntN(100) < 85 {
			review = opened + rng.Int64N(max(1, merged-opened))
		}
		author := fmt.Sprintf("dev%03d", rng.IntN(benchPeople))
		if d.bot {
			author = benchBots[rng.IntN(len(benchBots))]
		}
		merge.started = min(merge.authored, opened, firstAt)
		pulls++
		prs = append(prs, benchPull{int64(j + 1), author, d.bot, opened, firstAt, merged, review, d.last - 1})
	}

	// Shipping: the chain is linear, so what is shipped is a prefix of it.
	// A successful deployment that is not a rollback ships everything up
	// to its head; the first one ships it as baseline.
	shippedTo := -1 // index of the last shipped commit
	shippedAt := make([]int64, len(commits))
	baseID := g.nextChange
	var leadTimes int
	for j := range deps {
		d := &deps[j]
		if d.result != ResultSuccess || d.remedy == RemedyRollback {
			continue
		}
		d.baseline = shippedTo < 0
		for i := shippedTo + 1; i <= d.head; i++ {
			shippedAt[i] = d.finished
			if d.baseline {
				f.Baseline++
			} else if !commits[i].bot {
				leadTimes++
			}
		}
		d.changes = d.head - shippedTo
		f.Shipped += d.changes
		shippedTo = d.head
	}
	f.LeadTimes += leadTimes
	for _, p := range prs {
		var deployed any
		if at := shippedAt[p.merge]; at > 0 {
			deployed = at
		}
		add(w.pulls, g.nextPull, key, p.number, g.title(c), p.author, p.bot, "", p.opened, p.firstAt, p.review, p.merged,
			commits[p.merge].sha, g.sha(), deployed, benchSource)
		g.nextPull++
	}

	// Derived columns, as deriveLine sets them.
	for i := range deps {
		d := &deps[i]
		d.recovery = -1
		switch {
		case d.result == ResultFailure:
			d.failed, d.reason = true, "result"
		case i+1 < len(deps) && deps[i+1].remedy == RemedyRollback:
			d.failed, d.reason = true, "rollback"
		}
		if d.failed {
			for j := i + 1; j < len(deps); j++ {
				if deps[j].result == ResultSuccess {
					d.recovery = deps[j].finished - d.finished
					break
				}
			}
		}
		d.rework = d.remedy != ""
		if i > 0 && !d.rework && d.result == ResultSuccess {
			d.rework = deps[i-1].failed
		}
	}

	for i, cm := range commits {
		parents := ""
		if i > 0 {
			parents = commits[i-1].sha
		}
		author, email := fmt.Sprintf("Dev %03d", i%benchPeople), fmt.Sprintf("dev%03d@example.com", i%benchPeople)
		if cm.bot {
			author = benchBots[i%len(benchBots)]
			email = strings.TrimSuffix(author, "[bot]") + "[bot]@users.noreply.github.com"
			f.BotChanges++
		}
		add(w.changes, baseID+int64(i), key, cm.sha, parents, g.title(c), author, email, cm.bot, cm.authored, cm.committed,
			cm.started, benchSource)
	}
	g.nextChange += int64(len(commits))
	f.Changes += len(commits)
	f.PullRequests += pulls

	seen := map[int64]bool{}
	var days []benchDay
	for i := range deps {
		d := &deps[i]
		var recAt, recS any
		if d.recovery >= 0 {
			recAt, recS = d.finished+d.recovery, d.recovery
			f.Recovered++
		}
		add(w.deployments, d.id, key, Production, true, "v"+strconv.Itoa(i+1), commits[d.head].sha, d.started, d.finished,
			d.result, d.remedy, benchSource, strconv.Itoa(i+1), "", "", d.failed, d.reason, d.rework, recAt, recS, d.changes,
			d.finished, d.finished)
		f.Deployments++
		if d.finished >= dayOf(g.end)-89*86400 {
			f.InLast90Days++
		}
		if d.failed {
			f.Failed++
			if d.reason == "result" {
				f.FailedResult++
			} else {
				f.FailedRollback++
			}
		}
		if d.rework {
			f.Rework++
		}
		if d.remedy == RemedyFix {
			f.Fixes++
		}
		if day := dayOf(d.finished); !seen[day] {
			seen[day] = true
			days = append(days, benchDay{key, day})
		}
	}
	// The shipped rows name deployments and changes: those go first.
	if err == nil {
		err = w.changes.Flush(ctx)
	}
	if err == nil {
		err = w.deployments.Flush(ctx)
	}
	for j := range deps {
		d := &deps[j]
		for i := d.head - d.changes + 1; i <= d.head && d.changes > 0; i++ {
			add(w.shipped, d.id, baseID+int64(i), Production, d.baseline)
		}
	}
	return days, err
}

// prevSuccess returns the latest successful deployment before deps[j], or -1.
func prevSuccess(deps []benchDeploy, j int) int {
	for i := j - 1; i >= 0; i-- {
		if deps[i].result == ResultSuccess {
			return i
		}
	}
	return -1
}

func (g *benchGen) title(c int) string {
	return benchVerbs[g.rng.IntN(len(benchVerbs))] + " " + benchNouns[g.rng.IntN(len(benchNouns))] + " in " + benchComponentName(c)
}

// benchWindow is the last 90 days, as the page's default.
func benchWindow(b testing.TB) Window {
	b.Helper()
	w, err := ParseWindow("90d", "", "", time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return w
}

// benchCount counts production deployments in a window, of the given
// components (all when none), straight from delivery_deployments.
func benchCount(b testing.TB, s *Store, w Window, keys ...string) int {
	b.Helper()
	q := `SELECT COUNT(*) FROM delivery_deployments WHERE production AND finished_at >= $1 AND finished_at < $2`
	args := []any{w.Start.Unix(), w.End.Unix()}
	if len(keys) > 0 {
		q += ` AND component_ref IN (` + db.Placeholders(3, len(keys)) + `)`
		for _, k := range keys {
			args = append(args, k)
		}
	}
	var n int
	if err := s.db.Read().QueryRowContext(testCtx, q, args...).Scan(&n); err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkCompanyReport90d computes the delivery page for the company
// over the last 90 days: the keys, the previous window, the weekly trend
// and the breakdown by team and by component.
func BenchmarkCompanyReport90d(b *testing.B) {
	s, _ := openBenchStore(b)
	w := benchWindow(b)
	rep, err := s.Report(testCtx, Scope{}, w)
	if err != nil {
		b.Fatal(err)
	}
	if want := benchCount(b, s, w); rep.Keys.Deployments != want || want == 0 {
		b.Fatalf("got %d deployments in the window, want %d (COUNT(*) of delivery_deployments), more than 0", rep.Keys.Deployments, want)
	}
	if want := benchCount(b, s, w.Previous()); rep.Previous.Deployments != want || want == 0 {
		b.Fatalf("got %d deployments in the previous window, want %d", rep.Previous.Deployments, want)
	}
	if rep.Keys.LeadTimeP50 == nil || rep.Keys.FailureRate == nil || rep.Keys.RecoveryP50 == nil {
		b.Fatalf("got lead time p50 %s, failure rate %s, recovery p50 %s, want all set", f64(rep.Keys.LeadTimeP50), f64(rep.Keys.FailureRate), f64(rep.Keys.RecoveryP50))
	}
	var active int
	if err := s.db.Read().QueryRowContext(testCtx, `SELECT COUNT(DISTINCT component_ref) FROM delivery_deployments WHERE production AND finished_at >= $1 AND finished_at < $2`,
		w.Start.Unix(), w.End.Unix()).Scan(&active); err != nil {
		b.Fatal(err)
	}
	if len(rep.Teams) != benchTeams || len(rep.Components) != active || len(rep.Weekly) < 13 {
		b.Fatalf("got %d teams, %d components, %d weeks; want %d, %d, at least 13", len(rep.Teams), len(rep.Components), len(rep.Weekly), benchTeams, active)
	}
	b.Logf("window %s to %s: %d deployments, %d changes, lead time p50 %s s p90 %s s, failure rate %s, recovery p50 %s s, rework rate %s",
		w.Start.Format(time.DateOnly), w.End.Format(time.RFC3339), rep.Keys.Deployments, rep.Keys.Changes, f64(rep.Keys.LeadTimeP50),
		f64(rep.Keys.LeadTimeP90), f64(rep.Keys.FailureRate), f64(rep.Keys.RecoveryP50), f64(rep.Keys.ReworkRate))
	for b.Loop() {
		if _, err := s.Report(testCtx, Scope{}, w); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkCompanySummary90d computes `chief dora` for the company over
// the last 90 days: the keys, the previous window, the 2024 placement and
// the pull-request cycle time.
func BenchmarkCompanySummary90d(b *testing.B) {
	s, _ := openBenchStore(b)
	w := benchWindow(b)
	bm, ok := BenchmarkFor(2024)
	if !ok {
		b.Fatal("no 2024 benchmark table")
	}
	sum, err := s.Summarize(testCtx, Scope{}, w, bm)
	if err != nil {
		b.Fatal(err)
	}
	if want := benchCount(b, s, w); sum.Deployments != want || want == 0 {
		b.Fatalf("got %d deployments in the window, want %d (COUNT(*) of delivery_deployments), more than 0", sum.Deployments, want)
	}
	var pulls int
	if err := s.db.Read().QueryRowContext(testCtx, `SELECT COUNT(*) FROM delivery_pull_requests WHERE merged_at >= $1 AND merged_at < $2 AND NOT bot`,
		w.Start.Unix(), w.End.Unix()).Scan(&pulls); err != nil {
		b.Fatal(err)
	}
	ct := sum.CycleTime
	if ct.PullRequests != pulls || pulls == 0 || sum.LeadTimeP50 == nil || ct.DeployP50 == nil || ct.ReviewP50 == nil || len(sum.Tiers) != 4 {
		b.Fatalf("got %d pull requests (want %d), lead time p50 %s, deploy p50 %s, review p50 %s, %d tiers; want all set and 4 tiers",
			ct.PullRequests, pulls, f64(sum.LeadTimeP50), f64(ct.DeployP50), f64(ct.ReviewP50), len(sum.Tiers))
	}
	b.Logf("%d pull requests: coding p50 %s s, pickup p50 %s s, review p50 %s s, deploy p50 %s s (%d measured)", ct.PullRequests,
		f64(ct.CodingP50), f64(ct.PickupP50), f64(ct.ReviewP50), f64(ct.DeployP50), ct.Deploy)
	for b.Loop() {
		if _, err := s.Summarize(testCtx, Scope{}, w, bm); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkTeamMeasure90d computes one team's keys over the last 90 days.
func BenchmarkTeamMeasure90d(b *testing.B) {
	s, _ := openBenchStore(b)
	w := benchWindow(b)
	const team = 7
	var keys []string
	for c := team; c < benchComponents; c += benchTeams {
		keys = append(keys, benchComponentKey(c))
	}
	sc := Scope{Team: benchTeamName(team)}
	k, err := s.Measure(testCtx, sc, w)
	if err != nil {
		b.Fatal(err)
	}
	if want := benchCount(b, s, w, keys...); k.Deployments != want || want == 0 {
		b.Fatalf("got %d deployments of %s in the window, want %d (COUNT(*) of delivery_deployments), more than 0", k.Deployments, sc.Team, want)
	}
	if k.LeadTimeP50 == nil {
		b.Fatal("got no lead time p50, want one")
	}
	for b.Loop() {
		if _, err := s.Measure(testCtx, sc, w); err != nil {
			b.Fatal(err)
		}
	}
}

// TestBenchDump writes the answers of Report, Summarize and one team's
// Measure, over the 90 days that end when the benchmark data was
// generated, as JSON files in the folder CHIEF_BENCH_DELIVERY_DUMP, so
// that two versions of the code can be compared on the benchmark data:
//
//	CHIEF_BENCH_DELIVERY_DIR=/tmp/delivery-bench CHIEF_BENCH_DELIVERY_DUMP=/tmp/before \
//	  go test -run BenchDump ./internal/delivery/
func TestBenchDump(t *testing.T) {
	out := os.Getenv("CHIEF_BENCH_DELIVERY_DUMP")
	if out == "" {
		t.Skip("CHIEF_BENCH_DELIVERY_DUMP is not set: name a folder to write the benchmark's answers to")
	}
	s, facts := openBenchStore(t)
	w, err := ParseWindow("90d", "", "", facts.End)
	if err != nil {
		t.Fatal(err)
	}
	bm, _ := BenchmarkFor(2024)
	answers := map[string]func() (any, error){
		"report.json":  func() (any, error) { return s.Report(testCtx, Scope{}, w) },
		"summary.json": func() (any, error) { return s.Summarize(testCtx, Scope{}, w, bm) },
		"team.json":    func() (any, error) { return s.Measure(testCtx, Scope{Team: benchTeamName(7)}, w) },
		"team-report.json": func() (any, error) {
			return s.Report(testCtx, Scope{Team: benchTeamName(7)}, w)
		},
		"component-report.json": func() (any, error) {
			return s.Report(testCtx, Scope{Component: benchComponentName(3)}, w)
		},
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		t.Fatal(err)
	}
	for name, answer := range answers {
		v, err := answer()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		raw, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(out, name), raw, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestSelectRank checks the selection the keys use against sorting, on
// lists long enough to be partitioned, with many repeated values and in
// the orders that defeat naive pivots.
func TestSelectRank(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, tc := range []struct {
		name string
		make func(n int) []int64
	}{
		{"random", func(n int) []int64 {
			vs := make([]int64, n)
			for i := range vs {
				vs[i] = rng.Int64N(1 << 40)
			}
			return vs
		}},
		{"few values", func(n int) []int64 {
			vs := make([]int64, n)
			for i := range vs {
				vs[i] = rng.Int64N(3)
			}
			return vs
		}},
		{"sorted", func(n int) []int64 {
			vs := make([]int64, n)
			for i := range vs {
				vs[i] = int64(i)
			}
			return vs
		}},
		{"reversed", func(n int) []int64 {
			vs := make([]int64, n)
			for i := range vs {
				vs[i] = int64(n - i)
			}
			return vs
		}},
		{"organ pipe", func(n int) []int64 {
			vs := make([]int64, n)
			for i := range vs {
				vs[i] = int64(min(i, n-i))
			}
			return vs
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, n := range []int{1, 2, 16, 17, 100, 1001, 100_000} {
				for _, p := range []float64{0, 0.1, 0.5, 0.9, 0.99, 1} {
					vs := tc.make(n)
					sorted := slices.Clone(vs)
					slices.Sort(sorted)
					if got, want := selectRank(vs, p), nearestRank(sorted, p); got != want {
						t.Fatalf("n %d, p %g: got %d, want %d", n, p, got, want)
					}
					slices.Sort(vs)
					if !slices.Equal(vs, sorted) {
						t.Fatalf("n %d, p %g: selection lost or changed values", n, p)
					}
				}
			}
		})
	}
}

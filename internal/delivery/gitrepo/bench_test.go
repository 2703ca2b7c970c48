package gitrepo

import (
	"context"
	"os"
	"runtime"
	"testing"
	"time"
)

// TestReadBenchRepo times Read on a repository that bench/gitrepo.sh
// built; it runs only when CHIEF_BENCH_GITREPO names one.
func TestReadBenchRepo(t *testing.T) {
	dir := os.Getenv("CHIEF_BENCH_GITREPO")
	if dir == "" {
		t.Skip("CHIEF_BENCH_GITREPO is not set (build a repository with bench/gitrepo.sh)")
	}
	for _, tc := range []struct {
		name string
		opts Options
	}{
		{"tags v*", Options{DeployTags: "v*"}},
		{"branch main", Options{DeployBranch: "main"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			runtime.GC()
			var before, after runtime.MemStats
			runtime.ReadMemStats(&before)
			start := time.Now()
			got, err := Read(context.Background(), dir, tc.opts)
			elapsed := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			runtime.ReadMemStats(&after)
			t.Logf("%s: %d changes, %d deployments in %v (%.1f µs a commit), %d MB allocated, GOMAXPROCS %d",
				tc.name, len(got.Changes), len(got.Deployments), elapsed.Round(time.Millisecond),
				float64(elapsed.Microseconds())/float64(max(len(got.Changes), 1)),
				(after.TotalAlloc-before.TotalAlloc)>>20, runtime.GOMAXPROCS(0))
		})
	}
}

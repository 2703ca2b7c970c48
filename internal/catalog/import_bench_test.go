package catalog_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db/dbtest"
)

// benchEntities is how many entities BenchmarkImport imports by default.
// The 50,000 entity target is measured with the chief binary by
// bench/run.sh; this benchmark is the quick, self-contained version of it.
// CHIEF_BENCH_ENTITIES overrides the count, e.g. to profile a larger import.
const benchEntities = 5000

func benchCount(tb testing.TB) int {
	s := os.Getenv("CHIEF_BENCH_ENTITIES")
	if s == "" {
		return benchEntities
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 100 {
		tb.Fatalf("CHIEF_BENCH_ENTITIES=%q: want a number of at least 100", s)
	}
	return n
}

// BenchmarkImport imports a generated Backstage catalog of benchEntities
// (5,000) entities (plus one root Location) into a fresh SQLite database ("fresh"),
// and imports the same files again into a database that already has them
// ("again", which must change nothing). Run it with
//
//	go test -run '^$' -bench Import -benchtime 1x ./internal/catalog/
func BenchmarkImport(b *testing.B) {
	dir := b.TempDir()
	n := benchCount(b)
	root := writeBenchCatalog(b, dir, n)
	fsys := os.DirFS(dir)
	roots := []string{root}
	opt := catalog.ImportOptions{LocationPrefix: "bench/"}
	want := n + 1

	b.Run("fresh", func(b *testing.B) {
		for i := 0; i < b.N; i++ {
			b.StopTimer()
			s := catalog.NewStore(dbtest.OpenSQLite(b))
			b.StartTimer()
			res, err := s.Import(context.Background(), fsys, roots, opt)
			if err != nil {
				b.Fatal(err)
			}
			if res.Created != want || len(res.Problems) != 0 {
				b.Fatalf("got %d created and %d problem(s) (first: %v), want %d created and none", res.Created, len(res.Problems), firstProblem(res), want)
			}
		}
		b.ReportMetric(float64(want*b.N)/b.Elapsed().Seconds(), "entities/s")
	})

	b.Run("again", func(b *testing.B) {
		s := catalog.NewStore(dbtest.OpenSQLite(b))
		if _, err := s.Import(context.Background(), fsys, roots, opt); err != nil {
			b.Fatal(err)
		}
		b.ResetTimer()
		for i := 0; i < b.N; i++ {
			res, err := s.Import(context.Background(), fsys, roots, opt)
			if err != nil {
				b.Fatal(err)
			}
			if res.Unchanged != want || res.Created+res.Updated+res.Orphaned != 0 || len(res.Problems) != 0 {
				b.Fatalf("re-import: got %d unchanged, %d created, %d updated, %d orphaned, %d problem(s) (first: %v); want all %d unchanged",
					res.Unchanged, res.Created, res.Updated, res.Orphaned, len(res.Problems), firstProblem(res), want)
			}
		}
		b.ReportMetric(float64(want*b.N)/b.Elapsed().Seconds(), "entities/s")
	})
}

func firstProblem(res catalog.ImportResult) any {
	if len(res.Problems) == 0 {
		return nil
	}
	return res.Problems[0]
}

// writeBenchCatalog writes n entities, in the proportions bench/gen uses,
// into about ten files under dir, plus a catalog-info.yaml Location listing
// them, and returns the Location's path relative to dir. Every reference
// resolves.
func writeBenchCatalog(tb testing.TB, dir string, n int) string {
	tb.Helper()
	r := rand.New(rand.NewPCG(1, 2))
	areas := []string{"payments", "orders", "search", "shipping", "billing", "identity", "inventory", "pricing"}
	tags := []string{"go", "java", "python", "typescript", "grpc", "rest", "kafka", "postgres", "frontend", "backend", "pci", "legacy"}
	lifecycles := []string{"production", "production", "production", "experimental", "experimental", "deprecated"}
	pick := func(l []string) string { return l[r.IntN(len(l))] }
	groups, domains, systems := max(2, n/50), max(1, n/500), max(1, n/50)
	users, apis, resources := n*16/100, n*20/100, n*10/100
	components := n - groups - domains - systems - users - apis - resources
	group := func(i int) string { return fmt.Sprintf("team-%s-%04d", areas[i%len(areas)], i) }
	system := func(i int) string { return fmt.Sprintf("%s-system-%04d", areas[i%len(areas)], i) }
	domain := func(i int) string { return fmt.Sprintf("%s-domain-%03d", areas[i%len(areas)], i) }
	api := func(i int) string { return fmt.Sprintf("%s-api-%05d", areas[i%len(areas)], i) }
	resource := func(i int) string { return fmt.Sprintf("%s-db-%05d", areas[i%len(areas)], i) }
	component := func(i int) string { return fmt.Sprintf("%s-service-%05d", areas[i%len(areas)], i) }
	head := func(kind, name, extra string) string {
		t := r.IntN(len(tags))
		u := (t + 1 + r.IntN(len(tags)-1)) % len(tags) // a second, different tag
		return fmt.Sprintf("apiVersion: backstage.io/v1alpha1\nkind: %s\nmetadata:\n  name: %s\n  description: \"%s %s for the %s area.\"\n  tags: [%s, %s]\n%sspec:\n",
			kind, name, kind, name, pick(areas), tags[t], tags[u], extra)
	}

	var docs []string
	for i := 0; i < groups; i++ {
		spec := "  type: team\n  children: []\n"
		if i > 0 {
			spec += "  parent: " + group(0) + "\n"
		}
		docs = append(docs, head("Group", group(i), "")+spec)
	}
	for i := 0; i < users; i++ {
		docs = append(docs, head("User", fmt.Sprintf("user-%05d", i), "")+
			fmt.Sprintf("  profile:\n    displayName: \"User %d\"\n    email: user%d@example.com\n  memberOf: [%s]\n", i, i, group(r.IntN(groups))))
	}
	for i := 0; i < domains; i++ {
		docs = append(docs, head("Domain", domain(i), "")+"  owner: "+group(r.IntN(groups))+"\n")
	}
	for i := 0; i < systems; i++ {
		docs = append(docs, head("System", system(i), "")+fmt.Sprintf("  owner: %s\n  domain: %s\n", group(r.IntN(groups)), domain(r.IntN(domains))))
	}
	for i := 0; i < apis; i++ {
		docs = append(docs, head("API", api(i), "")+fmt.Sprintf("  type: openapi\n  lifecycle: %s\n  owner: %s\n  system: %s\n  definition: |\n    openapi: 3.0.3\n    info:\n      title: %s\n      version: 1.0.0\n    paths: {}\n",
			pick(lifecycles), group(r.IntN(groups)), system(r.IntN(systems)), api(i)))
	}
	for i := 0; i < resources; i++ {
		docs = append(docs, head("Resource", resource(i), "")+fmt.Sprintf("  type: database\n  owner: %s\n  system: %s\n", group(r.IntN(groups)), system(r.IntN(systems))))
	}
	for i := 0; i < components; i++ {
		extra := fmt.Sprintf("  annotations:\n    github.com/project-slug: example/%s\n", component(i))
		spec := fmt.Sprintf("  type: service\n  lifecycle: %s\n  owner: %s\n  system: %s\n  providesApis: [%s]\n  consumesApis: [%s, %s]\n  dependsOn: [resource:%s, component:%s]\n",
			pick(lifecycles), group(r.IntN(groups)), system(r.IntN(systems)), api(i%apis), api(r.IntN(apis)), api(r.IntN(apis)),
			resource(r.IntN(resources)), component(r.IntN(components)))
		docs = append(docs, head("Component", component(i), extra)+spec)
	}

	const files = 10
	per := (len(docs) + files - 1) / files
	var loc strings.Builder
	loc.WriteString("apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: bench-root\nspec:\n  targets:\n")
	for f := 0; f*per < len(docs); f++ {
		name := fmt.Sprintf("entities-%02d.yaml", f)
		part := docs[f*per : min(len(docs), (f+1)*per)]
		if err := os.WriteFile(filepath.Join(dir, name), []byte(strings.Join(part, "---\n")), 0o644); err != nil {
			tb.Fatal(err)
		}
		fmt.Fprintf(&loc, "    - ./%s\n", name)
	}
	if err := os.WriteFile(filepath.Join(dir, "catalog-info.yaml"), []byte(loc.String()), 0o644); err != nil {
		tb.Fatal(err)
	}
	return "catalog-info.yaml"
}

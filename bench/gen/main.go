// Command gen writes a generated, realistic Backstage catalog of N entities
// into a folder, for Chief's import and listing benchmarks.
//
//	go run ./bench/gen -n 50000 -out /tmp/catalog
//	chief import backstage /tmp/catalog/catalog-info.yaml --data /tmp/chief-data
//
// The catalog has groups (one per 50 entities: departments and teams), users
// with memberOf and a profile, domains, systems, components (owner, system,
// dependsOn, providesApis, consumesApis), APIs with a short definition, and
// resources, with tags from a small vocabulary, annotations, labels and
// links. The entities are spread over about -files descriptor files under
// OUT/entities/, and OUT/catalog-info.yaml is a Location listing them. Every
// reference resolves, so an import reports no problem. The same -n and -seed
// always give the same files.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strconv"
	"strings"
)

// Vocabularies. Names are made of an adjective-ish prefix, a noun and a
// number, so that a search for a noun matches a realistic share of them.
var (
	areas = []string{"payments", "orders", "catalog", "search", "shipping", "billing", "identity", "inventory",
		"pricing", "checkout", "analytics", "messaging", "media", "reviews", "loyalty", "fraud", "ledger",
		"warehouse", "returns", "support"}
	nouns = []string{"service", "gateway", "worker", "processor", "indexer", "scheduler", "exporter", "adapter",
		"api", "store", "sync", "router", "engine", "monitor", "importer", "cache"}
	tagVocab = []string{"go", "java", "kotlin", "python", "typescript", "rust", "grpc", "rest", "graphql", "kafka",
		"postgres", "redis", "frontend", "backend", "tier-1", "tier-2", "pci", "gdpr", "legacy", "customer-facing"}
	firstNames = []string{"ada", "bruno", "chen", "dalia", "emeka", "farah", "goran", "hana", "ines", "jonas",
		"kofi", "lena", "mateo", "nadia", "oskar", "priya", "quinn", "rosa", "sven", "tariq", "uma", "viktor",
		"wen", "ximena", "yusuf", "zara"}
	lastNames = []string{"andersen", "bakker", "costa", "dubois", "eriksen", "fischer", "garcia", "horvat",
		"ivanova", "jensen", "kowalski", "lindqvist", "moreau", "novak", "okafor", "petrov", "quispe", "rossi",
		"silva", "tanaka", "ueda", "varga", "weber", "xu", "yilmaz", "zimmer"}
	componentTypes = []string{"service", "service", "service", "service", "website", "library", "library", "pipeline"}
	apiTypes       = []string{"openapi", "openapi", "openapi", "grpc", "asyncapi", "graphql"}
	resourceTypes  = []string{"database", "database", "s3-bucket", "queue", "cache", "topic"}
	words          = []string{"handles", "stores", "publishes", "reconciles", "serves", "indexes", "validates",
		"aggregates", "exports", "schedules", "routes", "caches", "tracks", "computes", "audits"}
	objects = []string{"customer orders", "invoices", "product data", "shipment events", "user sessions",
		"price changes", "stock levels", "refunds", "search queries", "notifications", "ledger entries",
		"feature flags", "audit trails", "media files", "reviews"}
)

// counts says how many entities of each kind a catalog of n entities has.
type counts struct {
	groups, departments, users, domains, systems, components, apis, resources int
}

func split(n int) counts {
	var c counts
	c.groups = max(2, n/50)
	c.departments = max(1, c.groups/20)
	c.domains = max(1, n/500)
	c.systems = max(1, n/50)
	c.users = n * 16 / 100
	c.apis = n * 20 / 100
	c.resources = n * 10 / 100
	c.components = n - c.groups - c.domains - c.systems - c.users - c.apis - c.resources
	if c.components < 1 {
		c.components = 1
	}
	return c
}

type gen struct {
	r *rand.Rand
	c counts
}

func (g *gen) pick(list []string) string { return list[g.r.IntN(len(list))] }

func q(s string) string { return strconv.Quote(s) }

func (g *gen) groupName(i int) string {
	if i < g.c.departments {
		return fmt.Sprintf("dept-%s-%03d", areas[i%len(areas)], i)
	}
	return fmt.Sprintf("team-%s-%04d", areas[i%len(areas)], i)
}
func (g *gen) userName(i int) string {
	return fmt.Sprintf("%s-%s-%05d", firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)], i)
}
func domainName(i int) string { return fmt.Sprintf("%s-domain-%03d", areas[i%len(areas)], i) }
func systemName(i int) string { return fmt.Sprintf("%s-system-%04d", areas[i%len(areas)], i) }
func componentName(i int) string {
	return fmt.Sprintf("%s-%s-%05d", areas[(i/3)%len(areas)], nouns[i%len(nouns)], i)
}
func apiName(i int) string      { return fmt.Sprintf("%s-api-%05d", areas[(i/2)%len(areas)], i) }
func resourceName(i int) string { return fmt.Sprintf("%s-store-%05d", areas[i%len(areas)], i) }

// team returns a team (not a department) index.
func (g *gen) team() int {
	if g.c.groups == g.c.departments {
		return g.r.IntN(g.c.groups)
	}
	return g.c.departments + g.r.IntN(g.c.groups-g.c.departments)
}

func (g *gen) lifecycle() string {
	switch x := g.r.IntN(10); {
	case x < 6:
		return "production"
	case x < 9:
		return "experimental"
	default:
		return "deprecated"
	}
}

func (g *gen) tags(n int) string {
	seen := map[string]bool{}
	var out []string
	for len(out) < n {
		t := g.pick(tagVocab)
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return "[" + strings.Join(out, ", ") + "]"
}

func (g *gen) description(subject string) string {
	return fmt.Sprintf("%s that %s %s for the %s area.", subject, g.pick(words), g.pick(objects), g.pick(areas))
}

func title(name string) string {
	parts := strings.Split(name, "-")
	for i, p := range parts {
		if p != "" {
			parts[i] = strings.ToUpper(p[:1]) + p[1:]
		}
	}
	return strings.Join(parts, " ")
}

// doc is one generated descriptor, in the order kinds are written.
type doc struct {
	kind string
	text string
}

func (g *gen) all() []doc {
	c := g.c
	var out []doc
	add := func(kind, text string) { out = append(out, doc{kind, text}) }

	// Groups: departments under nobody, teams under a department.
	children := make([][]string, c.departments)
	parentOf := make([]int, c.groups)
	for i := c.departments; i < c.groups; i++ {
		p := i % c.departments
		parentOf[i] = p
		children[p] = append(children[p], g.groupName(i))
	}
	for i := 0; i < c.groups; i++ {
		var b strings.Builder
		name := g.groupName(i)
		fmt.Fprintf(&b, "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: %s\n  title: %s\n  description: %s\n",
			name, q(title(name)), q(g.description("Team")))
		typ := "team"
		if i < c.departments {
			typ = "department"
		}
		fmt.Fprintf(&b, "spec:\n  type: %s\n  profile:\n    displayName: %s\n    email: %s@example.com\n", typ, q(title(name)), name)
		if i < c.departments && len(children[i]) > 0 {
			b.WriteString("  children:\n")
			for _, ch := range children[i] {
				fmt.Fprintf(&b, "    - %s\n", ch)
			}
		} else if i < c.departments {
			b.WriteString("  children: []\n")
		} else {
			fmt.Fprintf(&b, "  parent: %s\n  children: []\n", g.groupName(parentOf[i]))
		}
		add("Group", b.String())
	}

	// Users: one or two teams each.
	for i := 0; i < c.users; i++ {
		name := g.userName(i)
		first, last := firstNames[i%len(firstNames)], lastNames[(i/len(firstNames))%len(lastNames)]
		member := []string{g.groupName(g.team())}
		if g.r.IntN(5) == 0 {
			if other := g.groupName(g.team()); other != member[0] {
				member = append(member, other)
			}
		}
		add("User", fmt.Sprintf(`apiVersion: backstage.io/v1alpha1
kind: User
metadata:
  name: %s
  description: %s
spec:
  profile:
    displayName: %s
    email: %s.%s.%d@example.com
  memberOf: [%s]
`, name, q(g.pick([]string{"Software Engineer", "Senior Engineer", "Staff Engineer", "Engineering Manager", "SRE", "Product Manager"})),
			q(title(first)+" "+title(last)), first, last, i, strings.Join(member, ", ")))
	}

	for i := 0; i < c.domains; i++ {
		name := domainName(i)
		add("Domain", fmt.Sprintf(`apiVersion: backstage.io/v1alpha1
kind: Domain
metadata:
  name: %s
  title: %s
  description: %s
  tags: %s
spec:
  owner: %s
`, name, q(title(name)), q(g.description("Business domain")), g.tags(1), g.groupName(g.r.IntN(c.departments))))
	}

	for i := 0; i < c.systems; i++ {
		name := systemName(i)
		add("System", fmt.Sprintf(`apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: %s
  title: %s
  description: %s
  tags: %s
spec:
  owner: %s
  domain: %s
`, name, q(title(name)), q(g.description("System")), g.tags(1+g.r.IntN(2)), g.groupName(g.team()), domainName(g.r.IntN(c.domains))))
	}

	// Each API is provided by one component; components also consume some.
	providers := make([][]string, c.components)
	for i := 0; i < c.apis; i++ {
		p := g.r.IntN(c.components)
		providers[p] = append(providers[p], apiName(i))
	}
	for i := 0; i < c.apis; i++ {
		name := apiName(i)
		typ := g.pick(apiTypes)
		add("API", fmt.Sprintf(`apiVersion: backstage.io/v1alpha1
kind: API
metadata:
  name: %s
  title: %s
  description: %s
  tags: %s
spec:
  type: %s
  lifecycle: %s
  owner: %s
  system: %s
  definition: |
%s`, name, q(title(name)), q(g.description("API")), g.tags(1+g.r.IntN(2)), typ, g.lifecycle(), g.groupName(g.team()),
			systemName(g.r.IntN(c.systems)), definition(typ, name)))
	}

	for i := 0; i < c.resources; i++ {
		name := resourceName(i)
		add("Resource", fmt.Sprintf(`apiVersion: backstage.io/v1alpha1
kind: Resource
metadata:
  name: %s
  description: %s
  tags: %s
spec:
  type: %s
  owner: %s
  system: %s
`, name, q(g.description("Resource")), g.tags(1), g.pick(resourceTypes), g.groupName(g.team()), systemName(g.r.IntN(c.systems))))
	}

	for i := 0; i < c.components; i++ {
		name := componentName(i)
		var b strings.Builder
		fmt.Fprintf(&b, `apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: %s
  title: %s
  description: %s
  tags: %s
  labels:
    example.com/tier: tier-%d
  annotations:
    github.com/project-slug: example/%s
    backstage.io/techdocs-ref: dir:.
  links:
    - url: https://grafana.example.com/d/%s
      title: Dashboard
spec:
  type: %s
  lifecycle: %s
  owner: %s
  system: %s
`, name, q(title(name)), q(g.description("Component")), g.tags(1+g.r.IntN(3)), 1+g.r.IntN(3), name, name,
			g.pick(componentTypes), g.lifecycle(), g.groupName(g.team()), systemName(g.r.IntN(c.systems)))
		if len(providers[i]) > 0 {
			fmt.Fprintf(&b, "  providesApis: [%s]\n", strings.Join(providers[i], ", "))
		}
		if n := g.r.IntN(4); n > 0 && c.apis > 0 {
			var list []string
			for k := 0; k < n; k++ {
				list = append(list, apiName(g.r.IntN(c.apis)))
			}
			fmt.Fprintf(&b, "  consumesApis: [%s]\n", strings.Join(uniq(list), ", "))
		}
		var deps []string
		for k := g.r.IntN(3); k > 0; k-- {
			if j := g.r.IntN(c.components); j != i {
				deps = append(deps, "component:"+componentName(j))
			}
		}
		if c.resources > 0 && g.r.IntN(2) == 0 {
			deps = append(deps, "resource:"+resourceName(g.r.IntN(c.resources)))
		}
		if len(deps) > 0 {
			fmt.Fprintf(&b, "  dependsOn: [%s]\n", strings.Join(uniq(deps), ", "))
		}
		add("Component", b.String())
	}
	return out
}

func uniq(list []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, s := range list {
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// definition is a small API definition of the type, indented for a YAML
// block scalar under spec.definition.
func definition(typ, name string) string {
	var s string
	switch typ {
	case "grpc":
		s = fmt.Sprintf("syntax = \"proto3\";\npackage %s;\nservice Main {\n  rpc Get (GetRequest) returns (Item);\n}\nmessage GetRequest { string id = 1; }\nmessage Item { string id = 1; string name = 2; }\n",
			strings.ReplaceAll(name, "-", "_"))
	case "asyncapi":
		s = fmt.Sprintf("asyncapi: 2.6.0\ninfo:\n  title: %s\n  version: 1.0.0\nchannels:\n  %s.events:\n    subscribe:\n      message:\n        payload:\n          type: object\n", name, name)
	case "graphql":
		s = "type Query {\n  item(id: ID!): Item\n}\ntype Item {\n  id: ID!\n  name: String!\n}\n"
	default:
		s = fmt.Sprintf("openapi: 3.0.3\ninfo:\n  title: %s\n  version: 1.0.0\npaths:\n  /items/{id}:\n    get:\n      responses:\n        \"200\":\n          description: The item.\n", name)
	}
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSuffix(s, "\n"), "\n") {
		b.WriteString("    " + line + "\n")
	}
	return b.String()
}

var plural = map[string]string{"Group": "groups", "User": "users", "Domain": "domains", "System": "systems",
	"API": "apis", "Resource": "resources", "Component": "components"}

func main() {
	n := flag.Int("n", 50000, "number of entities to generate (the root Location comes on top)")
	out := flag.String("out", "bench-catalog", "folder to write to (created; existing generated files are replaced)")
	files := flag.Int("files", 50, "about how many descriptor files to spread the entities over")
	seed := flag.Uint64("seed", 1, "random seed; the same seed and -n give the same files")
	flag.Parse()
	if *n < 10 {
		fmt.Fprintln(os.Stderr, "gen: -n must be at least 10")
		os.Exit(2)
	}
	if err := run(*n, *files, *seed, *out); err != nil {
		fmt.Fprintln(os.Stderr, "gen:", err)
		os.Exit(1)
	}
}

func run(n, nfiles int, seed uint64, out string) error {
	g := &gen{r: rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15)), c: split(n)}
	docs := g.all()
	dir := filepath.Join(out, "entities")
	if err := os.RemoveAll(dir); err != nil {
		return err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	per := max(1, (len(docs)+nfiles-1)/max(1, nfiles))
	var targets []string
	byKind := map[string]int{}
	for start := 0; start < len(docs); {
		// A file holds one kind, at most per documents.
		kind := docs[start].kind
		end := start
		for end < len(docs) && end-start < per && docs[end].kind == kind {
			end++
		}
		byKind[kind]++
		name := fmt.Sprintf("%s-%03d.yaml", plural[kind], byKind[kind])
		if err := writeFile(filepath.Join(dir, name), docs[start:end]); err != nil {
			return err
		}
		targets = append(targets, "./entities/"+name)
		start = end
	}
	var b strings.Builder
	fmt.Fprintf(&b, "# Generated by bench/gen: %d entities in %d files (seed %d).\napiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: bench-root\n  description: Generated benchmark catalog.\nspec:\n  type: file\n  targets:\n", len(docs), len(targets), seed)
	for _, t := range targets {
		fmt.Fprintf(&b, "    - %s\n", t)
	}
	if err := os.WriteFile(filepath.Join(out, "catalog-info.yaml"), []byte(b.String()), 0o644); err != nil {
		return err
	}
	c := g.c
	fmt.Printf("Wrote %d entities (+1 Location) in %d files to %s: %d groups, %d users, %d domains, %d systems, %d components, %d APIs, %d resources.\n",
		len(docs), len(targets), filepath.Join(out, "catalog-info.yaml"), c.groups, c.users, c.domains, c.systems, c.components, c.apis, c.resources)
	return nil
}

func writeFile(path string, docs []doc) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for i, d := range docs {
		if i > 0 {
			w.WriteString("---\n")
		}
		w.WriteString(d.text)
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/cli"
)

// fixtureRoots are the Backstage example files the catalog tests use too.
var fixtureRoots = []string{
	"../catalog/testdata/backstage/all.yaml",
	"../catalog/testdata/backstage/acme-corp.yaml",
	"../catalog/testdata/backstage/upstream-apis.yaml",
}

// fixtureKinds is what importing fixtureRoots gives, Locations aside.
var fixtureKinds = map[string]int{"API": 11, "Component": 13, "Domain": 3, "Group": 9, "Resource": 1, "System": 3, "User": 17}

// kindCounts counts the entities of each kind through the API.
func kindCounts(t testing.TB, c *client) map[string]int {
	t.Helper()
	out := map[string]int{}
	for k := range fixtureKinds {
		if n := total(t, c, "kind="+k); n > 0 {
			out[k] = n
		}
	}
	return out
}

// snapshot returns every non-Location entity as canonical JSON by ref:
// descriptor and relations, without Chief's bookkeeping.
func snapshot(t testing.TB, c *client) map[string]string {
	t.Helper()
	var page struct {
		Items []map[string]any `json:"items"`
		Total int              `json:"total"`
	}
	if r := c.json(http.MethodGet, "/api/v1/entities?limit=500", nil, &page); r.Status != http.StatusOK {
		t.Fatalf("list entities: got %d, want 200", r.Status)
	}
	if len(page.Items) != page.Total {
		t.Fatalf("list entities: got %d items of %d, want all on one page", len(page.Items), page.Total)
	}
	out := map[string]string{}
	for _, e := range page.Items {
		ref := e["status"].(map[string]any)["ref"].(string)
		delete(e, "status")
		b, _ := json.Marshal(e)
		out[ref] = string(b)
	}
	return out
}

// diffSnapshots describes how two snapshots differ, "" when they do not.
func diffSnapshots(got, want map[string]string) string {
	var lines []string
	for ref, w := range want {
		g, ok := got[ref]
		switch {
		case !ok:
			lines = append(lines, "missing "+ref)
		case g != w:
			lines = append(lines, fmt.Sprintf("%s differs:\n  got  %s\n  want %s", ref, g, w))
		}
	}
	for ref := range got {
		if _, ok := want[ref]; !ok {
			lines = append(lines, "extra "+ref)
		}
	}
	sort.Strings(lines)
	return strings.Join(lines, "\n")
}

func wantOK(t testing.TB, what, out string, err error, wants ...string) {
	t.Helper()
	if err != nil {
		t.Errorf("%s: got error %v, want none\n%s", what, err, out)
		return
	}
	for _, w := range wants {
		if !strings.Contains(out, w) {
			t.Errorf("%s: got output\n%s\nwant it to contain %q", what, out, w)
		}
	}
}

func wantFail(t testing.TB, what, out string, err error, msg string) {
	t.Helper()
	if err == nil {
		t.Errorf("%s: got no error, want one mentioning %q\n%s", what, msg, out)
		return
	}
	if !strings.Contains(err.Error(), msg) {
		t.Errorf("%s: got error %q, want one mentioning %q", what, err, msg)
	}
}

func TestCLIUsersAndTokens(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)

		t.Run("user add, list, disable", func(t *testing.T) {
			out, err := s.cli(t, adminPassword+"\n", "user", "add", "Ops@Example.com", "--role", "admin", "--password-stdin")
			wantOK(t, "user add", out, err, "Added ops@example.com as admin.")
			ops := s.client(t)
			ops.login("ops@example.com", adminPassword)

			out, err = s.cli(t, "", "user", "add", "dev@example.com", "--role", "editor")
			wantOK(t, "user add with a made-up password", out, err, "Added dev@example.com as editor.")
			if m := regexp.MustCompile(`Password: (\S+)`).FindStringSubmatch(out); m == nil {
				t.Errorf("user add without --password-stdin: got %q, want the made-up password printed", out)
			} else {
				s.client(t).login("dev@example.com", m[1])
			}

			out, err = s.cli(t, adminPassword+"\n", "user", "add", "OPS@example.com", "--role", "viewer", "--password-stdin")
			wantFail(t, "user add twice", out, err, "exists already")

			viewer := s.addUser(t, "viewer@example.com", "viewer")
			out, err = s.cli(t, "", "user", "list")
			wantOK(t, "user list", out, err)
			for _, re := range []string{
				`(?m)^EMAIL\s+ROLE\s+STATUS\s+ADDED$`,
				`(?m)^dev@example\.com\s+editor\s+active\s+\d{4}-\d\d-\d\d$`,
				`(?m)^ops@example\.com\s+admin\s+active\s+\d{4}-\d\d-\d\d$`,
				`(?m)^viewer@example\.com\s+viewer\s+active\s+\d{4}-\d\d-\d\d$`,
			} {
				if !regexp.MustCompile(re).MatchString(out) {
					t.Errorf("user list: got\n%s\nwant a line matching %s", out, re)
				}
			}

			out, err = s.cli(t, "", "user", "disable", "Viewer@example.com")
			wantOK(t, "user disable", out, err, "Disabled viewer@example.com.")
			out, _ = s.cli(t, "", "user", "list")
			if !regexp.MustCompile(`(?m)^viewer@example\.com\s+viewer\s+disabled \d{4}-\d\d-\d\d\s+\d{4}-\d\d-\d\d$`).MatchString(out) {
				t.Errorf("user list after disable: got\n%s\nwant viewer@example.com disabled", out)
			}
			if r := viewer.get("/catalog"); r.Status != http.StatusSeeOther {
				t.Errorf("disabled user's session: GET /catalog got %d, want 303 to /login", r.Status)
			}
			if r := s.client(t).postForm("/login", url.Values{"email": {"viewer@example.com"}, "password": {adminPassword}}); r.Status != http.StatusUnauthorized {
				t.Errorf("disabled user signs in: got %d, want 401", r.Status)
			}
			out, err = s.cli(t, "", "user", "disable", "nobody@example.com")
			wantFail(t, "disable unknown user", out, err, "no user")
		})

		t.Run("user add refuses bad input", func(t *testing.T) {
			for _, tc := range []struct {
				name, stdin string
				args        []string
				msg         string
			}{
				{"bad email", "", []string{"user", "add", "bad-email", "--role", "viewer"}, "email"},
				{"unknown role", "", []string{"user", "add", "boss@example.com", "--role", "boss"}, "role"},
				{"no role", "", []string{"user", "add", "norole@example.com"}, "role"},
				{"short password", "short\n", []string{"user", "add", "short@example.com", "--role", "viewer", "--password-stdin"}, "password"},
				{"no password on stdin", "", []string{"user", "add", "nopass@example.com", "--role", "viewer", "--password-stdin"}, "--password-stdin"},
			} {
				t.Run(tc.name, func(t *testing.T) {
					out, err := s.cli(t, tc.stdin, tc.args...)
					wantFail(t, strings.Join(tc.args, " "), out, err, tc.msg)
					if tc.name == "bad email" && err != nil && !strings.Contains(err.Error(), "bad-email") {
						t.Errorf("got error %q, want it to quote the email bad-email", err)
					}
				})
			}
			out, _ := s.cli(t, "", "user", "list")
			for _, email := range []string{"bad-email", "boss@", "norole@", "short@", "nopass@"} {
				if strings.Contains(out, email) {
					t.Errorf("user list: got %s, want no user from refused input\n%s", email, out)
				}
			}
		})

		t.Run("token create, list, revoke", func(t *testing.T) {
			stdout, stderr, err := s.cliOut(t, "", "token", "create", "--user", "ops@example.com", "--name", "ci", "--scope", "write")
			if err != nil {
				t.Fatalf("token create: %v\n%s", err, stderr)
			}
			if !regexp.MustCompile(`^chief_[0-9a-f]{64}\n$`).MatchString(stdout) {
				t.Fatalf("token create: got stdout %q, want the secret alone on one line", stdout)
			}
			secret := strings.TrimSpace(stdout)
			if !strings.Contains(stderr, `Created token`) || !strings.Contains(stderr, `"ci"`) || strings.Contains(stderr, secret) {
				t.Errorf("token create: got stderr %q, want the note without the secret", stderr)
			}
			ci := s.bearerClient(t, secret)
			if role, status := me(t, ci); status != http.StatusOK || role != "admin" {
				t.Errorf("CLI token: GET /api/v1/me got %d role %q, want 200 admin", status, role)
			}
			mustCreate(t, ci, componentDesc("from-ci", "team-ci"))

			stdout, _, err = s.cliOut(t, "", "token", "create", "--user", "ops@example.com", "--name", "reader")
			if err != nil {
				t.Fatalf("token create with the default scope: %v", err)
			}
			reader := s.bearerClient(t, strings.TrimSpace(stdout))
			wantStatus(t, "default-scope token GET", reader.get("/api/v1/entities"), http.StatusOK)
			wantAPIError(t, "default-scope token POST", reader.json(http.MethodPost, "/api/v1/entities", componentDesc("from-reader", "team-ci"), nil),
				http.StatusForbidden, "forbidden", "-")

			out, err := s.cli(t, "", "token", "list")
			wantOK(t, "token list", out, err)
			ciLine := regexp.MustCompile(`(?m)^(\d+)\s+ci\s+ops@example\.com\s+write\s+\d{4}-\d\d-\d\d\s+\d{4}-\d\d-\d\d \d\d:\d\d\s+active$`).FindStringSubmatch(out)
			if ciLine == nil {
				t.Fatalf("token list: got\n%s\nwant an active, used write token ci of ops@example.com", out)
			}
			if !regexp.MustCompile(`(?m)^\d+\s+reader\s+ops@example\.com\s+read\s`).MatchString(out) {
				t.Errorf("token list: got\n%s\nwant the read token reader", out)
			}

			out, err = s.cli(t, "", "token", "revoke", ciLine[1])
			wantOK(t, "token revoke", out, err, fmt.Sprintf("Revoked token %s \"ci\".", ciLine[1]))
			out, _ = s.cli(t, "", "token", "list")
			if !regexp.MustCompile(`(?m)^` + ciLine[1] + `\s+ci\s.*revoked \d{4}-\d\d-\d\d$`).MatchString(out) {
				t.Errorf("token list after revoke: got\n%s\nwant token %s revoked", out, ciLine[1])
			}
			wantAPIError(t, "revoked CLI token", ci.get("/api/v1/entities"), http.StatusUnauthorized, "unauthorized", "-")

			out, err = s.cli(t, "", "token", "revoke", "abc")
			wantFail(t, "token revoke abc", out, err, "token id")
			out, err = s.cli(t, "", "token", "revoke", "999999")
			wantFail(t, "token revoke 999999", out, err, "no token")
			out, err = s.cli(t, "", "token", "create", "--user", "nobody@example.com", "--name", "x")
			wantFail(t, "token for unknown user", out, err, "no active user")
			out, err = s.cli(t, "", "token", "create", "--user", "viewer@example.com", "--name", "x")
			wantFail(t, "token for disabled user", out, err, "no active user")
			out, err = s.cli(t, "", "token", "create", "--user", "ops@example.com", "--name", "x", "--scope", "admin")
			wantFail(t, "token with unknown scope", out, err, "scope")
			out, err = s.cli(t, "", "token", "create", "--user", "ops@example.com")
			wantFail(t, "token without name", out, err, "name")
		})

		t.Run("a disabled user's tokens stop working", func(t *testing.T) {
			stdout, _, err := s.cliOut(t, "", "token", "create", "--user", "dev@example.com", "--name", "dev", "--scope", "write")
			if err != nil {
				t.Fatalf("token create: %v", err)
			}
			dev := s.bearerClient(t, strings.TrimSpace(stdout))
			wantStatus(t, "dev token before", dev.get("/api/v1/entities"), http.StatusOK)
			out, err := s.cli(t, "", "user", "disable", "dev@example.com")
			wantOK(t, "disable dev", out, err)
			wantAPIError(t, "dev token after disable", dev.get("/api/v1/entities"), http.StatusUnauthorized, "unauthorized", "-")
		})

		t.Run("audit names the CLI", func(t *testing.T) {
			ops := s.client(t)
			ops.login("ops@example.com", adminPassword)
			l := auditQuery(t, ops, url.Values{"record_type": {"user"}, "record": {"ops@example.com"}})
			if len(l.Items) == 0 || l.Items[len(l.Items)-1].Action != "user.create" || !strings.HasPrefix(l.Items[len(l.Items)-1].Actor, "cli:") {
				t.Errorf("audit of ops@example.com: got %+v, want user.create by cli:...", l.Items)
			}
		})
	})
}

func TestCLIImportExportBackup(t *testing.T) {
	skipShort(t)
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		admin := s.setupAdmin(t)

		out, err := s.cli(t, "", append([]string{"import", "backstage"}, fixtureRoots...)...)
		wantOK(t, "import backstage", out, err, "66 entities; 66 created, 0 updated, 0 unchanged, 0 orphaned.")
		if strings.Contains(out, "Skipped") {
			t.Errorf("import backstage: got problems, want none\n%s", out)
		}

		t.Run("counts", func(t *testing.T) {
			if n := total(t, admin, ""); n != 57 {
				t.Errorf("entities besides Locations: got %d, want 57", n)
			}
			if got := kindCounts(t, admin); fmt.Sprint(got) != fmt.Sprint(fixtureKinds) {
				t.Errorf("by kind: got %v, want %v", got, fixtureKinds)
			}
			var sum struct {
				ByKind map[string]int `json:"byKind"`
			}
			admin.json(http.MethodGet, "/api/v1/catalog/summary", nil, &sum)
			if fmt.Sprint(sum.ByKind) != fmt.Sprint(fixtureKinds) {
				t.Errorf("summary byKind: got %v, want %v", sum.ByKind, fixtureKinds)
			}
		})

		t.Run("imported entities", func(t *testing.T) {
			e, r := getEntity(t, admin, "component/default/petstore")
			if r.Status != http.StatusOK {
				t.Fatalf("GET petstore: got %d, want 200", r.Status)
			}
			if !strings.HasPrefix(e.Status.Location, "file:/") || !strings.HasSuffix(e.Status.Location, "/components/petstore-component.yaml") {
				t.Errorf("petstore location: got %q, want file:/.../components/petstore-component.yaml", e.Status.Location)
			}
			if !hasRelation(e.Relations, "providesApi", "api:default/petstore", true) || !hasRelation(e.Relations, "providesApi", "api:default/streetlights", false) {
				t.Errorf("petstore relations: got %+v, want petstore resolved and streetlights unresolved", e.Relations)
			}
			for _, ns := range []string{"default", "development"} {
				if _, r := getEntity(t, admin, "user/"+ns+"/guest"); r.Status != http.StatusOK {
					t.Errorf("GET user %s/guest: got %d, want 200", ns, r.Status)
				}
			}
			l := auditQuery(t, admin, url.Values{"record": {"component:default/petstore"}})
			if len(l.Items) != 1 || l.Items[0].Action != "entity.import" || !strings.HasPrefix(l.Items[0].Actor, "cli:") {
				t.Errorf("audit of petstore: got %+v, want one entity.import by cli:...", l.Items)
			}
		})

		t.Run("import again changes nothing", func(t *testing.T) {
			out, err := s.cli(t, "", append([]string{"import", "backstage"}, fixtureRoots...)...)
			wantOK(t, "import again", out, err, "0 created, 0 updated, 66 unchanged, 0 orphaned.")
		})

		original := snapshot(t, admin)
		if len(original) != 57 {
			t.Fatalf("snapshot: got %d entities, want 57", len(original))
		}

		t.Run("export and import into another database", func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "export")
			out, err := s.cli(t, "", "export", "backstage", "--out", dir)
			wantOK(t, "export backstage", out, err, "Wrote 8 file(s)")
			for _, f := range []string{"catalog-info.yaml", "apis.yaml", "components.yaml", "domains.yaml", "groups.yaml", "resources.yaml", "systems.yaml", "users.yaml"} {
				if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
					t.Errorf("export: got no %s: %v", f, err)
				}
			}
			s2 := startServer(t, freshDBArgs(t, dbArgs))
			admin2 := s2.setupAdmin(t)
			out, err = s2.cli(t, "", "import", "backstage", filepath.Join(dir, "catalog-info.yaml"))
			wantOK(t, "import the export", out, err, "58 entities; 58 created")
			if strings.Contains(out, "Skipped") {
				t.Errorf("import the export: got problems, want none\n%s", out)
			}
			if d := diffSnapshots(snapshot(t, admin2), original); d != "" {
				t.Errorf("export then import: the catalogs differ:\n%s", d)
			}
		})

		t.Run("backup", func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "chief.db")
			if isPostgres(dbArgs) {
				out, err := s.cli(t, "", "backup", file)
				wantFail(t, "backup on PostgreSQL", out, err, "pg_dump")
				if _, err := os.Stat(file); err == nil {
					t.Errorf("backup on PostgreSQL: got a file %s, want none", file)
				}
				return
			}
			out, err := s.cli(t, "", "backup", file)
			wantOK(t, "backup", out, err, "Backed up", file)
			out, err = s.cli(t, "", "backup", file)
			wantFail(t, "backup over an existing file", out, err, "exists already")

			restored := startServer(t, []string{"--data", dir})
			if restored.Setup != "" {
				t.Errorf("server on the backup printed a setup link, want the users of the backup")
			}
			c := restored.client(t)
			c.login("admin@example.com", adminPassword)
			if got := kindCounts(t, c); fmt.Sprint(got) != fmt.Sprint(fixtureKinds) {
				t.Errorf("backup by kind: got %v, want %v", got, fixtureKinds)
			}
			if d := diffSnapshots(snapshot(t, c), original); d != "" {
				t.Errorf("backup: the catalogs differ:\n%s", d)
			}
		})
	})
}

// TestCLIImportProblemsAndMigrations checks how import reports invalid
// entities, and migrate status and up.
func TestCLIImportProblemsAndMigrations(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, dbArgs []string) {
		s := startServer(t, dbArgs)
		admin := s.setupAdmin(t)
		t.Run("import reports invalid entities", func(t *testing.T) {
			dir := t.TempDir()
			file := filepath.Join(dir, "catalog-info.yaml")
			body := strings.Join([]string{
				"apiVersion: backstage.io/v1alpha1", // line 1
				"kind: Component",
				"metadata:",
				"  name: good-one",
				"spec:",
				"  type: service",
				"  lifecycle: production",
				"  owner: team-a",
				"---",
				"apiVersion: backstage.io/v1alpha1", // line 10
				"kind: Component",
				"metadata:",
				"  name: Bad Name!", // line 13
				"spec:",
				"  type: service",
				"  lifecycle: production",
				"  owner: team-a",
			}, "\n") + "\n"
			if err := os.WriteFile(file, []byte(body), 0o644); err != nil {
				t.Fatal(err)
			}

			out, err := s.cli(t, "", "import", "backstage", file)
			wantOK(t, "import", out, err, "1 entities; 1 created", "Skipped 1:", "metadata.name")
			if want := file + ":13:"; !strings.Contains(out, want) {
				t.Errorf("import: got\n%s\nwant the invalid entity reported at %s (the file as given, and the line of metadata.name)", out, want)
			}
			if !regexp.MustCompile(`catalog-info\.yaml:13: `).MatchString(out) {
				t.Errorf("import: got\n%s\nwant the problem at line 13", out)
			}
			if _, r := getEntity(t, admin, "component/default/good-one"); r.Status != http.StatusOK {
				t.Errorf("GET good-one: got %d, want 200 (the valid entity is imported)", r.Status)
			}
			if n := total(t, admin, ""); n != 1 {
				t.Errorf("after the import: got %d entities, want 1", n)
			}

			out, err = s.cli(t, "", "import", "backstage", "--strict", file)
			wantFail(t, "import --strict", out, err, "1 problem(s)")
			if !strings.Contains(out, "0 created, 0 updated, 1 unchanged") {
				t.Errorf("import --strict: got\n%s\nwant the valid entity unchanged", out)
			}

			broken := filepath.Join(dir, "broken.yaml")
			if err := os.WriteFile(broken, []byte("apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: [unclosed\n"), 0o644); err != nil {
				t.Fatal(err)
			}
			out, err = s.cli(t, "", "import", "backstage", broken)
			wantOK(t, "import a broken file", out, err, "YAML syntax")
			if !regexp.MustCompile(`broken\.yaml:\d+: YAML syntax`).MatchString(out) {
				t.Errorf("import a broken file: got\n%s\nwant the problem with file and line", out)
			}
		})

		t.Run("migrate status", func(t *testing.T) {
			applied := regexp.MustCompile(`(?m)^0001\s+init\s+\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC$`)
			out, err := s.cli(t, "", "migrate", "status")
			wantOK(t, "migrate status", out, err, "VERSION")
			if !applied.MatchString(out) || strings.Contains(out, "pending") {
				t.Errorf("migrate status on the server's database: got\n%s\nwant 0001 init applied", out)
			}

			fresh := &server{dbArgs: freshDBArgs(t, dbArgs)}
			out, err = fresh.cli(t, "", "migrate", "status")
			wantOK(t, "migrate status of a new database", out, err)
			if !regexp.MustCompile(`(?m)^0001\s+init\s+pending$`).MatchString(out) {
				t.Errorf("migrate status of a new database: got\n%s\nwant 0001 init pending", out)
			}
			pending := len(regexp.MustCompile(`(?m)\spending$`).FindAllString(out, -1))
			if pending < 3 || !strings.Contains(out, "0002") || !strings.Contains(out, "reliability") {
				t.Errorf("migrate status of a new database: got\n%s\nwant every migration pending, 0002 reliability among them", out)
			}
			out, err = fresh.cli(t, "", "migrate", "up")
			wantOK(t, "migrate up", out, err, fmt.Sprintf("Applied %d migration(s).", pending))
			out, err = fresh.cli(t, "", "migrate", "status")
			if err != nil || !applied.MatchString(out) {
				t.Errorf("migrate status after up: got %v\n%s\nwant 0001 init applied", err, out)
			}
			out, err = fresh.cli(t, "", "migrate", "sideways")
			wantFail(t, "migrate sideways", out, err, "unknown migrate action")
		})
	})
}

func TestCLIVersion(t *testing.T) {
	t.Parallel()
	var out, errOut bytes.Buffer
	if err := cli.Run(context.Background(), []string{"version"}, noEnv, strings.NewReader(""), &out, &errOut); err != nil {
		t.Fatalf("chief version: %v\n%s", err, errOut.String())
	}
	if !regexp.MustCompile(`^chief \S+\n$`).MatchString(out.String()) {
		t.Errorf("chief version: got %q, want \"chief VERSION\\n\"", out.String())
	}
	if err := cli.Run(context.Background(), []string{"version", "extra"}, noEnv, strings.NewReader(""), &out, &errOut); err == nil {
		t.Error("chief version extra: got no error, want one for the extra argument")
	}
}

package catalog_test

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/catalog"
)

// brokenYAML seeds the descriptor fuzzer with files that are not valid
// descriptors, or not valid YAML.
var brokenYAML = []string{
	"",
	"---\n---\n",
	"# only a comment\n",
	"null\n",
	"- a\n- b\n",
	"just a string\n",
	"apiVersion: [\n",
	"kind: Component\nmetadata:\n  name: x\n\tspec: {}\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: 5\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec: [1, 2]\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\n  tags: {a: b}\nspec:\n  owner: a\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  weight: .inf\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec:\n  type: service\n  lifecycle: production\n  owner: team-a\n  dependsOn: [resource:db, 42]\n",
	"apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: x\nspec:\n  type: openapi\n  lifecycle: production\n  owner: team-a\n  definition:\n    $text: https://example.com/a.yaml\n",
	"a: &a {b: *a}\n",
	"a: &x [1]\nb: *x\nc: *y\n",
	"spec:\n  ? [complex, key]\n  : value\n",
	"spec:\n  1: one\n  true: yes\n  ~: nothing\n",
	"apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: g\n  namespace: Dev\nspec:\n  type: team\n",
	"apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata:\n  name: u\n---\n: bad\n",
	"\"unterminated\n",
	"key: value\n  bad indent: x\n",
	"!!binary aGVsbG8=\n",
	"apiVersion: backstage.io/v1alpha1\nkind: User\nmetadata: {name: u, labels: {a: [1]}}\n",
}

func FuzzParseDescriptors(f *testing.F) {
	n := 0
	err := filepath.WalkDir("testdata/backstage", func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() || !(strings.HasSuffix(p, ".yaml") || strings.HasSuffix(p, ".yml")) {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		f.Add(data)
		n++
		return nil
	})
	if err != nil {
		f.Fatalf("read seeds: %v", err)
	}
	if n == 0 {
		f.Fatal("got no YAML seeds under testdata/backstage, want the fixtures")
	}
	for _, s := range brokenYAML {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		docs, _ := catalog.ParseDescriptors(data)
		for i := range docs {
			d := &docs[i]
			if d.Line < 1 {
				t.Errorf("document %d: got line %d, want at least 1", i, d.Line)
			}
			_ = d.LineOf("spec.owner")
			if d.Err != nil {
				continue
			}
			e := d.Entity
			if err := e.Validate(); err != nil {
				continue
			}
			ref := e.Ref()
			back, err := catalog.ParseRef(ref.String(), "", "")
			if err != nil {
				t.Fatalf("document %d: ParseRef(%q) of a valid entity: %v", i, ref.String(), err)
			}
			if back.Key() != ref.Key() {
				t.Fatalf("document %d: ParseRef(%q): got key %q, want %q", i, ref.String(), back.Key(), ref.Key())
			}
			// Relations of a valid entity come from references that parse.
			for _, r := range e.Declared() {
				if r.Type == "" || r.Source.Name == "" || r.Target.Name == "" {
					t.Fatalf("document %d: got incomplete relation %+v", i, r)
				}
			}
		}
	})
}

func FuzzParseRef(f *testing.F) {
	for _, s := range []string{
		"component:default/checkout", "checkout", "user:guest", "development/guest",
		"COMPONENT:x", "api:default/petstore", "group:a--b/x", "Template:ns/My_Name.v2",
		"", ":x", "a:/x", "a:b/c/d", "a:b:c", " component:x ", "component:-x",
		"component:" + strings.Repeat("a", 64), "component:Default/x", "/x", "x/",
	} {
		f.Add(s, "", "")
		f.Add(s, "Group", "default")
		f.Add(s, "component", "finance")
	}
	f.Fuzz(func(t *testing.T, s, defaultKind, defaultNS string) {
		r, err := catalog.ParseRef(s, defaultKind, defaultNS)
		if err != nil {
			return
		}
		if r.Kind == "" || r.Namespace == "" || r.Name == "" {
			t.Fatalf("ParseRef(%q, %q, %q): got %+v with an empty part", s, defaultKind, defaultNS, r)
		}
		back, err := catalog.ParseRef(r.String(), "", "")
		if err != nil {
			t.Fatalf("ParseRef(%q) of ParseRef(%q, %q, %q).String(): %v", r.String(), s, defaultKind, defaultNS, err)
		}
		if back.Key() != r.Key() {
			t.Fatalf("ParseRef(%q): got key %q, want %q", r.String(), back.Key(), r.Key())
		}
		if back.Namespace != r.Namespace || back.Name != r.Name || !strings.EqualFold(back.Kind, r.Kind) {
			t.Fatalf("ParseRef(%q): got %+v, want %+v", r.String(), back, r)
		}
		short := r.Short(defaultKind)
		viaShort, err := catalog.ParseRef(short, defaultKind, catalog.DefaultNamespace)
		if err != nil {
			t.Fatalf("ParseRef(Short(%q) = %q): %v", defaultKind, short, err)
		}
		if viaShort.Key() != r.Key() {
			t.Fatalf("ParseRef(Short(%q) = %q): got key %q, want %q", defaultKind, short, viaShort.Key(), r.Key())
		}
	})
}

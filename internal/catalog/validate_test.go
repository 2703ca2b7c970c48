package catalog_test

import (
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
)

// validSpecs is a minimal valid spec for every kind.
func validSpecs() map[string]map[string]any {
	return map[string]map[string]any{
		"Domain":    {"owner": "team-a"},
		"System":    {"owner": "team-a"},
		"Component": {"type": "service", "lifecycle": "production", "owner": "team-a"},
		"API": {"type": "openapi", "lifecycle": "production", "owner": "team-a",
			"definition": "openapi: 3.0.0\ninfo:\n  title: x\n"},
		"Resource": {"type": "database", "owner": "team-a"},
		"Group":    {"type": "team"},
		"User":     {},
		"Location": {},
	}
}

// newEntity returns a valid entity of kind with a copy of its minimal spec.
func newEntity(t *testing.T, kind string) catalog.Entity {
	t.Helper()
	base, ok := validSpecs()[kind]
	if !ok {
		t.Fatalf("no valid spec for kind %s", kind)
	}
	spec := map[string]any{}
	for k, v := range base {
		spec[k] = v
	}
	return catalog.Entity{APIVersion: catalog.APIVersion, Kind: kind, Metadata: catalog.Metadata{Name: "x"}, Spec: spec}
}

// wantField checks that err is an invalid-input error naming field.
func wantField(t *testing.T, err error, field string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want one for field %q", field)
	}
	ae := apperr.As(err)
	if ae == nil {
		t.Fatalf("got error %v (%T), want an *apperr.Error for field %q", err, err, field)
	}
	if ae.Code != apperr.Invalid {
		t.Errorf("got code %s, want %s", ae.Code, apperr.Invalid)
	}
	if ae.Field != field {
		t.Errorf("got field %q (%v), want %q", ae.Field, err, field)
	}
}

func TestValidateEveryKindAccepted(t *testing.T) {
	for _, k := range catalog.Kinds {
		t.Run(k.Name, func(t *testing.T) {
			e := newEntity(t, k.Name)
			if err := e.Validate(); err != nil {
				t.Fatalf("got %v, want a valid %s", err, k.Name)
			}
			if e.Metadata.Namespace != catalog.DefaultNamespace {
				t.Errorf("got namespace %q, want %q filled in", e.Metadata.Namespace, catalog.DefaultNamespace)
			}
		})
	}
}

func TestValidateRequiredFields(t *testing.T) {
	required := map[string][]string{
		"Domain":    {"owner"},
		"System":    {"owner"},
		"Component": {"type", "lifecycle", "owner"},
		"API":       {"type", "lifecycle", "owner", "definition"},
		"Resource":  {"type", "owner"},
		"Group":     {"type"},
		"User":      nil,
		"Location":  nil,
	}
	if len(required) != len(catalog.Kinds) {
		t.Fatalf("got %d kinds, want %d: update this test", len(catalog.Kinds), len(required))
	}
	for kind, fields := range required {
		for _, f := range fields {
			t.Run(kind+" without "+f, func(t *testing.T) {
				e := newEntity(t, kind)
				delete(e.Spec, f)
				wantField(t, e.Validate(), "spec."+f)
			})
			t.Run(kind+" with null "+f, func(t *testing.T) {
				e := newEntity(t, kind)
				e.Spec[f] = nil
				wantField(t, e.Validate(), "spec."+f)
			})
			t.Run(kind+" with empty "+f, func(t *testing.T) {
				e := newEntity(t, kind)
				e.Spec[f] = "  "
				wantField(t, e.Validate(), "spec."+f)
			})
		}
		t.Run(kind+" without spec", func(t *testing.T) {
			e := newEntity(t, kind)
			e.Spec = nil
			err := e.Validate()
			if len(fields) == 0 {
				if err != nil {
					t.Errorf("got %v, want a %s without spec to be valid", err, kind)
				}
				return
			}
			wantField(t, err, "spec."+fields[0])
		})
	}
}

func TestValidateRequiredListsMayBeMissing(t *testing.T) {
	for _, tc := range []struct{ kind, field string }{{"Group", "children"}, {"User", "memberOf"}} {
		t.Run(tc.kind+" without "+tc.field, func(t *testing.T) {
			e := newEntity(t, tc.kind)
			delete(e.Spec, tc.field)
			if err := e.Validate(); err != nil {
				t.Errorf("got %v, want a missing %s accepted", err, tc.field)
			}
		})
		t.Run(tc.kind+" with empty "+tc.field, func(t *testing.T) {
			e := newEntity(t, tc.kind)
			e.Spec[tc.field] = []any{}
			if err := e.Validate(); err != nil {
				t.Errorf("got %v, want an empty %s accepted", err, tc.field)
			}
		})
	}
}

func TestValidateSpecShapes(t *testing.T) {
	tests := []struct {
		name      string
		kind      string
		field     string
		value     any
		wantField string // "" when valid
	}{
		{"dependsOn as a string", "Component", "dependsOn", "resource:db", "spec.dependsOn"},
		{"dependsOn item not a string", "Component", "dependsOn", []any{"resource:db", 5}, "spec.dependsOn[1]"},
		{"dependsOn item a mapping", "Resource", "dependsOn", []any{map[string]any{"a": "b"}}, "spec.dependsOn[0]"},
		{"dependsOn item a bad reference", "Component", "dependsOn", []any{"resource:db", "resource:a/b/c"}, "spec.dependsOn[1]"},
		{"dependsOn valid", "Component", "dependsOn", []any{"resource:db", "component:finance/billing"}, ""},
		{"dependencyOf as a mapping", "Resource", "dependencyOf", map[string]any{"a": "b"}, "spec.dependencyOf"},
		{"providesApis item a number", "Component", "providesApis", []any{1.5}, "spec.providesApis[0]"},
		{"consumesApis item a boolean", "Component", "consumesApis", []any{"orders", true}, "spec.consumesApis[1]"},
		{"owner a number", "Component", "owner", 5, "spec.owner"},
		{"owner a list", "System", "owner", []any{"team-a"}, "spec.owner"},
		{"owner a bad reference", "Domain", "owner", "Team A", "spec.owner"},
		{"owner with empty kind", "Resource", "owner", ":team-a", "spec.owner"},
		{"owner a user", "Component", "owner", "user:guest", ""},
		{"owner a placeholder is not allowed", "Component", "owner", map[string]any{"$text": "team-a"}, "spec.owner"},
		{"type a boolean", "Component", "type", true, "spec.type"},
		{"lifecycle a list", "API", "lifecycle", []any{"production"}, "spec.lifecycle"},
		{"system empty", "Component", "system", "", "spec.system"},
		{"system a bad reference", "API", "system", "a:b:c", "spec.system"},
		{"system null is dropped", "Component", "system", nil, ""},
		{"subcomponentOf valid", "Component", "subcomponentOf", "checkout", ""},
		{"subdomainOf a number", "Domain", "subdomainOf", 3, "spec.subdomainOf"},
		{"domain valid", "System", "domain", "domain:payments", ""},
		{"definition a $text placeholder", "API", "definition", map[string]any{"$text": "https://example.com/openapi.yaml"}, ""},
		{"definition a $json placeholder", "API", "definition", map[string]any{"$json": "./openapi.json"}, ""},
		{"definition a $yaml placeholder", "API", "definition", map[string]any{"$yaml": "./openapi.yaml"}, ""},
		{"definition a plain mapping", "API", "definition", map[string]any{"openapi": "3.0.0"}, "spec.definition"},
		{"definition a placeholder with a number", "API", "definition", map[string]any{"$text": 5}, "spec.definition"},
		{"definition a placeholder with two keys", "API", "definition", map[string]any{"$text": "a", "$json": "b"}, "spec.definition"},
		{"definition a list", "API", "definition", []any{"a"}, "spec.definition"},
		{"profile a string", "Group", "profile", "Team A", "spec.profile"},
		{"profile a mapping", "User", "profile", map[string]any{"displayName": "Ana", "email": "ana@example.com"}, ""},
		{"parent a list", "Group", "parent", []any{"org"}, "spec.parent"},
		{"children item bad", "Group", "children", []any{"team-b", "Team B"}, "spec.children[1]"},
		{"children as a string", "Group", "children", "team-b", "spec.children"},
		{"members item a number", "Group", "members", []any{7}, "spec.members[0]"},
		{"memberOf as a string", "User", "memberOf", "team-a", "spec.memberOf"},
		{"memberOf in another namespace", "User", "memberOf", []any{"group:ops/team-a"}, ""},
		{"location target a number", "Location", "target", 5, "spec.target"},
		{"location targets item a number", "Location", "targets", []any{"./a.yaml", 5}, "spec.targets[1]"},
		{"location targets may be any path", "Location", "targets", []any{"./a b/c.yaml", "https://example.com/x.yaml"}, ""},
		{"unknown spec field kept", "Component", "custom", map[string]any{"anything": []any{1, "two"}}, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEntity(t, tc.kind)
			e.Spec[tc.field] = tc.value
			err := e.Validate()
			if tc.wantField != "" {
				wantField(t, err, tc.wantField)
				return
			}
			if err != nil {
				t.Fatalf("got %v, want valid", err)
			}
		})
	}
}

func TestValidateKeepsSpec(t *testing.T) {
	e := newEntity(t, "API")
	e.Spec["definition"] = map[string]any{"$text": "https://example.com/openapi.yaml"}
	e.Spec["system"] = nil
	e.Spec["custom"] = map[string]any{"n": 3}
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{
		"type": "openapi", "lifecycle": "production", "owner": "team-a",
		"definition": map[string]any{"$text": "https://example.com/openapi.yaml"},
		"custom":     map[string]any{"n": float64(3)},
	}
	if !reflect.DeepEqual(e.Spec, want) {
		t.Errorf("got spec %#v, want %#v", e.Spec, want)
	}
	if got, ok := catalog.PlaceholderTarget(e.Spec["definition"]); !ok || got != "https://example.com/openapi.yaml" {
		t.Errorf("PlaceholderTarget: got %q, %v, want the URL, true", got, ok)
	}
}

// A spec that validates must keep its content, and validate again: a
// number JSON cannot hold (YAML's .inf and .nan) must not silently empty it.
func TestValidateDropsNullOptionalFields(t *testing.T) {
	e := newEntity(t, "Component")
	e.Spec["dependsOn"] = nil
	e.Spec["system"] = nil
	e.Spec["custom"] = nil
	if err := e.Validate(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{"dependsOn", "system"} {
		if v, ok := e.Spec[f]; ok {
			t.Errorf("spec.%s: got %v kept, want a null optional field dropped", f, v)
		}
	}
	if v, ok := e.Spec["custom"]; !ok || v != nil {
		t.Errorf("spec.custom: got %v, %v, want a field Chief does not know kept as written (null)", v, ok)
	}
}

func TestValidateNonFiniteNumberInSpec(t *testing.T) {
	for _, tc := range []struct {
		name string
		v    float64
	}{{"inf", math.Inf(1)}, {"-inf", math.Inf(-1)}, {"nan", math.NaN()}} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEntity(t, "Component")
			e.Spec["weight"] = tc.v
			if err := e.Validate(); err != nil {
				wantField(t, err, "spec.weight")
				return
			}
			for _, f := range []string{"type", "lifecycle", "owner"} {
				if e.Text(f) == "" {
					t.Errorf("spec.%s: got it dropped by Validate (spec now %v), want it kept or the entity rejected", f, e.Spec)
				}
			}
			if err := e.Validate(); err != nil {
				t.Errorf("second Validate: got %v, want a validated entity to stay valid", err)
			}
		})
	}
}

func TestValidateEnvelope(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(e *catalog.Entity)
		wantField string
	}{
		{"apiVersion missing", func(e *catalog.Entity) { e.APIVersion = "" }, "apiVersion"},
		{"apiVersion unsupported", func(e *catalog.Entity) { e.APIVersion = "backstage.io/v1" }, "apiVersion"},
		{"apiVersion other group", func(e *catalog.Entity) { e.APIVersion = "example.com/v1alpha1" }, "apiVersion"},
		{"apiVersion v1beta1", func(e *catalog.Entity) { e.APIVersion = "backstage.io/v1beta1" }, ""},
		{"kind missing", func(e *catalog.Entity) { e.Kind = "" }, "kind"},
		{"kind unknown", func(e *catalog.Entity) { e.Kind = "Template" }, "kind"},
		{"kind lower case", func(e *catalog.Entity) { e.Kind = "component" }, ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEntity(t, "Component")
			tc.edit(&e)
			err := e.Validate()
			if tc.wantField != "" {
				wantField(t, err, tc.wantField)
				return
			}
			if err != nil {
				t.Fatalf("got %v, want valid", err)
			}
		})
	}
}

func TestValidateCanonicalKind(t *testing.T) {
	for in, want := range map[string]string{"component": "Component", "API": "API", "api": "API", "gRoUp": "Group"} {
		t.Run(in, func(t *testing.T) {
			e := newEntity(t, want)
			e.Kind = in
			if err := e.Validate(); err != nil {
				t.Fatal(err)
			}
			if e.Kind != want {
				t.Errorf("got kind %q, want %q", e.Kind, want)
			}
		})
	}
}

func TestValidateMetadata(t *testing.T) {
	tests := []struct {
		name      string
		edit      func(m *catalog.Metadata)
		wantField string
	}{
		{"name missing", func(m *catalog.Metadata) { m.Name = "" }, "metadata.name"},
		{"name 63 characters", func(m *catalog.Metadata) { m.Name = strings.Repeat("a", 63) }, ""},
		{"name 64 characters", func(m *catalog.Metadata) { m.Name = strings.Repeat("a", 64) }, "metadata.name"},
		{"name leading dash", func(m *catalog.Metadata) { m.Name = "-x" }, "metadata.name"},
		{"name trailing dot", func(m *catalog.Metadata) { m.Name = "x." }, "metadata.name"},
		{"name with space", func(m *catalog.Metadata) { m.Name = "my service" }, "metadata.name"},
		{"name with slash", func(m *catalog.Metadata) { m.Name = "a/b" }, "metadata.name"},
		{"name mixed case and punctuation", func(m *catalog.Metadata) { m.Name = "My_Service.v2-x" }, ""},
		{"namespace upper case", func(m *catalog.Metadata) { m.Namespace = "Dev" }, "metadata.namespace"},
		{"namespace with underscore", func(m *catalog.Metadata) { m.Namespace = "my_ns" }, "metadata.namespace"},
		{"namespace 64 characters", func(m *catalog.Metadata) { m.Namespace = strings.Repeat("n", 64) }, "metadata.namespace"},
		{"namespace valid", func(m *catalog.Metadata) { m.Namespace = "team-a" }, ""},
		{"title 1000 characters", func(m *catalog.Metadata) { m.Title = strings.Repeat("t", 1000) }, ""},
		{"title 1001 characters", func(m *catalog.Metadata) { m.Title = strings.Repeat("t", 1001) }, "metadata.title"},

		{"labels valid", func(m *catalog.Metadata) {
			m.Labels = map[string]string{"env": "prod", "backstage.io/team": "team-a", "example.com/empty": ""}
		}, ""},
		{"label key leading dash", func(m *catalog.Metadata) { m.Labels = map[string]string{"-env": "prod"} }, "metadata.labels"},
		{"label key with space", func(m *catalog.Metadata) { m.Labels = map[string]string{"my env": "prod"} }, "metadata.labels"},
		{"label key upper-case prefix", func(m *catalog.Metadata) { m.Labels = map[string]string{"Example.com/env": "prod"} }, "metadata.labels"},
		{"label key empty prefix", func(m *catalog.Metadata) { m.Labels = map[string]string{"/env": "prod"} }, "metadata.labels"},
		{"label key empty DNS label", func(m *catalog.Metadata) { m.Labels = map[string]string{"example..com/env": "prod"} }, "metadata.labels"},
		{"label key two slashes", func(m *catalog.Metadata) { m.Labels = map[string]string{"a/b/c": "prod"} }, "metadata.labels"},
		{"label key empty name", func(m *catalog.Metadata) { m.Labels = map[string]string{"example.com/": "prod"} }, "metadata.labels"},
		{"label key prefix too long", func(m *catalog.Metadata) {
			m.Labels = map[string]string{strings.Repeat("a.", 127) + "a/env": "prod"}
		}, "metadata.labels"},
		{"label value with space", func(m *catalog.Metadata) { m.Labels = map[string]string{"env": "pro d"} }, "metadata.labels.env"},
		{"label value too long", func(m *catalog.Metadata) { m.Labels = map[string]string{"env": strings.Repeat("v", 64)} }, "metadata.labels.env"},
		{"label value leading dash", func(m *catalog.Metadata) { m.Labels = map[string]string{"env": "-prod"} }, "metadata.labels.env"},

		{"annotations valid", func(m *catalog.Metadata) {
			m.Annotations = map[string]string{"backstage.io/techdocs-ref": "dir:.", "github.com/project-slug": "acme/checkout", "note": "any text at all!"}
		}, ""},
		{"annotation key with space", func(m *catalog.Metadata) { m.Annotations = map[string]string{"bad key": "x"} }, "metadata.annotations"},
		{"annotation key bad prefix", func(m *catalog.Metadata) { m.Annotations = map[string]string{"-example.com/x": "x"} }, "metadata.annotations"},
		{"annotation key empty", func(m *catalog.Metadata) { m.Annotations = map[string]string{"": "x"} }, "metadata.annotations"},

		{"tags valid", func(m *catalog.Metadata) { m.Tags = []string{"java", "c++", "#ops", "a-b", "k8s:v1", "x"} }, ""},
		{"tag upper case", func(m *catalog.Metadata) { m.Tags = []string{"Java"} }, "metadata.tags[0]"},
		{"tag double dash", func(m *catalog.Metadata) { m.Tags = []string{"java", "a--b"} }, "metadata.tags[1]"},
		{"tag leading dash", func(m *catalog.Metadata) { m.Tags = []string{"-a"} }, "metadata.tags[0]"},
		{"tag trailing dash", func(m *catalog.Metadata) { m.Tags = []string{"a-"} }, "metadata.tags[0]"},
		{"tag with space", func(m *catalog.Metadata) { m.Tags = []string{"a", "b", "c d"} }, "metadata.tags[2]"},
		{"tag with underscore", func(m *catalog.Metadata) { m.Tags = []string{"a_b"} }, "metadata.tags[0]"},
		{"tag empty", func(m *catalog.Metadata) { m.Tags = []string{""} }, "metadata.tags[0]"},
		{"tag 63 characters", func(m *catalog.Metadata) { m.Tags = []string{strings.Repeat("t", 63)} }, ""},
		{"tag 64 characters", func(m *catalog.Metadata) { m.Tags = []string{strings.Repeat("t", 64)} }, "metadata.tags[0]"},
		{"tag twice", func(m *catalog.Metadata) { m.Tags = []string{"java", "go", "java"} }, "metadata.tags[2]"},

		{"link valid", func(m *catalog.Metadata) {
			m.Links = []catalog.Link{{URL: "https://example.com/dash", Title: "Dashboard"}, {URL: "mailto:team@example.com"}}
		}, ""},
		{"link without URL", func(m *catalog.Metadata) { m.Links = []catalog.Link{{Title: "Dashboard"}} }, "metadata.links[0].url"},
		{"link relative URL", func(m *catalog.Metadata) {
			m.Links = []catalog.Link{{URL: "https://example.com"}, {URL: "example.com/dash"}}
		}, "metadata.links[1].url"},
		{"link unparsable URL", func(m *catalog.Metadata) { m.Links = []catalog.Link{{URL: "https://exa mple.com:port/"}} }, "metadata.links[0].url"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			e := newEntity(t, "Component")
			tc.edit(&e.Metadata)
			err := e.Validate()
			if tc.wantField != "" {
				wantField(t, err, tc.wantField)
				return
			}
			if err != nil {
				t.Fatalf("got %v, want valid", err)
			}
		})
	}
}

func TestValidateNamespace(t *testing.T) {
	t.Run("default filled", func(t *testing.T) {
		e := newEntity(t, "Component")
		if err := e.Validate(); err != nil {
			t.Fatal(err)
		}
		if e.Metadata.Namespace != "default" {
			t.Errorf("got namespace %q, want %q", e.Metadata.Namespace, "default")
		}
		if got := e.Ref().String(); got != "component:default/x" {
			t.Errorf("got ref %q, want %q", got, "component:default/x")
		}
	})
	t.Run("given namespace kept", func(t *testing.T) {
		e := newEntity(t, "Component")
		e.Metadata.Namespace = "finance"
		if err := e.Validate(); err != nil {
			t.Fatal(err)
		}
		if e.Metadata.Namespace != "finance" {
			t.Errorf("got namespace %q, want %q", e.Metadata.Namespace, "finance")
		}
	})
	t.Run("references default to the entity's namespace", func(t *testing.T) {
		e := newEntity(t, "Component")
		e.Metadata.Namespace = "finance"
		e.Spec["dependsOn"] = []any{"resource:db", "resource:ops/cache"}
		if err := e.Validate(); err != nil {
			t.Fatal(err)
		}
		// Declared gives each relation from the entity; Inverse names the
		// direction read back from the target.
		got := map[string]bool{}
		for _, r := range e.Declared() {
			got[r.Type+" "+r.Source.Key()+" "+r.Target.Key()] = true
			got[catalog.Inverse(r.Type)+" "+r.Target.Key()+" "+r.Source.Key()] = true
		}
		for _, want := range []string{
			"ownedBy component:finance/x group:finance/team-a",
			"ownerOf group:finance/team-a component:finance/x",
			"dependsOn component:finance/x resource:finance/db",
			"dependencyOf resource:finance/db component:finance/x",
			"dependsOn component:finance/x resource:ops/cache",
			"dependencyOf resource:ops/cache component:finance/x",
		} {
			if !got[want] {
				t.Errorf("declared relations %v lack %q", got, want)
			}
		}
		if len(got) != 6 {
			t.Errorf("got %d declared relations %v, want 6", len(got), got)
		}
	})
}

// Validate reports the field at fault on a YAML document, and the document
// knows that field's line.
func TestValidateParsedDocumentLine(t *testing.T) {
	docs, err := catalog.ParseDescriptors([]byte(`apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: checkout
spec:
  type: service
  lifecycle: production
  owner: team-a
  dependsOn:
    - resource:db
    - 42
`))
	if err != nil {
		t.Fatal(err)
	}
	if len(docs) != 1 || docs[0].Err != nil {
		t.Fatalf("got %d documents (%+v), want 1 without error", len(docs), docs)
	}
	e := docs[0].Entity
	err = e.Validate()
	wantField(t, err, "spec.dependsOn[1]")
	if got := docs[0].LineOf(apperr.As(err).Field); got != 11 {
		t.Errorf("LineOf(spec.dependsOn[1]): got %d, want 11", got)
	}
}

package catalog_test

import (
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
)

func TestParseRef(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		defaultKind string
		defaultNS   string
		want        catalog.Ref
	}{
		{name: "full reference", in: "component:default/checkout",
			want: catalog.Ref{Kind: "Component", Namespace: "default", Name: "checkout"}},
		{name: "name only takes default kind", in: "checkout", defaultKind: "Group",
			want: catalog.Ref{Kind: "Group", Namespace: "default", Name: "checkout"}},
		{name: "name only takes default namespace", in: "checkout", defaultKind: "Group", defaultNS: "finance",
			want: catalog.Ref{Kind: "Group", Namespace: "finance", Name: "checkout"}},
		{name: "kind and name", in: "user:guest",
			want: catalog.Ref{Kind: "User", Namespace: "default", Name: "guest"}},
		{name: "explicit kind beats default kind", in: "user:guest", defaultKind: "Group",
			want: catalog.Ref{Kind: "User", Namespace: "default", Name: "guest"}},
		{name: "namespace and name", in: "development/guest", defaultKind: "User",
			want: catalog.Ref{Kind: "User", Namespace: "development", Name: "guest"}},
		{name: "explicit namespace beats default namespace", in: "development/guest", defaultKind: "User", defaultNS: "finance",
			want: catalog.Ref{Kind: "User", Namespace: "development", Name: "guest"}},
		{name: "upper-case kind is canonicalised", in: "COMPONENT:x",
			want: catalog.Ref{Kind: "Component", Namespace: "default", Name: "x"}},
		{name: "api kind is canonicalised", in: "api:default/petstore",
			want: catalog.Ref{Kind: "API", Namespace: "default", Name: "petstore"}},
		{name: "default kind is canonicalised", in: "x", defaultKind: "resource",
			want: catalog.Ref{Kind: "Resource", Namespace: "default", Name: "x"}},
		{name: "unknown kind kept as written", in: "Template:default/x",
			want: catalog.Ref{Kind: "Template", Namespace: "default", Name: "x"}},
		{name: "surrounding spaces trimmed", in: "  component:checkout \n",
			want: catalog.Ref{Kind: "Component", Namespace: "default", Name: "checkout"}},
		{name: "name keeps its case", in: "component:default/MyService",
			want: catalog.Ref{Kind: "Component", Namespace: "default", Name: "MyService"}},
		{name: "name with dot and underscore", in: "component:a.b_c",
			want: catalog.Ref{Kind: "Component", Namespace: "default", Name: "a.b_c"}},
		{name: "single character name", in: "x", defaultKind: "Component",
			want: catalog.Ref{Kind: "Component", Namespace: "default", Name: "x"}},
		{name: "63 character name", in: "component:" + strings.Repeat("a", 63),
			want: catalog.Ref{Kind: "Component", Namespace: "default", Name: strings.Repeat("a", 63)}},
		{name: "namespace with double dash", in: "group:a--b/x",
			want: catalog.Ref{Kind: "Group", Namespace: "a--b", Name: "x"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := catalog.ParseRef(tc.in, tc.defaultKind, tc.defaultNS)
			if err != nil {
				t.Fatalf("ParseRef(%q, %q, %q): got error %v, want %+v", tc.in, tc.defaultKind, tc.defaultNS, err, tc.want)
			}
			if got != tc.want {
				t.Errorf("ParseRef(%q, %q, %q): got %+v, want %+v", tc.in, tc.defaultKind, tc.defaultNS, got, tc.want)
			}
		})
	}
}

func TestParseRefErrors(t *testing.T) {
	tests := []struct {
		name        string
		in          string
		defaultKind string
		defaultNS   string
	}{
		{name: "empty", in: ""},
		{name: "blank", in: "   "},
		{name: "empty kind", in: ":x"},
		{name: "empty namespace", in: "a:/x"},
		{name: "empty namespace without kind", in: "/x", defaultKind: "Component"},
		{name: "two slashes", in: "a:b/c/d"},
		{name: "two colons", in: "a:b:c"},
		{name: "no kind and no default kind", in: "checkout"},
		{name: "no kind, namespace given, no default kind", in: "development/guest"},
		{name: "empty name", in: "component:default/"},
		{name: "empty name after kind", in: "component:"},
		{name: "name too long", in: "component:" + strings.Repeat("a", 64)},
		{name: "name with leading dash", in: "component:-checkout"},
		{name: "name with trailing dash", in: "component:checkout-"},
		{name: "name with leading dot", in: "component:.checkout"},
		{name: "name with space", in: "component:check out"},
		{name: "name with space and default kind", in: "check out", defaultKind: "Group"},
		{name: "name with non-ASCII letter", in: "component:café"},
		{name: "upper-case namespace", in: "component:Default/checkout"},
		{name: "namespace with underscore", in: "component:my_ns/checkout"},
		{name: "namespace with leading dash", in: "component:-ns/checkout"},
		{name: "namespace too long", in: "component:" + strings.Repeat("n", 64) + "/checkout"},
		{name: "bad default namespace", in: "checkout", defaultKind: "Group", defaultNS: "Bad NS"},
		{name: "kind starting with digit", in: "1component:checkout"},
		{name: "kind with dash", in: "my-kind:checkout"},
		{name: "kind with slash", in: "a/b:c"},
		{name: "bad default kind", in: "checkout", defaultKind: "not a kind"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := catalog.ParseRef(tc.in, tc.defaultKind, tc.defaultNS)
			if err == nil {
				t.Fatalf("ParseRef(%q, %q, %q): got %+v, want an error", tc.in, tc.defaultKind, tc.defaultNS, got)
			}
			if !apperr.Is(err, apperr.Invalid) {
				t.Errorf("ParseRef(%q): got error code %s (%v), want %s", tc.in, apperr.CodeOf(err), err, apperr.Invalid)
			}
			if got != (catalog.Ref{}) {
				t.Errorf("ParseRef(%q): got %+v with the error, want the zero Ref", tc.in, got)
			}
		})
	}
}

func TestRefForms(t *testing.T) {
	tests := []struct {
		name        string
		ref         catalog.Ref
		wantString  string
		wantKey     string
		defaultKind string
		wantShort   string
	}{
		{name: "default namespace, default kind",
			ref:        catalog.Ref{Kind: "Component", Namespace: "default", Name: "checkout"},
			wantString: "component:default/checkout", wantKey: "component:default/checkout",
			defaultKind: "Component", wantShort: "checkout"},
		{name: "default namespace, other kind",
			ref:        catalog.Ref{Kind: "Component", Namespace: "default", Name: "checkout"},
			wantString: "component:default/checkout", wantKey: "component:default/checkout",
			defaultKind: "Group", wantShort: "component:checkout"},
		{name: "other namespace, default kind",
			ref:        catalog.Ref{Kind: "User", Namespace: "development", Name: "guest"},
			wantString: "user:development/guest", wantKey: "user:development/guest",
			defaultKind: "User", wantShort: "development/guest"},
		{name: "other namespace, no default kind",
			ref:        catalog.Ref{Kind: "User", Namespace: "development", Name: "guest"},
			wantString: "user:development/guest", wantKey: "user:development/guest",
			defaultKind: "", wantShort: "user:development/guest"},
		{name: "default kind compared without case",
			ref:        catalog.Ref{Kind: "API", Namespace: "default", Name: "petstore"},
			wantString: "api:default/petstore", wantKey: "api:default/petstore",
			defaultKind: "api", wantShort: "petstore"},
		{name: "name case kept in String, dropped in Key",
			ref:        catalog.Ref{Kind: "Component", Namespace: "default", Name: "MyService"},
			wantString: "component:default/MyService", wantKey: "component:default/myservice",
			defaultKind: "Group", wantShort: "component:MyService"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := tc.ref.String(); got != tc.wantString {
				t.Errorf("String(): got %q, want %q", got, tc.wantString)
			}
			if got := tc.ref.Key(); got != tc.wantKey {
				t.Errorf("Key(): got %q, want %q", got, tc.wantKey)
			}
			short := tc.ref.Short(tc.defaultKind)
			if short != tc.wantShort {
				t.Errorf("Short(%q): got %q, want %q", tc.defaultKind, short, tc.wantShort)
			}
			// The short form reads back as the same entity.
			back, err := catalog.ParseRef(short, tc.defaultKind, catalog.DefaultNamespace)
			if err != nil {
				t.Fatalf("ParseRef(Short(%q) = %q): %v", tc.defaultKind, short, err)
			}
			if back.Key() != tc.ref.Key() {
				t.Errorf("ParseRef(%q): got key %q, want %q", short, back.Key(), tc.ref.Key())
			}
			// So does the canonical form.
			back, err = catalog.ParseRef(tc.ref.String(), "", "")
			if err != nil {
				t.Fatalf("ParseRef(%q): %v", tc.ref.String(), err)
			}
			if back.Key() != tc.ref.Key() {
				t.Errorf("ParseRef(%q): got key %q, want %q", tc.ref.String(), back.Key(), tc.ref.Key())
			}
		})
	}
}

func TestRefKeyIgnoresCase(t *testing.T) {
	a, err := catalog.ParseRef("Component:default/CheckOut", "", "")
	if err != nil {
		t.Fatal(err)
	}
	b, err := catalog.ParseRef("component:checkout", "", "")
	if err != nil {
		t.Fatal(err)
	}
	if a.Key() != b.Key() {
		t.Errorf("got keys %q and %q, want them equal", a.Key(), b.Key())
	}
	if a.String() == b.String() {
		t.Errorf("got equal String() %q for names of different case, want the name's case kept", a.String())
	}
}

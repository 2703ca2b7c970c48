package web

import (
	"encoding/json"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
)

// apiRouteRe finds the method and path of every JSON API route in routes.go.
var apiRouteRe = regexp.MustCompile(`"(GET|POST|PUT|PATCH|DELETE) (/api/v1/[^"]+)"`)

// openAPIMethods are the keys of an OpenAPI path item that name operations.
var openAPIMethods = map[string]bool{
	"get": true, "put": true, "post": true, "delete": true,
	"options": true, "head": true, "patch": true, "trace": true,
}

func loadOpenAPI(t *testing.T) map[string]any {
	t.Helper()
	body, err := assets.ReadFile("static/openapi.json")
	if err != nil {
		t.Fatalf("read embedded openapi.json: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(body, &doc); err != nil {
		t.Fatalf("embedded openapi.json is not valid JSON: %v", err)
	}
	return doc
}

// routesFromSource returns "METHOD /path" for every /api/v1 route that
// routes.go registers, with paths in OpenAPI template form.
func routesFromSource(t *testing.T) map[string]bool {
	t.Helper()
	src, err := os.ReadFile("routes.go")
	if err != nil {
		t.Fatalf("read routes.go: %v", err)
	}
	out := map[string]bool{}
	for _, m := range apiRouteRe.FindAllStringSubmatch(string(src), -1) {
		// ServeMux's {name} wildcards are OpenAPI's path templates already;
		// {$} only anchors the end and has no OpenAPI counterpart.
		path := strings.TrimSuffix(m[2], "{$}")
		out[m[1]+" "+path] = true
	}
	if len(out) == 0 {
		t.Fatal("found no /api/v1 routes in routes.go; has the registration style changed?")
	}
	return out
}

// operationsFromDoc returns "METHOD /path" for every operation in the
// document.
func operationsFromDoc(t *testing.T, doc map[string]any) map[string]bool {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("openapi.json has no paths object")
	}
	out := map[string]bool{}
	for path, item := range paths {
		ops, ok := item.(map[string]any)
		if !ok {
			t.Errorf("path %s: path item is not an object", path)
			continue
		}
		for key := range ops {
			if openAPIMethods[key] {
				out[strings.ToUpper(key)+" "+path] = true
			}
		}
	}
	return out
}

func sortedSet(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func TestOpenAPIVersion(t *testing.T) {
	doc := loadOpenAPI(t)
	v, _ := doc["openapi"].(string)
	if !strings.HasPrefix(v, "3.1") {
		t.Fatalf("openapi = %q, want 3.1.x", v)
	}
}

func TestOpenAPIMatchesRoutes(t *testing.T) {
	doc := loadOpenAPI(t)
	routes := routesFromSource(t)
	ops := operationsFromDoc(t, doc)
	for _, r := range sortedSet(routes) {
		if !ops[r] {
			t.Errorf("route %s is registered in routes.go but missing from openapi.json", r)
		}
	}
	for _, o := range sortedSet(ops) {
		if !routes[o] {
			t.Errorf("operation %s is in openapi.json but not registered in routes.go", o)
		}
	}
}

// TestOpenAPIRefsResolve checks that every local $ref points at something in
// the document.
func TestOpenAPIRefsResolve(t *testing.T) {
	doc := loadOpenAPI(t)
	var walk func(where string, v any)
	walk = func(where string, v any) {
		switch v := v.(type) {
		case map[string]any:
			if ref, ok := v["$ref"].(string); ok {
				if !strings.HasPrefix(ref, "#/") {
					t.Errorf("%s: $ref %q is not local", where, ref)
				} else if !resolvePointer(doc, ref[2:]) {
					t.Errorf("%s: $ref %q does not resolve", where, ref)
				}
			}
			for k, child := range v {
				walk(where+"/"+k, child)
			}
		case []any:
			for _, child := range v {
				walk(where+"[]", child)
			}
		}
	}
	walk("#", doc)
}

func resolvePointer(doc map[string]any, pointer string) bool {
	var cur any = doc
	for _, part := range strings.Split(pointer, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok {
			return false
		}
		if cur, ok = m[part]; !ok {
			return false
		}
	}
	return true
}

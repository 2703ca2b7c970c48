package web

import "testing"

func TestSourceFromFilename(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"catalog-info.yaml", "catalog-info.yaml"},
		{`C:\Users\ana\My Catalog.yaml`, "My-Catalog.yaml"},
		{"../../etc/passwd", "passwd"},
		{"équipe.yaml", "quipe.yaml"},
		{".hidden.yaml", "hidden.yaml"},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got := sourceFromFilename(tc.in)
			if got != tc.want {
				t.Errorf("got %q, want %q", got, tc.want)
			}
			if !sourceRe.MatchString(got) {
				t.Errorf("%q is not a valid source name", got)
			}
		})
	}
}

package web

import (
	"html"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
)

// pageSize is the number of rows a list page shows.
const pageSize = 50

type catalogListPage struct {
	Query   catalog.Query
	URL     url.Values
	Result  catalog.Page
	Rows    template.HTML
	Facets  *catalog.Facets
	Options facetOptions
	Page    int
	Pages   []pageLink
	Prev    string
	Next    string
	Sorts   []sortLink
	Last    int
	From    int
	To      int
	Filters bool
	Empty   bool
	Error   string
}

// queryFromURL reads the catalog filters shared by the page and the API.
func queryFromURL(v url.Values) (catalog.Query, error) {
	q := catalog.Query{
		Kind: v.Get("kind"), Type: v.Get("type"), Owner: v.Get("owner"), Lifecycle: v.Get("lifecycle"),
		Tag: v.Get("tag"), Namespace: v.Get("namespace"), Search: v.Get("q"), Sort: v.Get("sort"),
		Orphaned: v.Get("orphaned") == "true", Cursor: v.Get("cursor"),
	}
	if s := v.Get("limit"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			return q, apperr.Field("limit", "must be a number")
		}
		q.Limit = n
	}
	return q, q.Validate()
}

func (s *Server) catalogList(w http.ResponseWriter, r *http.Request) error {
	v := r.URL.Query()
	q, err := queryFromURL(v)
	p := catalogListPage{URL: v, Page: 1}
	if err != nil {
		p.Error = err.Error()
		q = catalog.Query{}
		_ = q.Validate()
	}
	q.Limit = pageSize
	if n, err := strconv.Atoi(v.Get("page")); err == nil && n > 1 {
		p.Page = n
	}
	q.Offset = (p.Page - 1) * pageSize
	q.Cursor = ""
	p.Query = q
	p.Result, err = s.catalog.List(r.Context(), q)
	if err != nil {
		return err
	}
	p.Facets, err = s.catalog.Facets(r.Context())
	if err != nil {
		return err
	}
	p.Options = s.facetOptions(p.Facets)
	p.Rows = catalogRows(p.Result.Items)
	p.Filters = q.Kind != "" || q.Type != "" || q.Owner != "" || q.Lifecycle != "" || q.Tag != "" || q.Search != "" || q.Orphaned || q.Namespace != ""
	p.Empty = p.Result.Total == 0 && !p.Filters
	p.Last = (p.Result.Total + pageSize - 1) / pageSize
	p.From = q.Offset + 1
	p.To = q.Offset + len(p.Result.Items)
	for i := max(1, p.Page-3); i <= min(p.Last, p.Page+3); i++ {
		p.Pages = append(p.Pages, pageLink{N: i, Href: withQuery(v, "page", strconv.Itoa(i)), Current: i == p.Page})
	}
	if p.Page > 1 {
		p.Prev = withQuery(v, "page", strconv.Itoa(p.Page-1))
	}
	if p.Page < p.Last {
		p.Next = withQuery(v, "page", strconv.Itoa(p.Page+1))
	}
	p.Sorts = sortLinks(v)
	status := http.StatusOK
	if p.Error != "" {
		status = http.StatusBadRequest
	}
	return s.renderStatus(w, r, status, "catalog_list", "Catalog", "catalog", p)
}

// facetOptions are the <option> lists of the filters whose values can run
// into thousands (owners, tags, types), rendered once per set of facets:
// written out with the page's template they cost more than the rest of the
// page. They feed <datalist>s, so the chosen value lives in the input and
// the lists need no per-request state.
type facetOptions struct {
	src                 *catalog.Facets
	Types, Owners, Tags template.HTML
}

func (s *Server) facetOptions(f *catalog.Facets) facetOptions {
	s.optionsMu.Lock()
	defer s.optionsMu.Unlock()
	if s.options.src == f {
		return s.options
	}
	render := func(values []string) template.HTML {
		var b strings.Builder
		for _, v := range values {
			b.WriteString(`<option value="`)
			b.WriteString(html.EscapeString(v))
			b.WriteString(`">`)
		}
		return template.HTML(b.String())
	}
	s.options = facetOptions{src: f, Types: render(f.Types), Owners: render(f.Owners), Tags: render(f.Tags)}
	return s.options
}

type pageLink struct {
	N       int
	Href    string
	Current bool
}

// sortLink is a sortable column heading: following it sorts by the column,
// or reverses the sort when it is the current one.
type sortLink struct {
	Label, Href, Aria, Arrow string
}

func sortLinks(v url.Values) []sortLink {
	cur := v.Get("sort")
	var out []sortLink
	for _, c := range []struct{ key, label string }{
		{"name", "Name"}, {"kind", "Kind"}, {"type", "Type"}, {"owner", "Owner"}, {"lifecycle", "Lifecycle"},
	} {
		l := sortLink{Label: c.label, Href: withQuery(v, "sort", c.key)}
		switch cur {
		case c.key:
			l.Aria, l.Arrow, l.Href = "ascending", " ▲", withQuery(v, "sort", "-"+c.key)
		case "-" + c.key:
			l.Aria, l.Arrow = "descending", " ▼"
		}
		out = append(out, l)
	}
	return out
}

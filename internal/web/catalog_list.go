package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/catalog"
)

// pageSize is the number of rows a list page shows.
const pageSize = 50

type catalogListPage struct {
	Query   catalog.Query
	URL     url.Values
	Result  catalog.Page
	Facets  catalog.Facets
	Page    int
	Pages   []int
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
	p.Filters = q.Kind != "" || q.Type != "" || q.Owner != "" || q.Lifecycle != "" || q.Tag != "" || q.Search != "" || q.Orphaned || q.Namespace != ""
	p.Empty = p.Result.Total == 0 && !p.Filters
	p.Last = (p.Result.Total + pageSize - 1) / pageSize
	p.From = q.Offset + 1
	p.To = q.Offset + len(p.Result.Items)
	for i := max(1, p.Page-3); i <= min(p.Last, p.Page+3); i++ {
		p.Pages = append(p.Pages, i)
	}
	status := http.StatusOK
	if p.Error != "" {
		status = http.StatusBadRequest
	}
	return s.renderStatus(w, r, status, "catalog_list", "Catalog", "catalog", p)
}

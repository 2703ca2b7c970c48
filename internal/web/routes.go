package web

import (
	"net/http"

	"github.com/chief-hq/chief/internal/auth"
)

// routes is the whole HTTP surface of Chief.
func (s *Server) routes(mux *http.ServeMux) {
	// Operations.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.metrics.handler())
	mux.Handle("GET /static/", staticFiles())

	// Signing in, first-admin setup, theme.
	mux.Handle("GET /login", s.public(s.loginForm))
	mux.Handle("POST /login", s.public(s.login))
	mux.Handle("POST /logout", s.public(s.logout))
	mux.Handle("GET /setup", s.public(s.setupForm))
	mux.Handle("POST /setup", s.public(s.setup))
	mux.Handle("POST /theme", s.public(s.setTheme))

	// Pages.
	mux.Handle("GET /{$}", s.page(auth.Viewer, s.home))
	mux.Handle("GET /catalog", s.page(auth.Viewer, s.catalogList))
	mux.Handle("GET /catalog/import", s.page(auth.Editor, s.catalogImportForm))
	mux.Handle("POST /catalog/import", s.pageUnmetered(auth.Editor, s.catalogImport))
	mux.Handle("GET /catalog/new", s.page(auth.Editor, s.entityNewForm))
	mux.Handle("POST /catalog/new", s.page(auth.Editor, s.entityCreate))
	mux.Handle("GET /catalog/{kind}/{namespace}/{name}", s.page(auth.Viewer, s.entityView))
	mux.Handle("GET /catalog/{kind}/{namespace}/{name}/graph.svg", s.page(auth.Viewer, s.entityGraph))
	mux.Handle("GET /catalog/{kind}/{namespace}/{name}/edit", s.page(auth.Editor, s.entityEditForm))
	mux.Handle("POST /catalog/{kind}/{namespace}/{name}/edit", s.page(auth.Editor, s.entityEdit))
	mux.Handle("GET /catalog/{kind}/{namespace}/{name}/delete", s.page(auth.Editor, s.entityDeleteForm))
	mux.Handle("POST /catalog/{kind}/{namespace}/{name}/delete", s.page(auth.Editor, s.entityDelete))
	mux.Handle("GET /teams", s.page(auth.Viewer, s.teamList))
	mux.Handle("GET /audit", s.page(auth.Admin, s.auditList))
	mux.Handle("GET /admin/users", s.page(auth.Admin, s.userList))
	mux.Handle("POST /admin/users", s.page(auth.Admin, s.userCreate))
	mux.Handle("POST /admin/users/{email}/role", s.page(auth.Admin, s.userSetRole))
	mux.Handle("POST /admin/users/{email}/disable", s.page(auth.Admin, s.userDisable))
	mux.Handle("GET /admin/tokens", s.page(auth.Admin, s.tokenList))
	mux.Handle("POST /admin/tokens", s.page(auth.Admin, s.tokenCreate))
	mux.Handle("POST /admin/tokens/{id}/revoke", s.page(auth.Admin, s.tokenRevoke))

	// Reliability pages: overview, monitors, SLOs, maintenance.

	// Incidents, alert channels, the public status page, badges and heartbeats.

	// JSON API.
	mux.HandleFunc("GET /api/v1/openapi.json", s.openAPI)
	mux.Handle("GET /api/v1/entities", s.api(auth.Viewer, s.apiEntityList))
	mux.Handle("POST /api/v1/entities", s.api(auth.Editor, s.apiEntityCreate))
	mux.Handle("GET /api/v1/entities/{kind}/{namespace}/{name}", s.api(auth.Viewer, s.apiEntityGet))
	mux.Handle("PUT /api/v1/entities/{kind}/{namespace}/{name}", s.api(auth.Editor, s.apiEntityUpdate))
	mux.Handle("DELETE /api/v1/entities/{kind}/{namespace}/{name}", s.api(auth.Editor, s.apiEntityDelete))
	mux.Handle("GET /api/v1/entities/{kind}/{namespace}/{name}/relations", s.api(auth.Viewer, s.apiEntityRelations))
	mux.Handle("GET /api/v1/catalog/summary", s.api(auth.Viewer, s.apiCatalogSummary))
	mux.Handle("POST /api/v1/catalog/import", s.apiUnmetered(auth.Editor, s.apiCatalogImport))
	mux.Handle("GET /api/v1/catalog/export", s.apiUnmetered(auth.Viewer, s.apiCatalogExport))
	mux.Handle("GET /api/v1/me", s.api(auth.Viewer, s.apiMe))
	mux.Handle("GET /api/v1/users", s.api(auth.Admin, s.apiUserList))
	mux.Handle("POST /api/v1/users", s.api(auth.Admin, s.apiUserCreate))
	mux.Handle("PATCH /api/v1/users/{email}", s.api(auth.Admin, s.apiUserUpdate))
	mux.Handle("GET /api/v1/tokens", s.api(auth.Admin, s.apiTokenList))
	mux.Handle("POST /api/v1/tokens", s.api(auth.Admin, s.apiTokenCreate))
	mux.Handle("DELETE /api/v1/tokens/{id}", s.api(auth.Admin, s.apiTokenRevoke))
	mux.Handle("GET /api/v1/audit", s.api(auth.Admin, s.apiAuditList))

	// Reliability API.
	mux.Handle("/api/", s.api(auth.Viewer, s.apiNotFound))
}

// Package web serves Chief's pages and its JSON API over one ServeMux. Every
// route is listed in routes.go.
package web

import (
	"context"
	"log/slog"
	"net/http"
	"runtime"
	"sync"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/auth"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/delivery"
	"github.com/chief-hq/chief/internal/notify"
	"github.com/chief-hq/chief/internal/radar"
	"github.com/chief-hq/chief/internal/reliability"
	"github.com/prometheus/client_golang/prometheus"
)

// Server holds what the handlers need. Build it with New.
type Server struct {
	db      *db.DB
	catalog *catalog.Store
	auth    *auth.Store
	audit   *audit.Store
	rel     *reliability.Store
	notify  *notify.Store
	radar   *radar.Store
	// delivery keeps deployments and computes the DORA keys; ingester
	// writes webhook deliveries, many per transaction.
	delivery *delivery.Store
	ingester *delivery.Ingester
	log      *slog.Logger
	limiter  *auth.LoginLimiter
	views    *views
	metrics  *metrics
	version  string
	demo     http.Handler
	// slots admits page and API requests a few at a time; see admit.
	slots chan struct{}

	optionsMu sync.Mutex
	options   facetOptions
}

// Options are the dependencies of a Server.
type Options struct {
	DB      *db.DB
	Logger  *slog.Logger
	Version string
	// Demo, when set, serves the demo's monitored services under /demo/.
	Demo http.Handler
}

// New builds a server and parses its templates; a missing or broken
// template stops start-up.
func New(o Options) (*Server, error) {
	v, err := parseViews()
	if err != nil {
		return nil, err
	}
	cat := catalog.NewStore(o.DB)
	s := &Server{
		db:       o.DB,
		catalog:  cat,
		rel:      reliability.NewStore(o.DB, cat),
		notify:   notify.NewStore(o.DB),
		delivery: delivery.NewStore(o.DB, cat),
		radar:    radar.NewStore(o.DB, cat),
		auth:     auth.NewStore(o.DB),
		audit:    audit.NewStore(o.DB),
		log:      o.Logger,
		// Five wrong passwords per account, fifty per address, per 15 minutes.
		limiter: auth.NewLoginLimiter(15*60*1e9, 5, 50),
		views:   v,
		version: o.Version,
		demo:    o.Demo,
		slots:   make(chan struct{}, 2*runtime.GOMAXPROCS(0)),
	}
	s.metrics = newMetrics(o.DB)
	s.ingester = delivery.NewIngester(s.delivery, o.Logger)
	return s, nil
}

// Close stops the server's background writers; call it after the HTTP
// server has stopped taking requests.
func (s *Server) Close() { s.ingester.Close() }

// Delivery is the server's delivery store, for the background job that
// copies incidents into delivery failures.
func (s *Server) Delivery() *delivery.Store { return s.delivery }

// Handler returns the whole HTTP surface with its middleware.
func (s *Server) Handler() http.Handler {
	mux := http.NewServeMux()
	s.routes(mux)
	var h http.Handler = recordRoute(mux)
	h = s.authenticate(h)
	h = http.NewCrossOriginProtection().Handler(h)
	h = s.observe(h)
	return h
}

// SetupToken returns a one-time secret for the first-admin setup page when
// no user exists, and "" otherwise.
func (s *Server) SetupToken(ctx context.Context) (string, error) {
	// A read answers the usual case, users exist, without taking the writer.
	if n, err := s.auth.UserCount(ctx); err != nil || n > 0 {
		return "", err
	}
	return s.auth.NewSetupToken(ctx)
}

// Reliability is the server's reliability store, which the engine that
// runs the checks must share so that it hears of changed monitors.
func (s *Server) Reliability() *reliability.Store { return s.rel }

// Registerer takes metrics that /metrics should serve.
func (s *Server) Registerer() prometheus.Registerer { return s.metrics.registry }

package demo

import (
	"fmt"
	"hash/fnv"
	"io"
	"net/http"
	"strings"
	"sync/atomic"
	"time"
)

// service is how a demo service behaves: its usual latency and when it
// fails or slows down.
type service struct {
	name   string
	entity string
	// base and spread are the usual latency: base plus up to spread.
	base, spread time.Duration
	// Live trouble: every period, starting offset after Chief started, the
	// service fails (or is slow) for length.
	period, offset, length time.Duration
	slow                   bool
}

// services are the demo's monitored services, named after catalog components.
var services = []service{
	{name: "storefront-web", entity: "storefront-web", base: 35 * time.Millisecond, spread: 25 * time.Millisecond},
	{name: "storefront-bff", entity: "storefront-bff", base: 55 * time.Millisecond, spread: 30 * time.Millisecond},
	{name: "checkout-service", entity: "checkout-service", base: 45 * time.Millisecond, spread: 35 * time.Millisecond,
		period: 4 * time.Hour, offset: 40 * time.Minute, length: 90 * time.Second},
	{name: "payment-gateway", entity: "payment-gateway", base: 80 * time.Millisecond, spread: 60 * time.Millisecond,
		period: 2 * time.Hour, offset: 3 * time.Minute, length: 2 * time.Minute},
	{name: "search-service", entity: "search-service", base: 120 * time.Millisecond, spread: 90 * time.Millisecond,
		period: 45 * time.Minute, offset: 8 * time.Minute, length: 5 * time.Minute, slow: true},
	{name: "order-service", entity: "order-service", base: 40 * time.Millisecond, spread: 20 * time.Millisecond},
	{name: "auth-service", entity: "auth-service", base: 25 * time.Millisecond, spread: 15 * time.Millisecond},
	{name: "product-catalog-service", entity: "product-catalog-service", base: 60 * time.Millisecond, spread: 40 * time.Millisecond},
	{name: "edge-gateway", entity: "edge-gateway", base: 12 * time.Millisecond, spread: 8 * time.Millisecond},
	{name: "recommendations-service", entity: "recommendations-service", base: 150 * time.Millisecond, spread: 120 * time.Millisecond},
}

// jitter is a repeatable number in [0, 1) for a service at a moment, so the
// same second always answers the same way.
func jitter(name string, t time.Time) float64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	sec := t.Unix()
	var b [8]byte
	for i := range b {
		b[i] = byte(sec >> (8 * i))
	}
	h.Write(b[:])
	return float64(h.Sum64()%10000) / 10000
}

// latency is the service's answer time at t, and whether it fails.
func (s service) behaviour(t, started time.Time) (latency time.Duration, failing bool) {
	latency = s.base + time.Duration(jitter(s.name, t)*float64(s.spread))
	if jitter(s.name+"/tail", t) > 0.99 { // a slow tail, as real services have
		latency *= 4
	}
	if s.period > 0 {
		since := t.Sub(started) - s.offset
		if since >= 0 && since%s.period < s.length {
			if s.slow {
				return latency + 800*time.Millisecond, false
			}
			return latency, true
		}
	}
	return latency, false
}

// Targets serves the demo services under /demo/targets/{name}, behaving
// as services do (latency, a slow tail, outages a few minutes after start
// and then now and then), and a webhook receiver at /demo/webhook that the
// demo's alert channel posts to. Only for --demo.
func Targets(started time.Time) http.Handler {
	var received atomic.Int64
	mux := http.NewServeMux()
	mux.HandleFunc("GET /demo/targets/{name}", func(w http.ResponseWriter, r *http.Request) {
		name := r.PathValue("name")
		for _, s := range services {
			if s.name != name {
				continue
			}
			latency, failing := s.behaviour(time.Now(), started)
			select {
			case <-time.After(latency):
			case <-r.Context().Done():
				return
			}
			w.Header().Set("Content-Type", "application/json")
			if failing {
				w.WriteHeader(http.StatusServiceUnavailable)
				fmt.Fprintf(w, `{"status":"DOWN","service":%q,"checks":[{"name":"database","ok":false}]}`, name)
				return
			}
			fmt.Fprintf(w, `{"status":"UP","service":%q,"checks":[{"name":"database","ok":true}]}`, name)
			return
		}
		http.NotFound(w, r)
	})
	mux.HandleFunc("POST /demo/webhook", func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, io.LimitReader(r.Body, 1<<20))
		received.Add(1)
		w.WriteHeader(http.StatusNoContent)
	})
	mux.HandleFunc("GET /demo/webhook", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/plain")
		fmt.Fprintf(w, "%d alerts received\n", received.Load())
	})
	return mux
}

// path of a demo service's health target.
func targetPath(name string) string { return "/demo/targets/" + strings.ToLower(name) }

package e2e

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/notify"
	"github.com/chief-hq/chief/internal/reliability"
)

// buildChief builds the chief binary once for tests that must kill it.
func buildChief(t *testing.T) string {
	t.Helper()
	bin := filepath.Join(t.TempDir(), "chief")
	cmd := exec.Command("go", "build", "-o", bin, "github.com/chief-hq/chief/cmd/chief")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("build chief: %v\n%s", err, out)
	}
	return bin
}

// chiefProcess is a chief serve running as its own process.
type chiefProcess struct {
	cmd      *exec.Cmd
	mu       sync.Mutex
	recorded int // results the recorder said it committed
	log      []string
	addr     string
	ready    chan struct{}
}

var recordedLine = regexp.MustCompile(`msg="results recorded" n=(\d+)`)

func startChief(t *testing.T, bin, data string) *chiefProcess {
	t.Helper()
	p := &chiefProcess{ready: make(chan struct{})}
	p.cmd = exec.Command(bin, "serve", "--addr", "127.0.0.1:0", "--data", data, "--log-level", "debug")
	stdout, _ := p.cmd.StdoutPipe()
	stderr, _ := p.cmd.StderrPipe()
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		sc := bufio.NewScanner(stdout)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "Chief is listening on "); ok {
				p.addr = rest
				close(p.ready)
			}
		}
	}()
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			p.mu.Lock()
			if m := recordedLine.FindStringSubmatch(sc.Text()); m != nil {
				n, _ := strconv.Atoi(m[1])
				p.recorded += n
			} else if len(p.log) < 50 {
				p.log = append(p.log, sc.Text())
			}
			p.mu.Unlock()
		}
	}()
	select {
	case <-p.ready:
	case <-time.After(20 * time.Second):
		_ = p.cmd.Process.Kill()
		p.mu.Lock()
		defer p.mu.Unlock()
		t.Fatalf("chief did not start within 20s:\n%s", strings.Join(p.log, "\n"))
	}
	return p
}

func (p *chiefProcess) acknowledged() int {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.recorded
}

// TestKilledMidWriteLosesNothing kills chief with SIGKILL while checks are
// being written, restarts it, and checks that every result it said it had
// recorded is there, that nothing was written twice, that each outage has
// one incident and each alert one outbox row, and that rollups agree with
// the raw results.
func TestKilledMidWriteLosesNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and kills the binary; skipped with -short")
	}
	bin := buildChief(t)
	data := t.TempDir()
	var deliveries sync.Map
	hook := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		deliveries.Store(r.Header.Get("X-Chief-Delivery"), true)
	}))
	defer hook.Close()
	good := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(200) }))
	defer good.Close()
	bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer bad.Close()

	// Set up the catalog, monitors and a channel directly in the database.
	ctx := audit.WithActor(context.Background(), audit.Actor{Name: "test"})
	d, err := db.Open(ctx, data, "")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := d.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	cat := catalog.NewStore(d)
	rel := reliability.NewStore(d, cat)
	for _, name := range []string{"healthy", "broken"} {
		e := catalog.Entity{APIVersion: catalog.APIVersion, Kind: "Component", Metadata: catalog.Metadata{Name: name},
			Spec: map[string]any{"type": "service", "lifecycle": "production", "owner": "group:default/ops"}}
		if _, err := cat.Create(ctx, e); err != nil {
			t.Fatal(err)
		}
	}
	var file strings.Builder
	file.WriteString("monitors:\n")
	for i := 0; i < 40; i++ {
		entity, target := "healthy", good.URL
		if i%4 == 0 {
			entity, target = "broken", bad.URL
		}
		fmt.Fprintf(&file, "  - {name: m%d, entity: %s, type: http, target: %q, interval: 10s, timeout: 2s}\n", i, entity, target+"/"+strconv.Itoa(i))
	}
	list, err := reliability.ParseMonitorsFile(strings.NewReader(file.String()), "monitors.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := rel.ImportMonitors(ctx, list, "test"); err != nil {
		t.Fatal(err)
	}
	if _, err := notify.NewStore(d).Create(ctx, notify.ChannelInput{Name: "hook", Type: "webhook", Settings: notify.Settings{URL: hook.URL}, SendRecovery: true}); err != nil {
		t.Fatal(err)
	}
	d.Close()

	// Run until the first checks have been written, then kill mid-stream.
	first := startChief(t, bin, data)
	deadline := time.Now().Add(30 * time.Second)
	for first.acknowledged() < 30 && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(time.Duration(time.Now().UnixNano()%700) * time.Millisecond)
	_ = first.cmd.Process.Signal(syscall.SIGKILL)
	_ = first.cmd.Wait()
	acked := first.acknowledged()
	if acked < 30 {
		t.Fatalf("got %d results recorded before the kill, want at least 30", acked)
	}

	second := startChief(t, bin, data)
	time.Sleep(12 * time.Second) // every monitor checked again at least once
	_ = second.cmd.Process.Signal(syscall.SIGTERM)
	_ = second.cmd.Wait()

	d, err = db.Open(ctx, data, "")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rel = reliability.NewStore(d, catalog.NewStore(d))
	q := func(query string, args ...any) int {
		t.Helper()
		var n int
		if err := d.QueryRow(ctx, query, args...).Scan(&n); err != nil {
			t.Fatalf("%s: %v", query, err)
		}
		return n
	}
	total := q(`SELECT COUNT(*) FROM check_results`)
	if total < acked+second.acknowledged() {
		t.Fatalf("got %d results on disk, want at least the %d + %d the two runs recorded", total, acked, second.acknowledged())
	}
	if n := q(`SELECT COUNT(*) FROM incidents WHERE resolved_at IS NULL AND entity_ref = 'component:default/broken'`); n != 1 {
		t.Fatalf("got %d open incidents for the broken component, want exactly 1", n)
	}
	if n := q(`SELECT COUNT(*) FROM incidents WHERE entity_ref = 'component:default/healthy'`); n != 0 {
		t.Fatalf("got %d incidents for the healthy component, want 0", n)
	}
	if n := q(`SELECT COUNT(*) FROM monitor_events WHERE to_state = 'down'`); n != 10 {
		t.Fatalf("got %d down events, want 10 (one per broken monitor, not repeated after the restart)", n)
	}
	if n := q(`SELECT COUNT(*) FROM notify_outbox WHERE kind = 'down'`); n != 10 {
		t.Fatalf("got %d down alerts in the outbox, want 10", n)
	}
	if n := q(`SELECT COUNT(*) FROM notify_outbox WHERE sent_at IS NULL`); n != 0 {
		t.Fatalf("got %d alerts still unsent after the restart, want 0", n)
	}
	// Rollups of everything so far agree with the raw results.
	later := time.Now().Add(2 * time.Hour)
	if err := rel.Rollup(ctx, later); err != nil {
		t.Fatal(err)
	}
	if r, h := q(`SELECT COUNT(*) FROM check_results`), q(`SELECT COALESCE(SUM(good + bad + maint), 0) FROM check_hourly`); r != h {
		t.Fatalf("got %d checks in hourly rollups, want %d as in the raw results", h, r)
	}
	n := 0
	deliveries.Range(func(_, _ any) bool { n++; return true })
	if n < 10 {
		t.Fatalf("got %d distinct alerts delivered, want at least the 10 down alerts", n)
	}
}

package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

// The mix of events, in percent: pushes of 1 to 3 new commits, each the
// child of the one before (across pushes too); successful production
// deployments of the latest acknowledged push; merged pull requests whose
// merge commit is a recently acknowledged commit; and finished workflow
// runs, which Chief answers but does not read.
const (
	pctPush       = 60
	pctDeployment = 20
	pctPull       = 10
)

var eventNames = []string{"push", "deployment_status", "pull_request", "workflow_run"}

// chain is the repository's history as the clients make it.
type chain struct {
	mu   sync.Mutex
	head string // the last commit sent
	// recent holds the latest acknowledged commits; ackedHead is the head
	// of the latest acknowledged push.
	recent    []string
	ackedHead string
}

func (c *chain) extend(commits []commit) (before string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	before, c.head = c.head, commits[len(commits)-1].SHA
	return before
}

func (c *chain) acked(shas []string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.recent = append(c.recent, shas...)
	if len(c.recent) > 4096 {
		c.recent = append(c.recent[:0], c.recent[len(c.recent)-1024:]...)
	}
	c.ackedHead = shas[len(shas)-1]
}

func (c *chain) latest() string {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.ackedHead
}

func (c *chain) pick(rng *rand.Rand) string {
	c.mu.Lock()
	defer c.mu.Unlock()
	n := min(len(c.recent), 256)
	if n == 0 {
		return ""
	}
	return c.recent[len(c.recent)-1-rng.IntN(n)]
}

// repoState is one repository's payloads and history.
type repoState struct {
	p  *payloads
	ch *chain
}

// result is one request as the client saw it.
type result struct {
	event    int
	delivery string
	keys     string // what it stores: commit SHAs, the deployment id or the PR number
	start    time.Duration
	latency  time.Duration
	status   int // 0 for a transport error
	bytes    int
}

type loadConfig struct {
	base, source, secret, repo, acks string
	clients, repos                   int
	duration, timeout                time.Duration
	pid                              int
	kill                             bool
	clkTck                           float64
}

func load(ctx context.Context, args []string, stdout io.Writer) error {
	var c loadConfig
	fs := flag.NewFlagSet("load", flag.ContinueOnError)
	fs.StringVar(&c.base, "url", "", "Chief's base URL, http://127.0.0.1:PORT (loopback only)")
	fs.StringVar(&c.source, "source", "bench-github", "webhook source name")
	fs.StringVar(&c.secret, "secret", os.Getenv("CHIEF_BENCH_SECRET"), "the source's secret (or env CHIEF_BENCH_SECRET)")
	fs.StringVar(&c.repo, "repo", "bench/repo", "repository the deliveries name")
	fs.IntVar(&c.repos, "repos", 1, "number of repositories (as setup -repos made them), each delivery for one at random")
	fs.StringVar(&c.acks, "acks", "", "file to write every acknowledged delivery to, for verify")
	fs.IntVar(&c.clients, "c", 64, "concurrent clients, each sending one delivery after the other")
	fs.DurationVar(&c.duration, "d", 60*time.Second, "how long to send")
	fs.DurationVar(&c.timeout, "timeout", 60*time.Second, "timeout of one request")
	fs.IntVar(&c.pid, "pid", 0, "process id of chief serve, to measure its CPU and memory")
	fs.BoolVar(&c.kill, "kill", false, "SIGKILL -pid the moment the run ends, with deliveries in flight")
	fs.Float64Var(&c.clkTck, "clk-tck", 100, "clock ticks per second (getconf CLK_TCK)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if c.secret == "" || c.clients < 1 || c.duration <= 0 || c.repos < 1 {
		return errors.New("-secret, a positive -c, -d and -repos are required")
	}
	if c.kill && c.pid <= 0 {
		return errors.New("-kill needs -pid")
	}
	if err := checkLoopback(c.base); err != nil {
		return err
	}
	return runLoad(ctx, c, stdout)
}

func runLoad(ctx context.Context, c loadConfig, stdout io.Writer) error {
	repos := make([]repoState, c.repos)
	seed := rand.New(rand.NewPCG(7, 7))
	for i := range repos {
		repos[i] = repoState{p: newPayloads(repoName(c.repo, i, c.repos)), ch: &chain{head: randomSHA(seed)}}
	}
	url := c.base + "/hooks/" + c.source
	client := &http.Client{Timeout: c.timeout, Transport: &http.Transport{
		MaxIdleConns: c.clients, MaxIdleConnsPerHost: c.clients, DisableCompression: true, IdleConnTimeout: time.Minute}}
	var deployID, pullNumber, runID atomic.Int64
	deployID.Store(1_000_000_000)
	runID.Store(9_000_000_000)
	var inFlight atomic.Int64

	var samples []procSample
	sample := func() {
		if c.pid > 0 {
			if s, err := sampleProc(c.pid); err == nil {
				samples = append(samples, s)
			}
		}
	}
	sample()
	cpu0 := ownCPU()
	start := time.Now()
	deadline := start.Add(c.duration)
	results := make([][]result, c.clients)
	var wg sync.WaitGroup
	for i := range c.clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(i)+1, 42))
			for ctx.Err() == nil && time.Now().Before(deadline) {
				repo := &repos[rng.IntN(len(repos))]
				r, body := next(rng, repo.p, repo.ch, &deployID, &pullNumber, &runID)
				r.start = time.Since(start)
				inFlight.Add(1)
				r.status, r.latency = send(ctx, client, url, c.secret, eventNames[r.event], r.delivery, body)
				inFlight.Add(-1)
				r.bytes = len(body)
				if r.status/100 == 2 && r.event == 0 {
					repo.ch.acked(strings.Split(r.keys, ","))
				}
				results[i] = append(results[i], r)
			}
		}()
	}
	// Sample chief every second until the deadline.
	tick := time.NewTicker(time.Second)
	for now := range tick.C {
		if !now.Before(deadline) || ctx.Err() != nil {
			break
		}
		sample()
	}
	tick.Stop()
	sample()
	cutOff := inFlight.Load()
	if c.kill {
		if err := syscall.Kill(c.pid, syscall.SIGKILL); err != nil {
			return fmt.Errorf("kill chief: %w", err)
		}
	}
	wg.Wait()
	cpu := ownCPU() - cpu0
	var all []result
	for _, rs := range results {
		all = append(all, rs...)
	}
	slices.SortFunc(all, func(a, b result) int { return int(a.start - b.start) })
	if c.acks != "" {
		if err := writeAcks(c.acks, all); err != nil {
			return err
		}
	}
	report(stdout, c, all, samples, cpu, cutOff)
	return nil
}

// next makes the next delivery of a client.
func next(rng *rand.Rand, p *payloads, ch *chain, deployID, pullNumber, runID *atomic.Int64) (result, []byte) {
	now := time.Now().UTC().Truncate(time.Second)
	r := result{delivery: uuid(rng)}
	roll := rng.IntN(100)
	latest := ch.latest()
	switch {
	case roll < pctPush || latest == "":
		commits := make([]commit, 1+rng.IntN(3))
		shas := make([]string, len(commits))
		for i := range commits {
			commits[i] = commit{SHA: randomSHA(rng), Message: "Retry the upstream call on timeouts\n\nPart of the bench.",
				Author: fmt.Sprintf("Dev %03d", rng.IntN(200)), At: now.Add(-time.Duration(rng.IntN(7200)) * time.Second)}
			shas[i] = commits[i].SHA
		}
		before := ch.extend(commits)
		r.event, r.keys = 0, strings.Join(shas, ",")
		return r, p.push(before, commits)
	case roll < pctPush+pctDeployment:
		id := deployID.Add(1)
		r.event, r.keys = 1, fmt.Sprint(id)
		return r, p.deploymentStatus(id, latest, now.Add(-2*time.Minute), now)
	case roll < pctPush+pctDeployment+pctPull:
		n := pullNumber.Add(1)
		login, bot := fmt.Sprintf("dev%03d", rng.IntN(200)), rng.IntN(10) == 0
		if bot {
			login = "dependabot[bot]"
		}
		r.event, r.keys = 2, fmt.Sprint(n)
		opened := now.Add(-time.Duration(3600+rng.IntN(3*86400)) * time.Second)
		return r, p.pullRequest(n, ch.pick(rng), randomSHA(rng), login, bot, opened, now)
	default:
		r.event, r.keys = 3, "-"
		return r, p.workflowRun(runID.Add(1), latest, now)
	}
}

// send posts one signed delivery and returns the status (0 when no answer
// came) and the time to the end of the answer.
func send(ctx context.Context, client *http.Client, url, secret, event, delivery string, body []byte) (int, time.Duration) {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, 0
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "GitHub-Hookshot/bench")
	req.Header.Set("X-GitHub-Event", event)
	req.Header.Set("X-GitHub-Delivery", delivery)
	req.Header.Set("X-GitHub-Hook-ID", "424242")
	req.Header.Set("X-Hub-Signature-256", "sha256="+hex.EncodeToString(mac.Sum(nil)))
	t := time.Now()
	resp, err := client.Do(req)
	if err != nil {
		return 0, time.Since(t)
	}
	_, err = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if err != nil {
		return 0, time.Since(t)
	}
	return resp.StatusCode, time.Since(t)
}

func randomSHA(rng *rand.Rand) string {
	var b [20]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	return hex.EncodeToString(b[:])
}

// uuid makes a version 4 UUID, as GitHub's delivery ids are.
func uuid(rng *rand.Rand) string {
	var b [16]byte
	for i := range b {
		b[i] = byte(rng.Uint32())
	}
	b[6], b[8] = b[6]&0x0f|0x40, b[8]&0x3f|0x80
	h := hex.EncodeToString(b[:])
	return h[:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:]
}

// writeAcks writes every acknowledged (2xx) delivery, one a line:
// event, delivery id, status, keys.
func writeAcks(path string, all []result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	w := bufio.NewWriter(f)
	for _, r := range all {
		if r.status/100 == 2 {
			fmt.Fprintf(w, "%s\t%s\t%d\t%s\n", eventNames[r.event], r.delivery, r.status, r.keys)
		}
	}
	if err := w.Flush(); err != nil {
		f.Close()
		return err
	}
	return f.Close()
}

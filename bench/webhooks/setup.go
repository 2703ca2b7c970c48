package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"time"
)

// setup creates, through the API, the team, the component that declares
// the repository the deliveries name (or, with -repos N, N components
// declaring REPO-000 to REPO-N-1), and a GitHub source, and prints the
// source's secret.
func setup(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("setup", flag.ContinueOnError)
	base := fs.String("url", "", "Chief's base URL, http://127.0.0.1:PORT (loopback only)")
	token := fs.String("token", "", "an admin's API token with write scope")
	source := fs.String("source", "bench-github", "name of the webhook source to create")
	repo := fs.String("repo", "bench/repo", "repository the component declares (github.com/project-slug)")
	component := fs.String("component", "bench-repo", "name of the component to create")
	repos := fs.Int("repos", 1, "number of repositories and components; above 1 their names end in -000, -001...")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if *token == "" {
		return errors.New("-token is required")
	}
	if err := checkLoopback(*base); err != nil {
		return err
	}
	c := &http.Client{Timeout: 30 * time.Second}
	post := func(path string, body any, out any) error {
		raw, _ := json.Marshal(body)
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, *base+path, bytes.NewReader(raw))
		if err != nil {
			return err
		}
		req.Header.Set("Authorization", "Bearer "+*token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := c.Do(req)
		if err != nil {
			return err
		}
		defer resp.Body.Close()
		answer, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusCreated {
			return fmt.Errorf("POST %s: %s: %s", path, resp.Status, bytes.TrimSpace(answer))
		}
		if out != nil {
			return json.Unmarshal(answer, out)
		}
		return nil
	}
	team := map[string]any{"apiVersion": "backstage.io/v1alpha1", "kind": "Group",
		"metadata": map[string]any{"name": "bench-team"}, "spec": map[string]any{"type": "team", "children": []string{}}}
	if err := post("/api/v1/entities", team, nil); err != nil {
		return err
	}
	for i := range *repos {
		comp := map[string]any{"apiVersion": "backstage.io/v1alpha1", "kind": "Component",
			"metadata": map[string]any{"name": repoName(*component, i, *repos), "annotations": map[string]string{"github.com/project-slug": repoName(*repo, i, *repos)}},
			"spec":     map[string]any{"type": "service", "lifecycle": "production", "owner": "group:bench-team"}}
		if err := post("/api/v1/entities", comp, nil); err != nil {
			return err
		}
	}
	var src struct {
		Secret string `json:"secret"`
	}
	if err := post("/api/v1/delivery/sources", map[string]string{"name": *source, "provider": "github"}, &src); err != nil {
		return err
	}
	if src.Secret == "" {
		return errors.New("the source was created without a secret in the answer")
	}
	fmt.Fprintln(stdout, src.Secret)
	return nil
}

// repoName is the i-th of n names: name itself when there is one.
func repoName(name string, i, n int) string {
	if n == 1 {
		return name
	}
	return fmt.Sprintf("%s-%03d", name, i)
}

// checkLoopback refuses any base URL that is not on the loopback.
func checkLoopback(base string) error {
	u, err := url.Parse(base)
	if err != nil || u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("-url %q: want http://127.0.0.1:PORT", base)
	}
	host := u.Hostname()
	if host == "localhost" {
		return nil
	}
	if ip := net.ParseIP(host); ip == nil || !ip.IsLoopback() {
		return fmt.Errorf("-url %q: only loopback addresses are allowed", base)
	}
	return nil
}

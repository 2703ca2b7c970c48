package notify

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
)

// webClient posts to webhooks without following redirects: Go would turn a
// redirected POST into a GET without the body, and the 200 of that GET
// would count as delivered.
var webClient = &http.Client{
	CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
}

// validateURL checks an http or https URL with a host, trimming it.
func validateURL(field string, raw *string) error {
	*raw = strings.TrimSpace(*raw)
	if *raw == "" {
		return apperr.Field(field, "is required")
	}
	u, err := url.Parse(*raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return apperr.Field(field, "%q is not an http or https URL such as https://hooks.example.com/chief", *raw)
	}
	return nil
}

// postJSON posts body to rawURL. Errors name the URL only in redacted form,
// because they are logged and shown on the admin page, and a Slack or Teams
// URL is a credential.
func postJSON(ctx context.Context, typ, rawURL string, body []byte, header http.Header) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, rawURL, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("post to %s: %v", redactURL(typ, rawURL), redactErr(err))
	}
	for k, v := range header {
		req.Header[k] = v
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "Chief")
	resp, err := webClient.Do(req)
	if err != nil {
		return fmt.Errorf("post to %s: %v", redactURL(typ, rawURL), redactErr(err))
	}
	defer resp.Body.Close()
	// Read a little of the answer: it often says why, and reading to the
	// end lets the connection be reused.
	snippet, _ := io.ReadAll(io.LimitReader(resp.Body, 512))
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		msg := fmt.Sprintf("post to %s: status %s", redactURL(typ, rawURL), resp.Status)
		if s := strings.TrimSpace(string(snippet)); s != "" {
			msg += ": " + s
		}
		return errors.New(msg)
	}
	return nil
}

// redactErr drops the URL that net/http puts in its errors.
func redactErr(err error) error {
	var uerr *url.Error
	if errors.As(err, &uerr) {
		return uerr.Err
	}
	return err
}

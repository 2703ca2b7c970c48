package notify

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
)

// webhook posts the Message as JSON to any receiver. With a secret, the
// body is signed as GitHub signs its webhooks, so receivers can reuse their
// checking code; X-Chief-Delivery lets them drop a message sent twice.
type webhook struct{}

func (webhook) Validate(s *Settings) error { return validateURL("settings.url", &s.URL) }

func (webhook) Send(ctx context.Context, s *Settings, m *Message) error {
	body, err := json.Marshal(m)
	if err != nil {
		return err
	}
	h := http.Header{}
	h.Set("X-Chief-Event", string(m.Kind))
	h.Set("X-Chief-Delivery", m.EventKey)
	if s.Secret != "" {
		h.Set("X-Chief-Signature-256", Sign(s.Secret, body))
	}
	return postJSON(ctx, "webhook", s.URL, body, h)
}

// Sign returns the X-Chief-Signature-256 value of body: "sha256=" and the
// hex HMAC-SHA256 of body keyed by secret. Receivers written in Go can
// compare it with hmac.Equal.
func Sign(secret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(secret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

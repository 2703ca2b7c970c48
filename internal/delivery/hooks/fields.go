package hooks

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/delivery"
)

// decode reads body into v. Errors name the JSON path at fault ("body" when
// the body is not JSON at all) so the sender's log says what to fix.
func decode(body []byte, v any) error {
	err := json.Unmarshal(body, v)
	if err == nil {
		return nil
	}
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return apperr.Field("body", "is not valid JSON (at byte %d): %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		field := typ.Field
		if field == "" {
			field = "body"
		}
		return apperr.Field(field, "must be %s, got %s", kindName(typ.Type), typ.Value)
	default:
		return apperr.Field("body", "is not valid JSON: %s", err.Error())
	}
}

// kindName says in JSON's words what a Go type expects.
func kindName(t reflect.Type) string {
	if t == nil {
		return "another type"
	}
	if t == reflect.TypeFor[ident]() {
		return "a number or a string"
	}
	switch t.Kind() {
	case reflect.String:
		return "a string"
	case reflect.Bool:
		return "true or false"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "a whole number"
	case reflect.Float32, reflect.Float64:
		return "a number"
	case reflect.Slice, reflect.Array:
		return "an array"
	case reflect.Struct, reflect.Map:
		return "an object"
	}
	return "another type"
}

// ident is an id that payloads write as a number (GitHub, GitLab) or, from
// some proxies and replays, as a string. It keeps the digits as text, so ids
// beyond 2^53 survive.
type ident string

// UnmarshalJSON accepts a number, a string or null.
func (id *ident) UnmarshalJSON(b []byte) error {
	b = bytes.TrimSpace(b)
	switch {
	case len(b) == 0 || string(b) == "null":
		return nil
	case b[0] == '"':
		var s string
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
		*id = ident(strings.TrimSpace(s))
		return nil
	case b[0] == '-' || '0' <= b[0] && b[0] <= '9':
		*id = ident(b)
		return nil
	}
	value := "object"
	switch b[0] {
	case '[':
		value = "array"
	case 't', 'f':
		value = "bool"
	}
	return &json.UnmarshalTypeError{Value: value, Type: reflect.TypeFor[ident]()}
}

// isSHA accepts 4 to 64 hexadecimal digits, as delivery's Validate does.
func isSHA(s string) bool {
	if len(s) < 4 || len(s) > 64 {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// isFullSHA accepts an unabbreviated SHA-1 or SHA-256 commit id.
func isFullSHA(s string) bool {
	return (len(s) == 40 || len(s) == 64) && isSHA(s)
}

// isZeroSHA reports the all-zero id git hosts use for "no commit": the
// before of a new branch, the after of a deleted one.
func isZeroSHA(s string) bool {
	return s != "" && strings.Trim(s, "0") == ""
}

// shaAt checks the commit id s found at the JSON path and lowercases it. An
// empty s is allowed unless need is set.
func shaAt(path, s string, need bool) (string, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		if need {
			return "", apperr.Field(path, "is required (a commit SHA)")
		}
		return "", nil
	}
	if !isSHA(s) {
		return "", apperr.Field(path, "must be a commit SHA (4 to 64 hexadecimal digits), got %q", s)
	}
	return strings.ToLower(s), nil
}

// environmentAt checks the environment name found at the JSON path.
func environmentAt(path, env string) (string, error) {
	env = strings.TrimSpace(env)
	switch {
	case env == "":
		return "", apperr.Field(path, "is required, for example production")
	case len(env) > 100:
		return "", apperr.Field(path, "is longer than 100 characters")
	}
	return env, nil
}

// firstLine is a commit message's title.
func firstLine(message string) string {
	line, _, _ := strings.Cut(message, "\n")
	return strings.TrimSpace(line)
}

// failure starts a failure from an issue's title and creation time, found
// under the JSON object named by prefix.
func failure(source, prefix, title, createdAt string) (delivery.FailureInput, error) {
	title = strings.TrimSpace(title)
	if title == "" {
		return delivery.FailureInput{}, apperr.Field(prefix+".title", "is required")
	}
	started, err := timeAt(prefix+".created_at", createdAt, true)
	if err != nil {
		return delivery.FailureInput{}, err
	}
	return delivery.FailureInput{Title: title, StartedAt: started, Source: source}, nil
}

// resolve ends the failure at the time found at the JSON path, if any.
func resolve(f *delivery.FailureInput, path, at string) error {
	t, err := timeAt(path, at, false)
	if err != nil {
		return err
	}
	if !t.IsZero() && t.Before(f.StartedAt) {
		return apperr.Field(path, "is before the issue was opened")
	}
	f.ResolvedAt = t
	return nil
}

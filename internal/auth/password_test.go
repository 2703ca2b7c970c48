package auth

import (
	"fmt"
	"strings"
	"testing"
)

// checkPassword calls CheckPassword and turns a panic into a value, so that a
// malformed hash that crashes the check fails one case instead of the whole
// test binary.
func checkPassword(t *testing.T, encoded, password string) (ok bool, panicked any) {
	t.Helper()
	defer func() { panicked = recover() }()
	return CheckPassword(encoded, password), nil
}

func mustHash(t *testing.T, password string) string {
	t.Helper()
	h, err := HashPassword(password)
	if err != nil {
		t.Fatalf("HashPassword(%q): got error %v, want nil", password, err)
	}
	return h
}

func TestHashPasswordRoundTrip(t *testing.T) {
	wantPrefix := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$", argonMemory, argonTime, argonThreads)
	cases := []struct {
		name     string
		password string
		wrong    string
	}{
		{"ascii", "correct horse battery staple", "correct horse battery stapler"},
		{"unicode", "pässwörd-🔑-秘密", "passwort-🔑-秘密"},
		{"case matters", "CaseSensitive1", "casesensitive1"},
		{"trailing space matters", "secret password", "secret password "},
		{"longest accepted", strings.Repeat("x", 1024), strings.Repeat("x", 1023)},
		{"empty", "", " "},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			h := mustHash(t, tc.password)
			if !strings.HasPrefix(h, wantPrefix) {
				t.Errorf("hash %q: got prefix %q, want %q", h, h[:min(len(h), len(wantPrefix))], wantPrefix)
			}
			if strings.Contains(h, tc.password) && tc.password != "" {
				t.Errorf("hash %q contains the password", h)
			}
			if got, p := checkPassword(t, h, tc.password); got != true || p != nil {
				t.Errorf("CheckPassword(right password): got %v (panic %v), want true", got, p)
			}
			if got, p := checkPassword(t, h, tc.wrong); got != false || p != nil {
				t.Errorf("CheckPassword(%q): got %v (panic %v), want false", tc.wrong, got, p)
			}
		})
	}
}

func TestHashPasswordIsSalted(t *testing.T) {
	const pw = "same password twice"
	a, b := mustHash(t, pw), mustHash(t, pw)
	if a == b {
		t.Fatalf("two hashes of the same password: got both %q, want different", a)
	}
	saltA, saltB := strings.Split(a, "$")[4], strings.Split(b, "$")[4]
	if saltA == saltB {
		t.Errorf("salts: got both %q, want different", saltA)
	}
	for name, h := range map[string]string{"first": a, "second": b} {
		if got, p := checkPassword(t, h, pw); !got || p != nil {
			t.Errorf("%s hash: CheckPassword got %v (panic %v), want true", name, got, p)
		}
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	const pw = "the right password"
	good := mustHash(t, pw)
	parts := strings.Split(good, "$") // "", "argon2id", "v=19", "m=..,t=..,p=..", salt, key
	if len(parts) != 6 {
		t.Fatalf("hash %q: got %d parts, want 6", good, len(parts))
	}
	with := func(i int, v string) string {
		p := append([]string(nil), parts...)
		p[i] = v
		return strings.Join(p, "$")
	}
	flip := func(s string) string { // change the first character, staying in the base64 alphabet
		if s[0] == 'A' {
			return "B" + s[1:]
		}
		return "A" + s[1:]
	}
	cases := []struct {
		name    string
		encoded string
	}{
		{"empty", ""},
		{"plain text", pw},
		{"missing key", strings.Join(parts[:5], "$")},
		{"extra part", good + "$extra"},
		{"argon2i", with(1, "argon2i")},
		{"bcrypt", "$2a$10$N9qo8uLOickgx2ZMRZoMyeIjZAgcfl7p92ldGxad68LJZdL17lhWy"},
		{"old version", with(2, "v=16")},
		{"version not a number", with(2, "v=x")},
		{"version missing", with(2, "")},
		{"params not numbers", with(3, "m=a,t=b,p=c")},
		{"params missing", with(3, "")},
		{"threads overflow", with(3, fmt.Sprintf("m=%d,t=%d,p=256", argonMemory, argonTime))},
		{"salt not base64", with(4, "!!!!")},
		{"key not base64", with(5, "!!!!")},
		{"key padded base64", with(5, parts[5]+"=")},
		{"key changed", with(5, flip(parts[5]))},
		{"salt changed", with(4, flip(parts[4]))},
		{"key truncated", with(5, parts[5][:20])},
		{"other time cost", with(3, fmt.Sprintf("m=%d,t=%d,p=%d", argonMemory, argonTime+1, argonThreads))},
		// A hash with no key bytes must not match every password.
		{"empty key", with(5, "")},
		// Zero cost parameters make argon2 panic; CheckPassword must say false.
		{"zero time cost", with(3, fmt.Sprintf("m=%d,t=0,p=%d", argonMemory, argonThreads))},
		{"zero threads", with(3, fmt.Sprintf("m=%d,t=%d,p=0", argonMemory, argonTime))},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, p := checkPassword(t, tc.encoded, pw)
			if p != nil {
				t.Fatalf("CheckPassword(%q): got panic %v, want false", tc.encoded, p)
			}
			if got {
				t.Errorf("CheckPassword(%q): got true, want false", tc.encoded)
			}
		})
	}
}

func TestDummyHashIsUsable(t *testing.T) {
	// Authenticate checks unknown accounts against dummyHash to take as long
	// as a real check; it must be a real hash that no likely password matches.
	if !strings.HasPrefix(dummyHash(), "$argon2id$") {
		t.Fatalf("dummyHash: got %q, want an argon2id hash", dummyHash())
	}
	if got, p := checkPassword(t, dummyHash(), ""); got || p != nil {
		t.Errorf("CheckPassword(dummyHash(), \"\"): got %v (panic %v), want false", got, p)
	}
}

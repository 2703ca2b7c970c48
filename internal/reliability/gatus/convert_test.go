package gatus

import (
	"errors"
	"fmt"
	"os"
	"reflect"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/notify"
	"github.com/chief-hq/chief/internal/reliability"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

func d(s string) dur.Duration {
	v, err := time.ParseDuration(s)
	if err != nil {
		panic(err)
	}
	return dur.Duration(v)
}

func mustConvertFile(tb testing.TB, path string) *Result {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	res, err := Convert(f, path)
	if err != nil {
		tb.Fatalf("Convert(%s): %v", path, err)
	}
	return res
}

func mustConvert(tb testing.TB, src string) *Result {
	tb.Helper()
	res, err := Convert(strings.NewReader(src), "gatus.yaml")
	if err != nil {
		tb.Fatalf("Convert: %v", err)
	}
	return res
}

const envNote = "environment variable: Gatus fills it in when it starts, Chief keeps the text as written; put in the real value"

// TestConvertAcme converts a whole configuration of the kind teams run and
// checks everything a user would see after the import.
func TestConvertAcme(t *testing.T) {
	// Convert must not read the environment: the placeholder stays.
	t.Setenv("SLACK_WEBHOOK_URL", "https://hooks.slack.com/services/T0/B0/leaked")
	res := mustConvertFile(t, "testdata/acme.yaml")

	wantMonitors := []reliability.MonitorInput{
		{
			Name: "shop_storefront", Entity: "component:default/shop", Interval: d("30s"),
			Conditions:       []string{"[STATUS] == 200", "[RESPONSE_TIME] < 800", "[CERTIFICATE_EXPIRATION] > 48h"},
			FailureThreshold: 6, SuccessThreshold: 3,
			Settings: probe.Settings{Type: "http", Target: "https://shop.acme.example/"},
		},
		{
			Name: "shop_cart-api", Entity: "component:default/shop", Interval: d("10s"),
			Conditions:       []string{"[STATUS] == any(200, 204)", "[BODY].status == UP", "len([BODY].items) > 0"},
			FailureThreshold: 3, SuccessThreshold: 2,
			Settings: probe.Settings{
				Type: "http", Target: "https://api.acme.example/cart/health", Timeout: d("3s"), Method: "POST",
				Headers: map[string]string{"Authorization": "Bearer ${CART_TOKEN}", "Content-Type": "application/json"},
				Body:    `{"probe": true}`, Insecure: true,
			},
		},
		{
			Name: "shop_catalog-search", Entity: "component:default/shop", Interval: d("60s"),
			Conditions:       []string{"[STATUS] == 200", "[BODY].results[0].name == pat(*Shoe*)"},
			FailureThreshold: 2, SuccessThreshold: 2,
			Settings: probe.Settings{Type: "http", Target: "https://api.acme.example/search?q=shoe"},
		},
		{
			Name: "payments_payments-gateway", Entity: "component:default/payments", Interval: d("2m"),
			Conditions: []string{"[CONNECTED] == true", "[RESPONSE_TIME] < 200"},
			Settings:   probe.Settings{Type: "tcp", Target: "pay.internal.acme.example:8443"},
		},
		{
			Name: "payments_payments-tls", Entity: "component:default/payments", Interval: d("24h"),
			Conditions:       []string{"[CERTIFICATE_EXPIRATION] > 720h"},
			FailureThreshold: 3, SuccessThreshold: 2,
			Settings: probe.Settings{Type: "tls", Target: "pay.acme.example:443"},
		},
		{
			Name: "network_resolver", Entity: "component:default/network", Interval: d("60s"),
			Conditions: []string{"[BODY] == 203.0.113.10", "[DNS_RCODE] == NOERROR"},
			Settings:   probe.Settings{Type: "dns", Target: "acme.example", DNSRecordType: "A", DNSServer: "8.8.8.8:53"},
		},
		{
			Name: "network_gateway-ping", Entity: "component:default/network", Interval: d("60s"),
			Conditions: []string{"[CONNECTED] == true"}, Paused: true,
			Settings: probe.Settings{Type: "icmp", Target: "10.0.0.1"},
		},
		{
			Name: "legacy-admin", Entity: "component:default/legacy-admin", Interval: d("60s"),
			Conditions: []string{"[STATUS] == 302"},
			Settings:   probe.Settings{Type: "http", Target: "https://admin.acme.example/login", IgnoreRedirect: true},
		},
		{
			Name: "jobs_nightly-backup", Entity: "component:default/jobs", Interval: d("24h"),
			FailureThreshold: 4, SuccessThreshold: 2,
			Settings: probe.Settings{Type: "heartbeat"},
		},
	}
	wantComponents := []string{"shop", "payments", "network", "legacy-admin", "jobs"}
	wantChannels := []notify.ChannelInput{
		{Name: "gatus-slack", Type: "slack", Settings: notify.Settings{URL: "${SLACK_WEBHOOK_URL}"}, SendRecovery: true},
		{Name: "gatus-teams", Type: "teams", Settings: notify.Settings{URL: "https://acme.webhook.office.com/webhookb2/1234"}},
		{Name: "gatus-email", Type: "email", Settings: notify.Settings{
			SMTPHost: "smtp.acme.example", SMTPPort: 587, Username: "gatus", Password: "${SMTP_PASSWORD}",
			From: "gatus@acme.example", To: []string{"oncall@acme.example", "sre@acme.example"},
		}},
		{Name: "gatus-custom", Type: "webhook", Settings: notify.Settings{URL: "https://hooks.acme.example/gatus"}},
	}
	wantSkipped := []Skip{
		{2, "metrics", "Chief always serves Prometheus metrics at /metrics"},
		{4, "storage", "Chief keeps its own storage; Gatus's check history is not imported"},
		{8, "ui", "Chief has its own pages and status page"},
		{11, "maintenance", "re-create as a Chief maintenance window: Chief has them, with a different schedule format (Gatus: start 23:00; duration 1h; timezone Europe/Amsterdam; every Saturday, Sunday)"},
		{18, "alerting.slack", "channel gatus-slack gets the alerts of all 9 imported monitors; in Gatus 2 of them alerted through slack"},
		{19, "${SLACK_WEBHOOK_URL}", envNote},
		{23, "alerting.teams", "channel gatus-teams gets the alerts of all 9 imported monitors; in Gatus 0 of them alerted through teams"},
		{25, "alerting.teams.title", "Chief writes its own message titles"},
		{26, "alerting.email", "channel gatus-email gets the alerts of all 9 imported monitors; in Gatus 2 of them alerted through email"},
		{29, "${SMTP_PASSWORD}", envNote},
		{33, "alerting.email.overrides", "per-group overrides are not carried over: Chief sends every alert to the channel's own address; make a channel per group and limit it to the group's teams"},
		{36, "alerting.custom", "channel gatus-custom gets the alerts of all 9 imported monitors; in Gatus 1 of them alerted through custom"},
		{38, "alerting.custom", "Chief posts its own signed JSON to the URL; Gatus's custom request (method, body, headers, placeholders) is not carried over, so the receiver must accept Chief's message"},
		{41, "alerting.pagerduty", "no pagerduty channel in Chief"},
		{53, "endpoints[0].alerts", "failure-threshold differs between the alerts (slack 4, pagerduty 6); the monitor uses the largest, 6"},
		{53, "endpoints[0].alerts", "success-threshold differs between the alerts (slack 2, pagerduty 3); the monitor uses the largest, 3"},
		{55, "endpoints[0].alerts[1] (type pagerduty)", "no pagerduty channel in Chief"},
		{64, "${CART_TOKEN}", envNote},
		{67, "endpoints[1] (Shop/Cart API)", "interval 5s raised to Chief's minimum of 10s"},
		{77, "endpoints[1].alerts[0].description", "Chief's alerts name the monitor and its failing conditions; the description is not carried over"},
		{88, "endpoints[2].extra-labels", "Chief's metrics are labelled by monitor and entity; extra labels are not carried over"},
		{93, "endpoints[2].alerts[1] (type discord)", "no discord channel in Chief"},
		{106, "endpoints[4] (payments/payments tls)", "interval 48h lowered to Chief's maximum of 24h"},
		{131, "endpoints[7] (Network/Mail relay)", "Chief has no STARTTLS monitor; a tls:// monitor on the implicit-TLS port may do"},
		{139, "endpoints[8].client.oauth2", "Chief does not fetch OAuth2 tokens; a fixed Authorization header may do if the service allows it"},
		{146, "endpoints[8].retries", "not a Gatus endpoint setting Chief knows; ignored"},
		{149, "external-endpoints[0] (Jobs/nightly backup)", "now heartbeat monitor jobs_nightly-backup: point the job at its Chief heartbeat URL; Gatus's push token is not reused, and Chief records that a beat came, not a pushed success, error or duration"},
		{153, "external-endpoints[0] (Jobs/nightly backup)", "interval 25h lowered to Chief's maximum of 24h"},
	}

	t.Run("monitors", func(t *testing.T) {
		if len(res.Monitors) != len(wantMonitors) {
			t.Fatalf("got %d monitors %v, want %d", len(res.Monitors), monitorNames(res.Monitors), len(wantMonitors))
		}
		for i, want := range wantMonitors {
			t.Run(want.Name, func(t *testing.T) {
				if got := res.Monitors[i]; !reflect.DeepEqual(got, want) {
					t.Errorf("got  %+v\nwant %+v", got, want)
				}
			})
		}
	})
	t.Run("components", func(t *testing.T) {
		if !reflect.DeepEqual(res.Components, wantComponents) {
			t.Errorf("got %q, want %q", res.Components, wantComponents)
		}
	})
	t.Run("channels", func(t *testing.T) {
		if len(res.Channels) != len(wantChannels) {
			t.Fatalf("got %d channels, want %d", len(res.Channels), len(wantChannels))
		}
		for i, want := range wantChannels {
			t.Run(want.Name, func(t *testing.T) {
				if got := res.Channels[i]; !reflect.DeepEqual(got, want) {
					t.Errorf("got  %+v\nwant %+v", got, want)
				}
			})
		}
	})
	t.Run("skipped", func(t *testing.T) { compareSkips(t, res.Skipped, wantSkipped) })
}

func monitorNames(ms []reliability.MonitorInput) []string {
	var names []string
	for _, m := range ms {
		names = append(names, m.Name)
	}
	return names
}

func compareSkips(t *testing.T, got, want []Skip) {
	t.Helper()
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			t.Errorf("skip %d: got none, want %+v", i, want[i])
		case i >= len(want):
			t.Errorf("skip %d: got %+v, want none", i, got[i])
		case got[i] != want[i]:
			t.Errorf("skip %d:\ngot  %+v\nwant %+v", i, got[i], want[i])
		}
	}
}

func TestConvertErrors(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		wantLine  int
		wantField string
		wantMsg   string
	}{
		{"invalid YAML", "endpoints:\n  - name: a: b\n", 2, "", "invalid YAML: mapping values are not allowed"},
		{"unclosed quote", "endpoints:\n  - name: a\n    url: \"https://a.example\n", 3, "", "invalid YAML"},
		{"tab indentation", "endpoints:\n\t- name: a\n", 2, "", "invalid YAML"},
		{"empty file", "", 1, "", "the file is empty"},
		{"only a comment", "# nothing here\n", 1, "", "the file is empty"},
		{"a list at the top", "- name: a\n  url: https://a.example\n", 1, "", "a Gatus configuration is a mapping"},
		{"endpoints not a list", "endpoints:\n  name: a\n", 2, "endpoints", "must be a list"},
		{"endpoint not a mapping", "endpoints:\n  - https://a.example\n", 2, "endpoints[0]", "must be a mapping"},
		{"endpoint without name", "endpoints:\n  - name: a\n    url: https://a.example\n  - url: https://b.example\n", 4, "endpoints[1].name", "is required"},
		{"endpoint with empty name", "endpoints:\n  - name: \"  \"\n    url: https://a.example\n", 2, "endpoints[0].name", "is required"},
		{"endpoint without url", "endpoints:\n  - name: a\n    conditions: [\"[STATUS] == 200\"]\n", 2, "endpoints[0].url", "is required"},
		{"url is a list", "endpoints:\n  - name: a\n    url: [https://a.example]\n", 3, "endpoints[0].url", "must be a single value"},
		{"conditions not a list", "endpoints:\n  - name: a\n    url: https://a.example\n    conditions: \"[STATUS] == 200\"\n", 4, "endpoints[0].conditions", "must be a list"},
		{"condition is a mapping", "endpoints:\n  - name: a\n    url: https://a.example\n    conditions:\n      - status: 200\n", 5, "endpoints[0].conditions[0]", "must be a single value"},
		{"interval without unit", "endpoints:\n  - name: a\n    url: https://a.example\n    interval: 30\n", 4, "endpoints[0].interval", `"30" is not a duration`},
		{"negative timeout", "endpoints:\n  - name: a\n    url: https://a.example\n    client:\n      timeout: -5s\n", 5, "endpoints[0].client.timeout", `"-5s" is not a duration`},
		{"enabled is not a flag", "endpoints:\n  - name: a\n    url: https://a.example\n    enabled: maybe\n", 4, "endpoints[0].enabled", "must be true or false"},
		{"headers as a list", "endpoints:\n  - name: a\n    url: https://a.example\n    headers: [X-A]\n", 4, "endpoints[0].headers", "must be a mapping"},
		{"dns without query-name", "endpoints:\n  - name: a\n    url: 8.8.8.8\n    dns:\n      query-type: A\n", 5, "endpoints[0].dns.query-name", "is required"},
		{"alert without type", "endpoints:\n  - name: a\n    url: https://a.example\n    alerts:\n      - failure-threshold: 3\n", 5, "endpoints[0].alerts[0].type", "is required"},
		{"threshold in words", "endpoints:\n  - name: a\n    url: https://a.example\n    alerts:\n      - type: slack\n        failure-threshold: three\n", 6, "endpoints[0].alerts[0].failure-threshold", "must be a whole number"},
		{"key set twice", "endpoints:\n  - name: a\n    url: https://a.example\n    name: b\n", 4, "endpoints[0].name", "is set twice (first on line 2)"},
		{"merge of a list", "base: &b [1]\nendpoints:\n  - <<: *b\n    name: a\n    url: https://a.example\n", 1, "endpoints[0].<<", "can only merge mappings"},
		{"alerting not a mapping", "alerting: slack\nendpoints: []\n", 1, "alerting", "must be a mapping"},
		{"email port in words", "alerting:\n  email:\n    port: smtp\n", 3, "alerting.email.port", "must be a whole number"},
		{"external endpoint without name", "external-endpoints:\n  - token: t\n", 2, "external-endpoints[0].name", "is required"},
		{"heartbeat interval in words", "external-endpoints:\n  - name: a\n    heartbeat:\n      interval: hourly\n", 4, "external-endpoints[0].heartbeat.interval", `"hourly" is not a duration`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := Convert(strings.NewReader(tt.src), "gatus.yaml")
			if err == nil {
				t.Fatalf("got result %+v, want an error", res)
			}
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v, want *gatus.Error", err, err)
			}
			if e.File != "gatus.yaml" || e.Line != tt.wantLine || e.Field != tt.wantField {
				t.Errorf("got %s:%d field %q, want gatus.yaml:%d field %q (%v)", e.File, e.Line, e.Field, tt.wantLine, tt.wantField, err)
			}
			if !strings.Contains(err.Error(), tt.wantMsg) {
				t.Errorf("got %q, want it to say %q", err, tt.wantMsg)
			}
			if got := apperr.CodeOf(err); got != apperr.Invalid {
				t.Errorf("got code %s, want %s", got, apperr.Invalid)
			}
		})
	}
}

// TestErrorText pins the form users read: file:line: field: problem.
func TestErrorText(t *testing.T) {
	_, err := Convert(strings.NewReader("endpoints:\n  - name: a\n    group: core\n"), "config/gatus.yaml")
	want := "config/gatus.yaml:2: endpoints[0].url: is required"
	if err == nil || err.Error() != want {
		t.Fatalf("got %v, want %s", err, want)
	}
	ae := apperr.As(err)
	if ae == nil || ae.Field != "endpoints[0].url" || ae.Message != "config/gatus.yaml:2: is required" {
		t.Errorf("got apperr %+v, want field endpoints[0].url and message config/gatus.yaml:2: is required", ae)
	}
}

func TestMonitorName(t *testing.T) {
	tests := []struct{ group, name, want string }{
		{"", "Storefront", "storefront"},
		{"Shop", "Cart API", "shop_cart-api"},
		{"core/backend", "health_check v2.1", "core-backend_health-check-v2.1"},
		{"", "  --Ünïcode Café!  ", "n-code-caf"},
		{"???", "api", "api"},
		{"", "***", "endpoint"},
		{"", strings.Repeat("a", 150), strings.Repeat("a", 100)},
		{strings.Repeat("g", 60), strings.Repeat("n", 60), strings.Repeat("g", 60) + "_" + strings.Repeat("n", 39)},
	}
	for _, tt := range tests {
		t.Run(tt.group+"/"+tt.name, func(t *testing.T) {
			if got := monitorName(tt.group, tt.name); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestEnvRefs(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"https://${HOST}/health", []string{"${HOST}"}},
		{"Bearer $TOKEN", []string{"$TOKEN"}},
		{"$A-$B_2", []string{"$A", "$B_2"}},
		{"price is $$5", nil},
		{"$$$HOME", []string{"$HOME"}},
		{"[BODY] == pat(*$1*)", []string{"$1"}},
		{"no variables", nil},
		{"trailing $", nil},
		{"${}", nil},
		{"${unclosed", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := envRefs(tt.in); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

// FuzzConvert feeds Convert arbitrary files: it must never panic, must fail
// only with *Error, and whatever it returns must be names Chief accepts.
func FuzzConvert(f *testing.F) {
	acme, err := os.ReadFile("testdata/acme.yaml")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(acme))
	for _, tc := range convertCases {
		f.Add(tc.src)
	}
	f.Add("a: &a [*a]\nendpoints: *a\n")
	f.Add("x: &x {<<: *x}\nendpoints:\n  - <<: *x\n")
	monitorRe := regexp.MustCompile(`^[a-z0-9][a-z0-9._-]{0,99}$`)
	componentRe := regexp.MustCompile(`^component:default/[a-z0-9]([a-z0-9._-]{0,61}[a-z0-9])?$`)
	f.Fuzz(func(t *testing.T, src string) {
		res, err := Convert(strings.NewReader(src), "fuzz.yaml")
		if err != nil {
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("got %T %v, want *gatus.Error", err, err)
			}
			return
		}
		seen := map[string]bool{}
		for _, m := range res.Monitors {
			if !monitorRe.MatchString(m.Name) || seen[m.Name] {
				t.Errorf("monitor name %q is invalid or taken twice", m.Name)
			}
			seen[m.Name] = true
			if !componentRe.MatchString(m.Entity) {
				t.Errorf("entity %q is not a component ref", m.Entity)
			}
			if iv := m.Interval.D(); iv < reliability.MinInterval || iv > reliability.MaxInterval {
				t.Errorf("monitor %s: interval %s out of bounds", m.Name, iv)
			}
			if m.Type != "heartbeat" && m.Timeout.D() >= m.Interval.D() {
				t.Errorf("monitor %s: timeout %s not under interval %s", m.Name, m.Timeout, m.Interval)
			}
		}
		for _, s := range res.Skipped {
			if s.Line < 1 || s.What == "" || s.Why == "" {
				t.Errorf("skip %+v lacks a line, what or why", s)
			}
		}
	})
}

// Example shows the import as a user meets it.
func ExampleConvert() {
	src := `
endpoints:
  - name: Checkout
    group: Payments
    url: https://pay.example.com/health
    interval: 5s
    conditions:
      - "[STATUS] == 200"
`
	res, err := Convert(strings.NewReader(src), "config.yaml")
	if err != nil {
		panic(err)
	}
	m := res.Monitors[0]
	fmt.Println(m.Name, m.Entity, m.Type, m.Interval)
	for _, s := range res.Skipped {
		fmt.Printf("line %d: %s: %s\n", s.Line, s.What, s.Why)
	}
	// Output:
	// payments_checkout component:default/payments http 10s
	// line 6: endpoints[0] (Payments/Checkout): interval 5s raised to Chief's minimum of 10s
	// line 6: endpoints[0] (Payments/Checkout): timeout 10s cut to 5s: Chief wants a check over before the next is due, every 10s
}

package gatus

import (
	"reflect"
	"testing"

	"github.com/chief-hq/chief/internal/notify"
	"github.com/chief-hq/chief/internal/reliability"
	"github.com/chief-hq/chief/internal/reliability/probe"
)

// convertCases are small files, each about one rule, with everything the
// import makes of them. FuzzConvert starts from them too.
var convertCases = []struct {
	name string
	src  string
	want Result
}{
	{
		name: "graphql body with placeholders",
		src: `endpoints:
  - name: api
    group: core
    url: https://api.example.com/graphql
    method: POST
    graphql: true
    body: |
      { health(service: "[ENDPOINT_NAME]", nonce: "[RANDOM_STRING_8]") { ok } }
    conditions:
      - "[STATUS] == 200"
      - "[BODY].data.health.ok == true"
`,
		want: Result{
			Monitors: []reliability.MonitorInput{{
				Name: "core_api", Entity: "component:default/core", Interval: d("60s"),
				Conditions: []string{"[STATUS] == 200", "[BODY].data.health.ok == true"},
				Settings: probe.Settings{
					Type: "http", Target: "https://api.example.com/graphql", Method: "POST",
					Headers: map[string]string{"Content-Type": "application/json"},
					Body:    `{"query":"{ health(service: \"api\", nonce: \"[RANDOM_STRING_8]\") { ok } }\n"}`,
				},
			}},
			Components: []string{"core"},
			Skipped: []Skip{
				{7, "endpoints[0].body", "[RANDOM_STRING_8] is sent as written: Chief does not fill in Gatus's body placeholders"},
			},
		},
	},
	{
		name: "anchors and merge keys",
		src: `x-defaults: &defaults
  group: Core
  interval: 30s
  client:
    timeout: 5s
endpoints:
  - <<: *defaults
    name: API
    url: https://api.example.com/health
    conditions: &ok
      - "[STATUS] == 200"
  - <<: *defaults
    name: Web
    interval: 2m
    url: https://www.example.com/
    conditions: *ok
`,
		want: Result{
			Monitors: []reliability.MonitorInput{
				{
					Name: "core_api", Entity: "component:default/core", Interval: d("30s"),
					Conditions: []string{"[STATUS] == 200"},
					Settings:   probe.Settings{Type: "http", Target: "https://api.example.com/health", Timeout: d("5s")},
				},
				{
					Name: "core_web", Entity: "component:default/core", Interval: d("2m"),
					Conditions: []string{"[STATUS] == 200"},
					Settings:   probe.Settings{Type: "http", Target: "https://www.example.com/", Timeout: d("5s")},
				},
			},
			Components: []string{"core"},
			Skipped:    []Skip{{1, "x-defaults", "not a Gatus setting Chief knows; ignored"}},
		},
	},
	{
		name: "dollar signs",
		src: `endpoints:
  - name: pricing
    url: https://$HOST/pricing
    headers:
      X-Host: "${HOST}"
    conditions:
      - "[BODY].currency == $$"
      - "[BODY].label == pat(Only $$5*)"
`,
		want: Result{
			Monitors: []reliability.MonitorInput{{
				Name: "pricing", Entity: "component:default/pricing", Interval: d("60s"),
				Conditions: []string{"[BODY].currency == $", "[BODY].label == pat(Only $5*)"},
				Settings: probe.Settings{
					Type: "http", Target: "https://$HOST/pricing",
					Headers: map[string]string{"X-Host": "${HOST}"},
				},
			}},
			Components: []string{"pricing"},
			Skipped:    []Skip{{3, "$HOST", envNote}},
		},
	},
	{
		name: "settings from the environment",
		src: `endpoints:
  - name: api
    url: https://api.example.com
    interval: ${CHECK_INTERVAL}
    client:
      insecure: ${INSECURE}
`,
		want: Result{
			Monitors: []reliability.MonitorInput{{
				Name: "api", Entity: "component:default/api", Interval: d("60s"),
				Settings: probe.Settings{Type: "http", Target: "https://api.example.com"},
			}},
			Components: []string{"api"},
			Skipped: []Skip{
				{4, "endpoints[0].interval", "${CHECK_INTERVAL} comes from the environment; Chief uses its default instead: set it by hand"},
				{4, "${CHECK_INTERVAL}", envNote},
				{6, "endpoints[0].client.insecure", "${INSECURE} comes from the environment; Chief uses its default instead: set it by hand"},
				{6, "${INSECURE}", envNote},
			},
		},
	},
	{
		name: "names that collide",
		src: `endpoints:
  - name: API
    group: Core
    url: https://a.example.com
  - name: api
    group: core
    url: https://b.example.com
  - name: Api
    group: CORE
    url: https://c.example.com
`,
		want: Result{
			Monitors: []reliability.MonitorInput{
				{Name: "core_api", Entity: "component:default/core", Interval: d("60s"), Settings: probe.Settings{Type: "http", Target: "https://a.example.com"}},
				{Name: "core_api-2", Entity: "component:default/core", Interval: d("60s"), Settings: probe.Settings{Type: "http", Target: "https://b.example.com"}},
				{Name: "core_api-3", Entity: "component:default/core", Interval: d("60s"), Settings: probe.Settings{Type: "http", Target: "https://c.example.com"}},
			},
			Components: []string{"core"},
			Skipped: []Skip{
				{5, "endpoints[1] (core/api)", "another monitor is already called core_api; this one is core_api-2"},
				{8, "endpoints[2] (CORE/Api)", "another monitor is already called core_api; this one is core_api-3"},
			},
		},
	},
	{
		name: "group without letters or digits",
		src: `endpoints:
  - name: Status page
    group: "🚀"
    url: https://status.example.com
`,
		want: Result{
			Monitors: []reliability.MonitorInput{
				{Name: "status-page", Entity: "component:default/status-page", Interval: d("60s"), Settings: probe.Settings{Type: "http", Target: "https://status.example.com"}},
			},
			Components: []string{"status-page"},
		},
	},
	{
		name: "kinds Chief has no monitor for",
		src: `endpoints:
  - name: dns over udp
    url: udp://10.0.0.53:53
  - name: bastion
    url: ssh://bastion.example.com:22
    ssh:
      username: monitor
  - name: live feed
    url: wss://feed.example.com/socket
  - name: signalling
    url: sctp://10.0.0.9:3868
  - name: grpc api
    url: grpc://api.example.com:443
  - name: bare host
    url: db.example.com
`,
		want: Result{
			Skipped: []Skip{
				{3, "endpoints[0] (dns over udp)", "Chief has no UDP monitor"},
				{5, "endpoints[1] (bastion)", "Chief has no SSH monitor; a tcp:// monitor on port 22 checks that it answers"},
				{9, "endpoints[2] (live feed)", "Chief has no WebSocket monitor"},
				{11, "endpoints[3] (signalling)", "Chief has no SCTP monitor"},
				{13, "endpoints[4] (grpc api)", "Chief has no monitor for grpc:// URLs"},
				{15, "endpoints[5] (bare host)", `url "db.example.com" has no scheme such as https:// or tcp://, and no dns section`},
			},
		},
	},
	{
		name: "timeouts Chief must cut",
		src: `endpoints:
  - name: fast
    url: https://fast.example.com
    interval: 10s
  - name: slow
    url: https://slow.example.com
    interval: 20s
    client:
      timeout: 30s
`,
		want: Result{
			Monitors: []reliability.MonitorInput{
				{Name: "fast", Entity: "component:default/fast", Interval: d("10s"), Settings: probe.Settings{Type: "http", Target: "https://fast.example.com", Timeout: d("5s")}},
				{Name: "slow", Entity: "component:default/slow", Interval: d("20s"), Settings: probe.Settings{Type: "http", Target: "https://slow.example.com", Timeout: d("10s")}},
			},
			Components: []string{"fast", "slow"},
			Skipped: []Skip{
				{4, "endpoints[0] (fast)", "timeout 10s cut to 5s: Chief wants a check over before the next is due, every 10s"},
				{9, "endpoints[1] (slow)", "timeout 30s cut to 10s: Chief wants a check over before the next is due, every 20s"},
			},
		},
	},
	{
		name: "alerts without a usable provider",
		src: `alerting:
  slack:
    title: Gatus
endpoints:
  - name: web
    url: https://web.example.com
    alerts:
      - type: slack
        failure-threshold: 5
      - type: email
`,
		want: Result{
			Monitors: []reliability.MonitorInput{
				{Name: "web", Entity: "component:default/web", Interval: d("60s"), Settings: probe.Settings{Type: "http", Target: "https://web.example.com"}},
			},
			Components: []string{"web"},
			Skipped: []Skip{
				{2, "alerting.slack", "has no webhook-url, so Gatus ignores it; no channel made"},
				{3, "alerting.slack.title", "Chief writes its own message titles"},
				{8, "endpoints[0].alerts[0] (type slack)", "alerting.slack is missing or incomplete, so Gatus ignores this alert; no channel for it"},
				{10, "endpoints[0].alerts[1] (type email)", "alerting.email is missing or incomplete, so Gatus ignores this alert; no channel for it"},
			},
		},
	},
	{
		name: "default alert and per-channel settings",
		src: `alerting:
  slack:
    webhook-url: https://hooks.slack.com/services/T0/B0/X
    default-alert:
      enabled: false
      success-threshold: 4
      minimum-reminder-interval: 1h
      description: "see the runbook"
endpoints:
  - name: quiet
    url: https://quiet.example.com
    alerts:
      - type: slack
  - name: loud
    url: https://loud.example.com
    alerts:
      - type: slack
        enabled: true
        send-on-resolved: true
  - name: reminding
    url: https://reminding.example.com
    alerts:
      - type: slack
        enabled: true
        minimum-reminder-interval: 30m
`,
		want: Result{
			Monitors: []reliability.MonitorInput{
				{Name: "quiet", Entity: "component:default/quiet", Interval: d("60s"), Settings: probe.Settings{Type: "http", Target: "https://quiet.example.com"}},
				{Name: "loud", Entity: "component:default/loud", Interval: d("60s"), FailureThreshold: 3, SuccessThreshold: 4, Settings: probe.Settings{Type: "http", Target: "https://loud.example.com"}},
				{Name: "reminding", Entity: "component:default/reminding", Interval: d("60s"), FailureThreshold: 3, SuccessThreshold: 4, Settings: probe.Settings{Type: "http", Target: "https://reminding.example.com"}},
			},
			Components: []string{"quiet", "loud", "reminding"},
			Channels: []notify.ChannelInput{
				{Name: "gatus-slack", Type: "slack", Settings: notify.Settings{URL: "https://hooks.slack.com/services/T0/B0/X"}, ReminderEvery: d("30m"), SendRecovery: true},
			},
			Skipped: []Skip{
				{2, "alerting.slack", "send-on-resolved differs between the alerts (on for 1, off for 1); channel gatus-slack sends recoveries for all"},
				{2, "alerting.slack", "minimum-reminder-interval differs between the alerts (30m, 1h); channel gatus-slack reminds every 30m"},
				{2, "alerting.slack", "channel gatus-slack gets the alerts of all 3 imported monitors; in Gatus 2 of them alerted through slack"},
				{8, "alerting.slack.default-alert.description", "Chief's alerts name the monitor and its failing conditions; the description is not carried over"},
			},
		},
	},
	{
		name: "email, teams workflows, custom and opsgenie",
		src: `alerting:
  email:
    from: alerts@example.com
    password: hunter2
    host: smtp.example.com
    port: ${SMTP_PORT}
    to: ops@example.com
    client:
      insecure: true
  teams-workflows:
    webhook-url: https://example.webhook.office.com/workflows/1
  custom:
    url: https://hooks.example.com/gatus
  opsgenie:
    api-key: abc
endpoints:
  - name: web
    url: https://web.example.com
    alerts:
      - type: email
      - type: teams-workflows
      - type: custom
      - type: opsgenie
        failure-threshold: 10
`,
		want: Result{
			Monitors: []reliability.MonitorInput{
				{Name: "web", Entity: "component:default/web", Interval: d("60s"), FailureThreshold: 10, SuccessThreshold: 2, Settings: probe.Settings{Type: "http", Target: "https://web.example.com"}},
			},
			Components: []string{"web"},
			Channels: []notify.ChannelInput{
				{Name: "gatus-email", Type: "email", Settings: notify.Settings{SMTPHost: "smtp.example.com", Username: "alerts@example.com", Password: "hunter2", From: "alerts@example.com", To: []string{"ops@example.com"}}},
				{Name: "gatus-teams-workflows", Type: "teams", Settings: notify.Settings{URL: "https://example.webhook.office.com/workflows/1"}},
				{Name: "gatus-custom", Type: "webhook", Settings: notify.Settings{URL: "https://hooks.example.com/gatus"}},
			},
			Skipped: []Skip{
				{6, "alerting.email.port", "${SMTP_PORT} comes from the environment; Chief uses its default instead: set it by hand"},
				{6, "${SMTP_PORT}", envNote},
				{9, "alerting.email.client.insecure", "Chief checks the server's certificate; skipping the check is not carried over"},
				{12, "alerting.custom", "Chief posts its own signed JSON to the URL; Gatus's custom request (method, body, headers, placeholders) is not carried over, so the receiver must accept Chief's message"},
				{14, "alerting.opsgenie", "no opsgenie channel in Chief"},
				{19, "endpoints[0].alerts", "failure-threshold differs between the alerts (email 3, teams-workflows 3, custom 3, opsgenie 10); the monitor uses the largest, 10"},
				{23, "endpoints[0].alerts[3] (type opsgenie)", "no opsgenie channel in Chief"},
			},
		},
	},
	{
		name: "external endpoint without a heartbeat interval",
		src: `external-endpoints:
  - name: etl
    token: secret
    enabled: false
    maintenance-windows:
      - start: "02:00"
        duration: 1h
`,
		want: Result{
			Monitors: []reliability.MonitorInput{
				{Name: "etl", Entity: "component:default/etl", Interval: d("24h"), Paused: true, Settings: probe.Settings{Type: "heartbeat"}},
			},
			Components: []string{"etl"},
			Skipped: []Skip{
				{2, "external-endpoints[0].heartbeat.interval", "not set: Gatus only showed what was pushed, Chief's heartbeat monitor goes down when no beat comes within its interval; set to 24h, adjust it to the job's schedule"},
				{2, "external-endpoints[0] (etl)", "now heartbeat monitor etl: point the job at its Chief heartbeat URL; Gatus's push token is not reused, and Chief records that a beat came, not a pushed success, error or duration"},
				{5, "external-endpoints[0].maintenance-windows", "re-create as a Chief maintenance window for the monitor's entity: Chief has them, with a different schedule format"},
			},
		},
	},
	{
		name: "DNS resolvers",
		src: `endpoints:
  - name: cloudflare
    url: 1.1.1.1:5353
    dns: {query-name: example.com, query-type: AAAA}
  - name: google v6
    url: "2001:4860:4860::8888"
    dns: {query-name: example.com., query-type: MX}
    client:
      insecure: true
`,
		want: Result{
			Monitors: []reliability.MonitorInput{
				{Name: "cloudflare", Entity: "component:default/cloudflare", Interval: d("60s"), Settings: probe.Settings{Type: "dns", Target: "example.com", DNSRecordType: "AAAA", DNSServer: "1.1.1.1:5353"}},
				{Name: "google-v6", Entity: "component:default/google-v6", Interval: d("60s"), Settings: probe.Settings{Type: "dns", Target: "example.com.", DNSRecordType: "MX", DNSServer: "[2001:4860:4860::8888]:53"}},
			},
			Components: []string{"cloudflare", "google-v6"},
		},
	},
	{
		name: "sections Chief leaves to itself",
		src: `security:
  basic:
    username: admin
web:
  port: 8080
remote:
  instances: []
connectivity:
  checker:
    target: 1.1.1.1:53
announcements:
  - message: hello
suites:
  - name: login flow
tunneling:
  bastion:
    type: SSH
concurrency: 5
skip-invalid-config-update: true
endpoints: []
---
endpoints: []
`,
		want: Result{
			Skipped: []Skip{
				{1, "security", "Chief has its own users, roles and API tokens"},
				{4, "web", "Chief's own server settings apply"},
				{6, "remote", "Chief does not read results from other Gatus instances"},
				{8, "connectivity", "Chief has no connectivity checker; checks are not held back when the network is down"},
				{11, "announcements", "announcements are not imported"},
				{13, "suites", "Chief has no multi-step suites; make a monitor per step where that is enough"},
				{15, "tunneling", "Chief does not open SSH tunnels; checks run from Chief's host"},
				{18, "concurrency", "Chief bounds concurrent checks itself"},
				{19, "skip-invalid-config-update", "Chief does not watch the Gatus file; import it again after a change"},
				{22, "second YAML document", "Gatus reads only the first document of a file, and so does the import"},
			},
		},
	},
}

func TestConvertCases(t *testing.T) {
	for _, tt := range convertCases {
		t.Run(tt.name, func(t *testing.T) {
			got := mustConvert(t, tt.src)
			if !reflect.DeepEqual(got.Monitors, tt.want.Monitors) {
				t.Errorf("monitors:\ngot  %+v\nwant %+v", got.Monitors, tt.want.Monitors)
			}
			if !reflect.DeepEqual(got.Components, tt.want.Components) {
				t.Errorf("components: got %q, want %q", got.Components, tt.want.Components)
			}
			if !reflect.DeepEqual(got.Channels, tt.want.Channels) {
				t.Errorf("channels:\ngot  %+v\nwant %+v", got.Channels, tt.want.Channels)
			}
			compareSkips(t, got.Skipped, tt.want.Skipped)
		})
	}
}

package gatus

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net"
	"regexp"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/reliability"
)

// unsupportedSchemes are Gatus endpoint types Chief has no monitor for.
var unsupportedSchemes = map[string]string{
	"starttls": "Chief has no STARTTLS monitor; a tls:// monitor on the implicit-TLS port may do",
	"sctp":     "Chief has no SCTP monitor",
	"udp":      "Chief has no UDP monitor",
	"ssh":      "Chief has no SSH monitor; a tcp:// monitor on port 22 checks that it answers",
	"ws":       "Chief has no WebSocket monitor",
	"wss":      "Chief has no WebSocket monitor",
}

// endpointDropped are endpoint settings Gatus has and Chief does not.
var endpointDropped = map[string]string{
	"extra-labels":        "Chief's metrics are labelled by monitor and entity; extra labels are not carried over",
	"maintenance-windows": "re-create as a Chief maintenance window for the monitor's entity: Chief has them, with a different schedule format",
	"ui":                  "Chief shows a monitor's target and results to everyone who may see the monitor; Gatus's hide-url and other display settings are not carried over",
	"ssh":                 "Chief has no SSH monitor",
	"store":               "used by Gatus suites only",
	"always-run":          "used by Gatus suites only",
}

// clientDropped are endpoint client settings Chief does not have.
var clientDropped = map[string]string{
	"dns-resolver":         "Chief checks through the system's resolver",
	"oauth2":               "Chief does not fetch OAuth2 tokens; a fixed Authorization header may do if the service allows it",
	"identity-aware-proxy": "Chief does not fetch Identity-Aware-Proxy tokens",
	"proxy-url":            "Chief checks without a proxy",
	"tls":                  "Chief does not present client certificates (mTLS)",
	"network":              "Chief picks IPv4 or IPv6 itself",
	"tunnel":               "Chief does not open SSH tunnels; checks run from Chief's host",
}

// Body placeholders Gatus fills in on every request and Chief does not.
var dynamicBodyRe = regexp.MustCompile(`\[(RANDOM_STRING_\d+|LOCAL_ADDRESS)\]`)

func (c *converter) endpoints(p pair) error {
	items, err := c.sequence(p, "endpoints")
	if err != nil {
		return err
	}
	for i, n := range items {
		if err := c.endpoint(fmt.Sprintf("endpoints[%d]", i), n); err != nil {
			return err
		}
	}
	return nil
}

// identity reads the name and group every endpoint has.
func (c *converter) identity(f fields, n *yaml.Node) (name, group string, err error) {
	p, ok := f.get("name")
	if !ok {
		return "", "", c.fail(n, f.at("name"), "is required")
	}
	if name, err = c.text(p.v, f.at("name")); err != nil {
		return "", "", err
	}
	if strings.TrimSpace(name) == "" {
		return "", "", c.fail(p.v, f.at("name"), "is required")
	}
	if g, ok := f.get("group"); ok {
		if group, err = c.text(g.v, f.at("group")); err != nil {
			return "", "", err
		}
	}
	return name, group, nil
}

func display(group, name string) string {
	if group == "" {
		return name
	}
	return group + "/" + name
}

func (c *converter) endpoint(path string, n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return c.fail(n, path, "must be a mapping with name, url and conditions")
	}
	f, err := c.fields(n, path)
	if err != nil {
		return err
	}
	name, group, err := c.identity(f, n)
	if err != nil {
		return err
	}
	up, ok := f.get("url")
	if !ok {
		return c.fail(n, f.at("url"), "is required")
	}
	rawURL, err := c.text(up.v, f.at("url"))
	if err != nil {
		return err
	}
	if strings.TrimSpace(rawURL) == "" {
		return c.fail(up.v, f.at("url"), "is required")
	}
	var m reliability.MonitorInput
	if cp, ok := f.get("conditions"); ok {
		items, err := c.sequence(cp, f.at("conditions"))
		if err != nil {
			return err
		}
		for i, item := range items {
			cond, err := c.text(item, fmt.Sprintf("%s[%d]", f.at("conditions"), i))
			if err != nil {
				return err
			}
			m.Conditions = append(m.Conditions, cond)
		}
	}
	label := fmt.Sprintf("%s (%s)", path, display(group, name))
	handled := []string{"name", "group", "url", "conditions", "dns", "enabled", "interval", "method", "headers", "body", "graphql", "client", "alerts"}

	if dp, ok := f.get("dns"); ok && !isNull(dp.v) {
		df, err := c.mapping(dp, f.at("dns"))
		if err != nil {
			return err
		}
		if m.Target, err = c.optText(df, "query-name"); err != nil {
			return err
		}
		if m.Target == "" {
			return c.fail(dp.v, df.at("query-name"), "is required: the name to look up")
		}
		if m.DNSRecordType, err = c.optText(df, "query-type"); err != nil {
			return err
		}
		for _, q := range df.list {
			if q.key != "query-name" && q.key != "query-type" {
				c.skip(q.k, df.at(q.key), "not a Gatus dns setting Chief knows; ignored")
			}
		}
		m.Type = "dns"
		m.DNSServer = dnsServer(rawURL)
	} else {
		scheme, rest, _ := strings.Cut(rawURL, "://")
		switch scheme = strings.ToLower(scheme); scheme {
		case "http", "https":
			m.Type, m.Target = "http", rawURL
		case "tcp", "tls", "icmp":
			m.Type, m.Target = scheme, strings.TrimSuffix(rest, "/")
		default:
			why, known := unsupportedSchemes[scheme]
			switch {
			case known:
			case !strings.Contains(rawURL, "://"):
				why = fmt.Sprintf("url %q has no scheme such as https:// or tcp://, and no dns section", rawURL)
			default:
				why = fmt.Sprintf("Chief has no monitor for %s:// URLs", scheme)
			}
			c.skip(up.v, label, why)
			return nil
		}
	}

	if on, set, err := c.flag(f, "enabled"); err != nil {
		return err
	} else if set && !on {
		m.Paused = true
	}
	interval, in, err := c.duration(f, "interval")
	if err != nil {
		return err
	}
	m.Interval = dur.Duration(c.clampInterval(interval, in, label))

	if err := c.request(f, &m, name, group, rawURL); err != nil {
		return err
	}
	var tn *yaml.Node
	if cp, ok := f.get("client"); ok {
		if tn, err = c.client(cp, f.at("client"), &m); err != nil {
			return err
		}
	}
	c.fitTimeout(&m, cmp.Or(tn, in, n), label)
	if ap, ok := f.get("alerts"); ok {
		if err := c.alerts(ap, f.at("alerts"), &m); err != nil {
			return err
		}
	}
	for _, q := range f.list {
		if slices.Contains(handled, q.key) {
			continue
		}
		why, known := endpointDropped[q.key]
		if !known {
			why = "not a Gatus endpoint setting Chief knows; ignored"
		}
		c.skip(q.k, f.at(q.key), why)
	}
	c.add(m, n, label, name, group)
	return nil
}

// add names the monitor, points it at its component and keeps it.
func (c *converter) add(m reliability.MonitorInput, n *yaml.Node, label, name, group string) {
	base := monitorName(group, name)
	m.Name = c.uniqueName(base)
	if m.Name != base {
		c.skip(n, label, fmt.Sprintf("another monitor is already called %s; this one is %s", base, m.Name))
	}
	m.Entity = c.component(group, name)
	c.res.Monitors = append(c.res.Monitors, m)
}

// optText reads an optional string key.
func (c *converter) optText(f fields, key string) (string, error) {
	p, ok := f.get(key)
	if !ok {
		return "", nil
	}
	return c.text(p.v, f.at(key))
}

// dnsServer makes host:port of a Gatus DNS endpoint's url, which names the
// resolver, with Gatus's port 53 when none is given.
func dnsServer(u string) string {
	if _, rest, ok := strings.Cut(u, "://"); ok {
		u = rest
	}
	if host, port, err := net.SplitHostPort(u); err == nil {
		return net.JoinHostPort(host, port)
	}
	return net.JoinHostPort(strings.Trim(u, "[]"), "53")
}

// clampInterval applies Gatus's default and Chief's bounds.
func (c *converter) clampInterval(d time.Duration, n *yaml.Node, label string) time.Duration {
	switch {
	case d == 0:
		return defaultInterval
	case d < reliability.MinInterval:
		c.skip(n, label, fmt.Sprintf("interval %s raised to Chief's minimum of %s", n.Value, short(reliability.MinInterval)))
		return reliability.MinInterval
	case d > reliability.MaxInterval:
		c.skip(n, label, fmt.Sprintf("interval %s lowered to Chief's maximum of %s", n.Value, short(reliability.MaxInterval)))
		return reliability.MaxInterval
	}
	return d
}

// fitTimeout shortens a timeout that would outlast the interval: Gatus
// allows it, Chief wants each check over before the next is due.
func (c *converter) fitTimeout(m *reliability.MonitorInput, n *yaml.Node, label string) {
	t := m.Timeout.D()
	if t == 0 {
		t = defaultTimeout
	}
	if t < m.Interval.D() {
		return
	}
	m.Timeout = dur.Duration(m.Interval.D() / 2)
	c.skip(n, label, fmt.Sprintf("timeout %s cut to %s: Chief wants a check over before the next is due, every %s", short(t), short(m.Timeout.D()), short(m.Interval.D())))
}

// request reads what an HTTP check sends. Gatus ignores method and headers
// on other kinds, so they are dropped quietly; a body is reported.
func (c *converter) request(f fields, m *reliability.MonitorInput, name, group, rawURL string) error {
	method, err := c.optText(f, "method")
	if err != nil {
		return err
	}
	body, err := c.optText(f, "body")
	if err != nil {
		return err
	}
	var headers map[string]string
	if hp, ok := f.get("headers"); ok {
		hf, err := c.mapping(hp, f.at("headers"))
		if err != nil {
			return err
		}
		for _, q := range hf.list {
			v, err := c.text(q.v, hf.at(q.key))
			if err != nil {
				return err
			}
			if headers == nil {
				headers = map[string]string{}
			}
			headers[q.key] = v
		}
	}
	graphql, _, err := c.flag(f, "graphql")
	if err != nil {
		return err
	}
	if m.Type != "http" {
		if bp, ok := f.get("body"); ok && body != "" {
			c.skip(bp.k, f.at("body"), "only Chief's HTTP monitors send a body")
		}
		return nil
	}
	// Placeholders with a fixed value are filled in now, as Gatus would.
	body = strings.NewReplacer("[ENDPOINT_NAME]", name, "[ENDPOINT_GROUP]", group, "[ENDPOINT_URL]", rawURL).Replace(body)
	if dyn := dynamicBodyRe.FindAllString(body, -1); len(dyn) > 0 {
		bp, _ := f.get("body")
		c.skip(bp.v, f.at("body"), fmt.Sprintf("%s is sent as written: Chief does not fill in Gatus's body placeholders", strings.Join(slices.Compact(dyn), ", ")))
	}
	if graphql {
		q, _ := json.Marshal(map[string]string{"query": body})
		body = string(q)
		if !hasHeader(headers, "Content-Type") {
			if headers == nil {
				headers = map[string]string{}
			}
			headers["Content-Type"] = "application/json"
		}
	}
	m.Method, m.Headers, m.Body = method, headers, body
	return nil
}

func hasHeader(h map[string]string, name string) bool {
	for k := range h {
		if strings.EqualFold(k, name) {
			return true
		}
	}
	return false
}

// client reads the endpoint's client settings.
// It returns the timeout's node, if there is one, for reports about it.
func (c *converter) client(p pair, path string, m *reliability.MonitorInput) (*yaml.Node, error) {
	f, err := c.mapping(p, path)
	if err != nil {
		return nil, err
	}
	insecure, _, err := c.flag(f, "insecure")
	if err != nil {
		return nil, err
	}
	noRedirect, _, err := c.flag(f, "ignore-redirect")
	if err != nil {
		return nil, err
	}
	timeout, tn, err := c.duration(f, "timeout")
	if err != nil {
		return nil, err
	}
	// Gatus ignores the settings a kind has no use for; so does the import.
	m.Insecure = insecure && (m.Type == "http" || m.Type == "tls")
	m.IgnoreRedirect = noRedirect && m.Type == "http"
	m.Timeout = dur.Duration(timeout)
	for _, q := range f.list {
		switch q.key {
		case "insecure", "ignore-redirect", "timeout":
		default:
			why, known := clientDropped[q.key]
			if !known {
				why = "not a Gatus client setting Chief knows; ignored"
			}
			c.skip(q.k, f.at(q.key), why)
		}
	}
	return tn, nil
}

func (c *converter) externalEndpoints(p pair) error {
	items, err := c.sequence(p, "external-endpoints")
	if err != nil {
		return err
	}
	for i, n := range items {
		if err := c.externalEndpoint(fmt.Sprintf("external-endpoints[%d]", i), n); err != nil {
			return err
		}
	}
	return nil
}

// externalEndpoint turns a pushed Gatus endpoint into a heartbeat monitor:
// both go down when the job stops reporting.
func (c *converter) externalEndpoint(path string, n *yaml.Node) error {
	if n.Kind != yaml.MappingNode {
		return c.fail(n, path, "must be a mapping with name and token")
	}
	f, err := c.fields(n, path)
	if err != nil {
		return err
	}
	name, group, err := c.identity(f, n)
	if err != nil {
		return err
	}
	label := fmt.Sprintf("%s (%s)", path, display(group, name))
	m := reliability.MonitorInput{}
	m.Type = "heartbeat"
	if on, set, err := c.flag(f, "enabled"); err != nil {
		return err
	} else if set && !on {
		m.Paused = true
	}
	var interval time.Duration
	var in *yaml.Node
	if hp, ok := f.get("heartbeat"); ok {
		hf, err := c.mapping(hp, f.at("heartbeat"))
		if err != nil {
			return err
		}
		if interval, in, err = c.duration(hf, "interval"); err != nil {
			return err
		}
		for _, q := range hf.list {
			if q.key != "interval" {
				c.skip(q.k, hf.at(q.key), "not a Gatus heartbeat setting Chief knows; ignored")
			}
		}
	}
	if interval == 0 {
		interval = reliability.MaxInterval
		c.skip(n, f.at("heartbeat.interval"), fmt.Sprintf("not set: Gatus only showed what was pushed, Chief's heartbeat monitor goes down when no beat comes within its interval; set to %s, adjust it to the job's schedule", short(interval)))
	} else {
		interval = c.clampInterval(interval, in, label)
	}
	m.Interval = dur.Duration(interval)
	if ap, ok := f.get("alerts"); ok {
		if err := c.alerts(ap, f.at("alerts"), &m); err != nil {
			return err
		}
	}
	for _, q := range f.list {
		switch q.key {
		case "name", "group", "token", "enabled", "heartbeat", "alerts":
		case "maintenance-windows":
			c.skip(q.k, f.at(q.key), endpointDropped[q.key])
		default:
			c.skip(q.k, f.at(q.key), "not a Gatus external endpoint setting Chief knows; ignored")
		}
	}
	c.add(m, n, label, name, group)
	last := c.res.Monitors[len(c.res.Monitors)-1]
	c.skip(n, label, fmt.Sprintf("now heartbeat monitor %s: point the job at its Chief heartbeat URL; Gatus's push token is not reused, and Chief records that a beat came, not a pushed success, error or duration", last.Name))
	return nil
}

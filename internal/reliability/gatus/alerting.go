package gatus

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"gopkg.in/yaml.v3"

	"github.com/chief-hq/chief/internal/dur"
	"github.com/chief-hq/chief/internal/notify"
	"github.com/chief-hq/chief/internal/reliability"
)

// channelTypes are the Gatus alert types Chief has a channel for, with the
// channel type each becomes. Any other provider is reported, not guessed at.
var channelTypes = map[string]string{
	"slack":           "slack",
	"teams":           "teams",
	"teams-workflows": "teams",
	"email":           "email",
	"custom":          "webhook",
}

// Gatus's thresholds when neither the alert nor the provider's default
// alert sets them.
const (
	gatusFailureThreshold = 3
	gatusSuccessThreshold = 2
)

// provider is one entry under alerting, and what the endpoints' alerts asked
// of it: Chief keeps recovery and reminder settings per channel, Gatus per alert.
type provider struct {
	typ  string
	line int
	// usable says Gatus would send through it; alerts of a type whose
	// provider is missing or incomplete are ignored by Gatus too.
	usable   bool
	channel  *notify.ChannelInput // nil when Chief has no such channel
	defaults alertSettings

	alerted   int                   // imported monitors with an enabled alert of this type
	recovery  map[bool]int          // alerts by send-on-resolved
	reminders map[time.Duration]int // alerts by minimum-reminder-interval
}

// alertSettings are an alert's own settings, zero or nil where unset, so a
// provider's default alert can fill the gaps as Gatus does.
type alertSettings struct {
	enabled        *bool
	failure        int
	success        int
	sendOnResolved *bool
	reminder       time.Duration
}

func (s alertSettings) withDefaults(d alertSettings) alertSettings {
	if s.enabled == nil {
		s.enabled = d.enabled
	}
	if s.sendOnResolved == nil {
		s.sendOnResolved = d.sendOnResolved
	}
	if s.failure == 0 {
		s.failure = d.failure
	}
	if s.success == 0 {
		s.success = d.success
	}
	if s.reminder == 0 {
		s.reminder = d.reminder
	}
	return s
}

// alertKeys are the keys an alert (or a default alert) may have.
var alertKeys = []string{"type", "enabled", "failure-threshold", "success-threshold", "send-on-resolved", "description", "minimum-reminder-interval", "provider-override"}

// alertSettings reads the settings of an alert or default alert, reporting
// the keys Chief does not use.
func (c *converter) alertSettings(f fields) (alertSettings, error) {
	var s alertSettings
	if v, set, err := c.flag(f, "enabled"); err != nil {
		return s, err
	} else if set {
		s.enabled = &v
	}
	var err error
	if s.failure, err = c.number(f, "failure-threshold"); err != nil {
		return s, err
	}
	if s.success, err = c.number(f, "success-threshold"); err != nil {
		return s, err
	}
	if v, set, err := c.flag(f, "send-on-resolved"); err != nil {
		return s, err
	} else if set {
		s.sendOnResolved = &v
	}
	if s.reminder, _, err = c.duration(f, "minimum-reminder-interval"); err != nil {
		return s, err
	}
	for _, p := range f.list {
		switch p.key {
		case "description":
			if d, err := c.text(p.v, f.at(p.key)); err != nil {
				return s, err
			} else if d != "" {
				c.skip(p.k, f.at(p.key), "Chief's alerts name the monitor and its failing conditions; the description is not carried over")
			}
		case "provider-override":
			c.skip(p.k, f.at(p.key), "per-alert provider overrides are not carried over; the channel's own settings apply")
		default:
			if !slices.Contains(alertKeys, p.key) {
				c.skip(p.k, f.at(p.key), "not a Gatus alert setting Chief knows; ignored")
			}
		}
	}
	return s, nil
}

// alerting reads the providers. It runs before the endpoints, whose alerts
// take their unset fields from the providers' default alerts.
func (c *converter) alerting(p pair) error {
	f, err := c.mapping(p, "alerting")
	if err != nil {
		return err
	}
	for _, q := range f.list {
		prov := &provider{typ: q.key, line: q.k.Line, recovery: map[bool]int{}, reminders: map[time.Duration]int{}}
		c.providers[q.key] = prov
		c.provs = append(c.provs, prov)
		pf, err := c.mapping(q, f.at(q.key))
		if err != nil {
			return err
		}
		if d, ok := pf.get("default-alert"); ok {
			df, err := c.mapping(d, pf.at("default-alert"))
			if err != nil {
				return err
			}
			if prov.defaults, err = c.alertSettings(df); err != nil {
				return err
			}
		}
		chType, ok := channelTypes[q.key]
		if !ok {
			prov.usable = !isNull(q.v)
			c.skip(q.k, f.at(q.key), fmt.Sprintf("no %s channel in Chief", q.key))
			continue
		}
		if err := c.provider(prov, pf, chType); err != nil {
			return err
		}
	}
	return nil
}

// provider makes the channel for a provider Chief has a channel type for.
func (c *converter) provider(prov *provider, f fields, chType string) error {
	ch := notify.ChannelInput{Name: "gatus-" + prov.typ, Type: chType}
	handled := []string{"default-alert"}
	str := func(key string) (string, error) {
		handled = append(handled, key)
		p, ok := f.get(key)
		if !ok {
			return "", nil
		}
		return c.text(p.v, f.at(key))
	}
	var err error
	var missing string
	switch prov.typ {
	case "slack", "teams", "teams-workflows":
		if ch.Settings.URL, err = str("webhook-url"); err != nil {
			return err
		}
		if ch.Settings.URL == "" {
			missing = "webhook-url"
		}
		if p, ok := f.get("title"); ok {
			c.skip(p.k, f.at("title"), "Chief writes its own message titles")
		}
		handled = append(handled, "title")
	case "email":
		s := &ch.Settings
		for _, kv := range []struct {
			key string
			dst *string
		}{{"from", &s.From}, {"username", &s.Username}, {"password", &s.Password}, {"host", &s.SMTPHost}} {
			if *kv.dst, err = str(kv.key); err != nil {
				return err
			}
		}
		to, err := str("to")
		if err != nil {
			return err
		}
		for _, a := range strings.Split(to, ",") {
			if a = strings.TrimSpace(a); a != "" {
				s.To = append(s.To, a)
			}
		}
		p, ok := f.get("port")
		portFromEnv := ok && p.v.Kind == yaml.ScalarNode && len(envRefs(p.v.Value)) > 0
		if s.SMTPPort, err = c.number(f, "port"); err != nil {
			return err
		}
		handled = append(handled, "port")
		// Gatus logs in as the sender when no username is given.
		if s.Username == "" && s.Password != "" {
			s.Username = s.From
		}
		switch {
		case s.From == "":
			missing = "from"
		case s.SMTPHost == "":
			missing = "host"
		case s.SMTPPort == 0 && !portFromEnv:
			missing = "port"
		case len(s.To) == 0:
			missing = "to"
		}
	case "custom":
		if ch.Settings.URL, err = str("url"); err != nil {
			return err
		}
		if ch.Settings.URL == "" {
			missing = "url"
		}
		// Whatever Gatus sent (a GET by default), Chief's request differs.
		line := prov.line
		for _, key := range []string{"method", "body", "headers", "placeholders"} {
			if p, ok := f.get(key); ok && line == prov.line {
				line = p.k.Line
			}
			handled = append(handled, key)
		}
		c.skipAt(line, f.path, "Chief posts its own signed JSON to the URL; Gatus's custom request (method, body, headers, placeholders) is not carried over, so the receiver must accept Chief's message")
	}
	for _, p := range f.list {
		switch {
		case slices.Contains(handled, p.key):
		case p.key == "overrides":
			c.skip(p.k, f.at(p.key), "per-group overrides are not carried over: Chief sends every alert to the channel's own address; make a channel per group and limit it to the group's teams")
		case p.key == "client":
			if err := c.providerClient(p, f.at(p.key)); err != nil {
				return err
			}
		default:
			c.skip(p.k, f.at(p.key), "not a Gatus setting Chief knows; ignored")
		}
	}
	if missing != "" {
		c.skipAt(prov.line, f.path, "has no "+missing+", so Gatus ignores it; no channel made")
		return nil
	}
	prov.usable = true
	prov.channel = &ch
	return nil
}

// providerClient reports the client settings of a provider.
func (c *converter) providerClient(p pair, path string) error {
	f, err := c.mapping(p, path)
	if err != nil {
		return err
	}
	for _, q := range f.list {
		if q.key == "insecure" {
			v, _, err := c.flag(f, "insecure")
			if err != nil {
				return err
			}
			if v {
				c.skip(q.k, f.at(q.key), "Chief checks the server's certificate; skipping the check is not carried over")
			}
			continue
		}
		c.skip(q.k, f.at(q.key), "provider client settings are not carried over")
	}
	return nil
}

// alerts reads an endpoint's alerts: their thresholds become the monitor's,
// and each one Chief cannot send is reported.
func (c *converter) alerts(p pair, path string, m *reliability.MonitorInput) error {
	items, err := c.sequence(p, path)
	if err != nil {
		return err
	}
	type threshold struct {
		typ string
		n   int
	}
	var failures, successes []threshold
	alertedBy := map[*provider]bool{}
	for i, n := range items {
		at := fmt.Sprintf("%s[%d]", path, i)
		if n.Kind != yaml.MappingNode {
			return c.fail(n, at, "must be a mapping with a type")
		}
		f, err := c.fields(n, at)
		if err != nil {
			return err
		}
		tp, ok := f.get("type")
		if !ok {
			return c.fail(n, f.at("type"), "is required")
		}
		typ, err := c.text(tp.v, f.at("type"))
		if err != nil {
			return err
		}
		if typ == "" {
			return c.fail(tp.v, f.at("type"), "is required")
		}
		s, err := c.alertSettings(f)
		if err != nil {
			return err
		}
		prov := c.providers[typ]
		if prov != nil {
			s = s.withDefaults(prov.defaults)
		}
		if s.enabled != nil && !*s.enabled {
			continue
		}
		what := fmt.Sprintf("%s (type %s)", at, typ)
		_, chief := channelTypes[typ]
		switch {
		case !chief:
			c.skip(n, what, fmt.Sprintf("no %s channel in Chief", typ))
		case prov == nil || !prov.usable:
			c.skip(n, what, fmt.Sprintf("alerting.%s is missing or incomplete, so Gatus ignores this alert; no channel for it", typ))
		}
		if prov == nil || !prov.usable {
			continue
		}
		if s.failure == 0 {
			s.failure = gatusFailureThreshold
		}
		if s.success == 0 {
			s.success = gatusSuccessThreshold
		}
		failures = append(failures, threshold{typ, s.failure})
		successes = append(successes, threshold{typ, s.success})
		if prov.channel != nil {
			if !alertedBy[prov] {
				alertedBy[prov] = true
				prov.alerted++
			}
			prov.recovery[s.sendOnResolved != nil && *s.sendOnResolved]++
			prov.reminders[s.reminder]++
		}
	}
	pick := func(ts []threshold, key string) int {
		most := 0
		differ := false
		for _, t := range ts {
			differ = differ || t.n != ts[0].n
			most = max(most, t.n)
		}
		if differ {
			var each []string
			for _, t := range ts {
				each = append(each, fmt.Sprintf("%s %d", t.typ, t.n))
			}
			c.skip(p.k, path, fmt.Sprintf("%s differs between the alerts (%s); the monitor uses the largest, %d", key, strings.Join(each, ", "), most))
		}
		return most
	}
	m.FailureThreshold = pick(failures, "failure-threshold")
	m.SuccessThreshold = pick(successes, "success-threshold")
	return nil
}

// finishChannels settles each channel's per-channel settings from the
// per-alert ones and says where a channel will do more than Gatus did.
func (c *converter) finishChannels() {
	for _, prov := range c.provs {
		ch := prov.channel
		if ch == nil {
			continue
		}
		what := "alerting." + prov.typ
		switch on, off := prov.recovery[true], prov.recovery[false]; {
		case on > 0 && off > 0:
			ch.SendRecovery = true
			c.skipAt(prov.line, what, fmt.Sprintf("send-on-resolved differs between the alerts (on for %d, off for %d); channel %s sends recoveries for all", on, off, ch.Name))
		case on > 0:
			ch.SendRecovery = true
		case off == 0 && prov.defaults.sendOnResolved != nil:
			ch.SendRecovery = *prov.defaults.sendOnResolved
		}
		switch len(prov.reminders) {
		case 0:
			ch.ReminderEvery = dur.Duration(prov.defaults.reminder)
		case 1:
			for d := range prov.reminders {
				ch.ReminderEvery = dur.Duration(d)
			}
		default:
			var ds []time.Duration
			for d := range prov.reminders {
				ds = append(ds, d)
			}
			slices.Sort(ds)
			var all []string
			var least time.Duration
			for _, d := range ds {
				all = append(all, short(d))
				if d > 0 && least == 0 {
					least = d
				}
			}
			ch.ReminderEvery = dur.Duration(least)
			c.skipAt(prov.line, what, fmt.Sprintf("minimum-reminder-interval differs between the alerts (%s); channel %s reminds every %s", strings.Join(all, ", "), ch.Name, short(least)))
		}
		if n := len(c.res.Monitors); prov.alerted < n {
			c.skipAt(prov.line, what, fmt.Sprintf("channel %s gets the alerts of all %d imported monitors; in Gatus %d of them alerted through %s", ch.Name, n, prov.alerted, prov.typ))
		}
		c.res.Channels = append(c.res.Channels, *ch)
	}
}

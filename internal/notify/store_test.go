package notify_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/chief-hq/chief/internal/apperr"
	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/db/dbtest"
	"github.com/chief-hq/chief/internal/notify"
)

func actorCtx() context.Context {
	return audit.WithActor(context.Background(), audit.Actor{Name: "user:ana@example.com"})
}

func mustCreate(t *testing.T, s *notify.Store, in notify.ChannelInput) notify.Channel {
	t.Helper()
	c, err := s.Create(actorCtx(), in)
	if err != nil {
		t.Fatalf("create channel %s: %v", in.Name, err)
	}
	return c
}

// channelAudit returns the channel entries of the audit log, oldest first.
func channelAudit(t *testing.T, d *db.DB) []audit.Entry {
	t.Helper()
	es, _, err := audit.NewStore(d).List(context.Background(), audit.Filter{RecordType: "channel", Limit: 500})
	if err != nil {
		t.Fatal(err)
	}
	for i, j := 0, len(es)-1; i < j; i, j = i+1, j-1 {
		es[i], es[j] = es[j], es[i]
	}
	return es
}

func wantCode(t *testing.T, what string, err error, code apperr.Code, field string) {
	t.Helper()
	e := apperr.As(err)
	if e == nil || e.Code != code || e.Field != field {
		t.Fatalf("%s: got error %v, want %s (field %q)", what, err, code, field)
	}
}

func TestChannelCRUD(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := actorCtx()
		s := notify.NewStore(d)

		created := mustCreate(t, s, webhookInput("ops"))
		if created.ID == 0 || created.Name != "ops" || created.MinSeverity != "minor" || created.CreatedAt.IsZero() {
			t.Errorf("created: got %+v, want an id, name ops, severity minor and a creation time", created)
		}
		if created.Settings.Secret != "s3cret" {
			t.Errorf("created secret: got %q, want the secret", created.Settings.Secret)
		}
		mustCreate(t, s, emailInput("mail"))

		_, err := s.Create(ctx, webhookInput("ops"))
		wantCode(t, "create a taken name", err, apperr.Conflict, "name")

		bad := webhookInput("other")
		bad.Settings.URL = "nope"
		_, err = s.Create(ctx, bad)
		wantCode(t, "create with a bad url", err, apperr.Invalid, "settings.url")

		got, err := s.Get(ctx, "ops")
		if err != nil {
			t.Fatal(err)
		}
		if got.ID != created.ID || got.Settings.Secret != "s3cret" || !got.CreatedAt.Equal(created.CreatedAt) {
			t.Errorf("Get: got %+v, want the created channel with its secret", got)
		}
		_, err = s.Get(ctx, "missing")
		wantCode(t, "get a missing channel", err, apperr.NotFound, "")

		list, err := s.List(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if len(list) != 2 || list[0].Name != "mail" || list[1].Name != "ops" {
			t.Fatalf("List: got %+v, want mail and ops", list)
		}
		if list[0].Settings.Password != notify.Redaction || list[1].Settings.Secret != notify.Redaction {
			t.Errorf("List secrets: got password %q and secret %q, want both %q", list[0].Settings.Password, list[1].Settings.Secret, notify.Redaction)
		}

		// An update that sends the secret back redacted keeps it.
		in := webhookInput("ops-renamed")
		in.Settings.Secret = notify.Redaction
		in.MinSeverity = "major"
		in.Teams = []string{"payments"}
		updated, err := s.Update(ctx, "ops", in)
		if err != nil {
			t.Fatal(err)
		}
		if updated.ID != created.ID || updated.Name != "ops-renamed" || updated.MinSeverity != "major" || updated.Settings.Secret != "s3cret" {
			t.Errorf("Update: got %+v, want ops renamed, major, secret kept", updated)
		}
		if len(updated.Teams) != 1 || updated.Teams[0] != "group:default/payments" {
			t.Errorf("Update teams: got %v, want [group:default/payments]", updated.Teams)
		}
		_, err = s.Update(ctx, "ops-renamed", webhookInput("mail"))
		wantCode(t, "rename onto a taken name", err, apperr.Conflict, "name")
		_, err = s.Update(ctx, "ops", webhookInput("ops"))
		wantCode(t, "update a missing channel", err, apperr.NotFound, "")

		if err := s.Delete(ctx, "ops-renamed"); err != nil {
			t.Fatal(err)
		}
		wantCode(t, "delete twice", s.Delete(ctx, "ops-renamed"), apperr.NotFound, "")
		_, err = s.Get(ctx, "ops-renamed")
		wantCode(t, "get after delete", err, apperr.NotFound, "")

		es := channelAudit(t, d)
		var got2 []string
		for _, e := range es {
			got2 = append(got2, e.Action+" "+e.RecordID+" by "+e.Actor)
		}
		want := []string{
			"channel.create ops by user:ana@example.com",
			"channel.create mail by user:ana@example.com",
			"channel.update ops-renamed by user:ana@example.com",
			"channel.delete ops-renamed by user:ana@example.com",
		}
		if strings.Join(got2, "\n") != strings.Join(want, "\n") {
			t.Errorf("audit entries:\ngot  %q\nwant %q", got2, want)
		}
		if len(es) == 4 {
			ch := es[2].Changes
			if ch["name"].Old != "ops" || ch["name"].New != "ops-renamed" || ch["min_severity"].New != "major" {
				t.Errorf("update changes: got %+v, want name ops -> ops-renamed and min_severity major", ch)
			}
			if _, ok := ch["settings.secret"]; ok {
				t.Errorf("update changes: got a settings.secret change %+v for a kept secret, want none", ch["settings.secret"])
			}
		}
		assertNoSecrets(t, es, "s3cret", "pa55word")
	})
}

func assertNoSecrets(t *testing.T, es []audit.Entry, secrets ...string) {
	t.Helper()
	body, err := json.Marshal(es)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range secrets {
		if strings.Contains(string(body), s) {
			t.Errorf("audit log holds the secret %q: %s", s, body)
		}
	}
}

func TestChannelSecretChangesAudited(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := actorCtx()
		s := notify.NewStore(d)
		slackIn := notify.ChannelInput{Name: "chat", Type: "slack", Settings: notify.Settings{URL: "https://hooks.slack.com/services/T0/B0/OLDTOKEN"}}
		mustCreate(t, s, slackIn)
		mustCreate(t, s, emailInput("mail"))

		slackIn.Settings.URL = "https://hooks.slack.com/services/T0/B0/NEWTOKEN"
		if _, err := s.Update(ctx, "chat", slackIn); err != nil {
			t.Fatal(err)
		}
		in := emailInput("mail")
		in.Settings.Password = "n3wpass"
		if _, err := s.Update(ctx, "mail", in); err != nil {
			t.Fatal(err)
		}
		c, err := s.Get(ctx, "mail")
		if err != nil {
			t.Fatal(err)
		}
		if c.Settings.Password != "n3wpass" {
			t.Errorf("password after update: got %q, want n3wpass", c.Settings.Password)
		}

		es := channelAudit(t, d)
		if len(es) != 4 {
			t.Fatalf("audit entries: got %d, want 4", len(es))
		}
		if ch := es[2].Changes["settings.url"]; ch.New != notify.Redaction+" (changed)" {
			t.Errorf("slack url change: got %+v, want it marked changed", ch)
		}
		if ch := es[3].Changes["settings.password"]; ch.Old != notify.Redaction || ch.New != notify.Redaction+" (changed)" {
			t.Errorf("password change: got %+v, want it marked changed", ch)
		}
		assertNoSecrets(t, es, "OLDTOKEN", "NEWTOKEN", "pa55word", "n3wpass")

		// A placeholder with no stored secret behind it is refused.
		in = webhookInput("new")
		in.Settings.Secret = notify.Redaction
		_, err = s.Create(ctx, in)
		wantCode(t, "create with a redacted secret", err, apperr.Invalid, "settings.secret")
	})
}

func TestUpsert(t *testing.T) {
	dbtest.Engines(t, func(t *testing.T, d *db.DB) {
		ctx := actorCtx()
		s := notify.NewStore(d)
		upsert := func(in notify.ChannelInput) bool {
			t.Helper()
			var changed bool
			err := d.Write(ctx, func(tx *db.Tx) error {
				var err error
				changed, err = s.Upsert(ctx, tx, in)
				return err
			})
			if err != nil {
				t.Fatalf("Upsert %s: %v", in.Name, err)
			}
			return changed
		}
		in := emailInput("mail")
		in.Teams = []string{"payments"}
		cases := []struct {
			name        string
			in          notify.ChannelInput
			wantChanged bool
			wantAudit   int
		}{
			{"new channel", in, true, 1},
			{"same again", in, false, 1},
			{"same in another spelling", func() notify.ChannelInput {
				c := in
				c.Teams = []string{"group:default/payments"}
				c.MinSeverity = "minor"
				c.Settings.To = []string{" oncall@example.com "}
				return c
			}(), false, 1},
			{"redacted password", func() notify.ChannelInput {
				c := in
				c.Settings.Password = notify.Redaction
				return c
			}(), false, 1},
			{"changed", func() notify.ChannelInput {
				c := in
				c.SendRecovery = true
				return c
			}(), true, 2},
		}
		for _, tc := range cases {
			t.Run(tc.name, func(t *testing.T) {
				if got := upsert(tc.in); got != tc.wantChanged {
					t.Errorf("changed: got %v, want %v", got, tc.wantChanged)
				}
				if got := len(channelAudit(t, d)); got != tc.wantAudit {
					t.Errorf("audit entries: got %d, want %d", got, tc.wantAudit)
				}
			})
		}
		c, err := s.Get(ctx, "mail")
		if err != nil {
			t.Fatal(err)
		}
		if c.Settings.Password != "pa55word" || !c.SendRecovery {
			t.Errorf("after upserts: got password %q and send_recovery %v, want pa55word and true", c.Settings.Password, c.SendRecovery)
		}
		bad := in
		bad.Type = "carrier-pigeon"
		err = d.Write(ctx, func(tx *db.Tx) error { _, err := s.Upsert(ctx, tx, bad); return err })
		wantCode(t, "upsert of an unknown type", err, apperr.Invalid, "type")
	})
}

package delivery

import (
	"database/sql"
	"time"
)

// Deployment is a stored deployment with what was derived for it.
type Deployment struct {
	ID          int64     `json:"id"`
	Component   string    `json:"component"`
	Environment string    `json:"environment"`
	Production  bool      `json:"production"`
	Version     string    `json:"version"`
	SHA         string    `json:"sha"`
	StartedAt   time.Time `json:"started_at"`
	// FinishedAt is zero while the deployment is pending.
	FinishedAt time.Time `json:"finished_at,omitzero"`
	Result     string    `json:"result"`
	Remedy     string    `json:"remedy,omitempty"`
	Source     string    `json:"source"`
	ExternalID string    `json:"external_id"`
	URL        string    `json:"url,omitempty"`
	// Explicit is set when the source listed the changes shipped.
	Explicit bool `json:"explicit"`
	// listed holds those changes, space separated.
	listed string
	// Failed says the deployment failed in production; FailReason says how:
	// "result" (it reported failure), "rollback" (a later deployment rolled
	// it back) or "incident" (a failure was charged to it).
	Failed     bool   `json:"failed"`
	FailReason string `json:"fail_reason,omitempty"`
	// Rework marks an unplanned deployment: a fix or rollback, or the
	// deployment that recovered from a failed one.
	Rework bool `json:"rework"`
	// RecoveredAt and RecoverySeconds are set once a failed deployment
	// recovered.
	RecoveredAt     time.Time `json:"recovered_at,omitzero"`
	RecoverySeconds *int64    `json:"recovery_seconds"`
	// ChangeCount counts the changes it shipped, baseline ones included.
	ChangeCount int `json:"change_count"`
}

const deploymentColumns = `id, component_ref, environment, production, version, sha, started_at, finished_at, result, remedy, source, external_id, url,
	listed, failed, fail_reason, rework, recovered_at, recovery_s, change_count`

func scanDeployment(row interface{ Scan(...any) error }) (Deployment, error) {
	var d Deployment
	var started int64
	var finished, recovered, recovery sql.NullInt64
	err := row.Scan(&d.ID, &d.Component, &d.Environment, &d.Production, &d.Version, &d.SHA, &started, &finished, &d.Result, &d.Remedy,
		&d.Source, &d.ExternalID, &d.URL, &d.listed, &d.Failed, &d.FailReason, &d.Rework, &recovered, &recovery, &d.ChangeCount)
	if err != nil {
		return d, err
	}
	d.Explicit = d.listed != ""
	d.StartedAt = fromUnix(started)
	if finished.Valid {
		d.FinishedAt = fromUnix(finished.Int64)
	}
	if recovered.Valid {
		d.RecoveredAt = fromUnix(recovered.Int64)
	}
	if recovery.Valid {
		v := recovery.Int64
		d.RecoverySeconds = &v
	}
	return d, nil
}

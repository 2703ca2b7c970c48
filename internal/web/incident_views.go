package web

// The views of incidents, alert channels, the outbox and the public status
// page join the shared list, so that their pages stay in files of their
// own. status.html brings its own layout, without the app's navigation.
func init() {
	pageNames = append(pageNames,
		"incidents", "incident_new", "incident",
		"status", "status_admin",
		"channels", "channel_edit", "outbox")
}

package demo

import (
	"context"
	"fmt"
	"time"

	"github.com/chief-hq/chief/internal/audit"
	"github.com/chief-hq/chief/internal/catalog"
	"github.com/chief-hq/chief/internal/db"
	"github.com/chief-hq/chief/internal/radar"
)

// The demo company's technology radar: about sixty technologies in the
// four default quadrants, a year of dated ring decisions behind them,
// fifteen decision records, a handful of experiments and who uses what.
// The legacy storefront, the promotions admin and a few services still
// run technologies on hold, which fills the hold report.

// Quadrant names of the default radar.
const (
	qTechniques = "Techniques"
	qTools      = "Tools"
	qPlatforms  = "Platforms"
	qLanguages  = "Languages & Frameworks"
)

// Deciders named in the history.
const (
	board  = "Architecture board"
	cto    = "Ingrid Castellanos (CTO)"
	guild  = "Frontend guild"
	mobile = "Mobile guild"
)

// demoMove is one ring decision, daysAgo days before now; the first of a
// technology puts it on the radar (and takes neither a review date nor a
// decision record). review, when not 0, is the review date in days from
// now (negative: already due).
type demoMove struct {
	daysAgo  int
	ring     string
	by, why  string
	review   int
	decision int
}

type demoTech struct {
	name, quadrant, owner string
	tags                  []string
	link                  string
	description           string
	moves                 []demoMove
}

func mv(daysAgo int, ring, by, why string) demoMove {
	return demoMove{daysAgo: daysAgo, ring: ring, by: by, why: why}
}

// adr and due return a copy citing a decision record or with a review date.
func (m demoMove) adr(n int) demoMove  { m.decision = n; return m }
func (m demoMove) due(in int) demoMove { m.review = in; return m }

// firstEdition is when the company's first radar was drawn.
const firstEdition = 360

var demoTechs = []demoTech{
	// Languages & Frameworks
	{name: "Go", quadrant: qLanguages, owner: "team-platform", tags: []string{"backend"}, link: "https://go.dev",
		description: "Our default language for backend services and command-line tools. The `go-service-kit` library gives every service logging, metrics, tracing and graceful shutdown.\n\nUse it for anything that serves requests or moves data between systems.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "Most backend services are written in Go already; see ADR 2.")}},
	{name: "TypeScript", quadrant: qLanguages, owner: "team-storefront", tags: []string{"frontend"}, link: "https://www.typescriptlang.org",
		description: "All browser code and the storefront BFF. Strict mode on, `any` only with a comment saying why.",
		moves:       []demoMove{mv(firstEdition, "Adopt", guild, "Every frontend and the BFF is written in TypeScript.")}},
	{name: "React", quadrant: qLanguages, owner: "team-storefront", tags: []string{"frontend"}, link: "https://react.dev",
		description: "The UI library of the storefront, the design system and the back-office tools.",
		moves:       []demoMove{mv(firstEdition, "Adopt", guild, "The design system is built on React; so is every new screen.")}},
	{name: "Next.js", quadrant: qLanguages, owner: "team-storefront", tags: []string{"frontend"}, link: "https://nextjs.org",
		description: "Server rendering for the storefront. Product pages render in about 300 ms at p95 since the move, down from 1.1 s in the old single-page app.",
		moves: []demoMove{mv(firstEdition, "Trial", guild, "The storefront rewrite trials server rendering with Next.js."),
			mv(120, "Adopt", guild, "Six months in production for the whole storefront; conversion on product pages rose 4%.").due(240)}},
	{name: "Kotlin", quadrant: qLanguages, owner: "team-mobile", tags: []string{"mobile", "backend"}, link: "https://kotlinlang.org",
		description: "The Android app and the push notification service.",
		moves:       []demoMove{mv(firstEdition, "Adopt", mobile, "The Android app is Kotlin only since 2022.")}},
	{name: "Swift", quadrant: qLanguages, owner: "team-mobile", tags: []string{"mobile"}, link: "https://www.swift.org",
		description: "The iOS app.",
		moves:       []demoMove{mv(firstEdition, "Adopt", mobile, "The iOS app is Swift only.")}},
	{name: "Java", quadrant: qLanguages, owner: "team-payments", tags: []string{"backend"},
		description: "Checkout, the payment gateway integration and the ledger sync run on Java 21. New services should be written in Go unless they need a Java-only SDK (several payment providers ship only those).",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "Payments runs on Java and the providers' SDKs need it.")}},
	{name: "Spring Boot", quadrant: qLanguages, owner: "team-payments", tags: []string{"backend"}, link: "https://spring.io/projects/spring-boot",
		description: "The framework of our Java services. Stay on the supported release line; the payments team upgrades twice a year.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "All Java services use it.")}},
	{name: "Python", quadrant: qLanguages, owner: "team-data", tags: []string{"data", "ml"}, link: "https://www.python.org",
		description: "Data pipelines, machine learning and small operational tools.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "The data team and the ML services use it.")}},
	{name: "FastAPI", quadrant: qLanguages, owner: "team-search", tags: []string{"ml", "backend"}, link: "https://fastapi.tiangolo.com",
		description: "Serving machine learning models over HTTP. Typed request models catch most contract mistakes before they ship.",
		moves: []demoMove{mv(300, "Assess", board, "Recommendations needs a way to serve models from Python."),
			mv(200, "Trial", board, "Recommendations and fraud scoring serve their models with it.").due(60)}},
	{name: "GraphQL", quadrant: qLanguages, owner: "team-storefront", tags: []string{"api"}, link: "https://graphql.org",
		description: "The storefront BFF's API to the web and the apps. Only at the edge: services talk to each other with gRPC.",
		moves:       []demoMove{mv(firstEdition, "Trial", board, "The BFF gives the apps one API; see ADR 13.")}},
	{name: "gRPC", quadrant: qLanguages, owner: "team-platform", tags: []string{"api", "backend"}, link: "https://grpc.io",
		description: "Service-to-service calls in order management. Protobuf definitions live in the `proto` repository and are versioned there.",
		moves: []demoMove{mv(firstEdition, "Trial", board, "Order management trials gRPC between its services."),
			mv(230, "Adopt", board, "A year of production use; generated clients removed a whole class of contract bugs.")}},
	{name: "SwiftUI", quadrant: qLanguages, owner: "team-mobile", tags: []string{"mobile"},
		description: "New iOS screens are SwiftUI; UIKit stays for the camera and the checkout flow until they are rewritten.",
		moves: []demoMove{mv(firstEdition, "Trial", mobile, "New settings and account screens are written in SwiftUI."),
			mv(150, "Adopt", mobile, "Screens built with SwiftUI took a third less time and have had fewer crash reports.")}},
	{name: "Jetpack Compose", quadrant: qLanguages, owner: "team-mobile", tags: []string{"mobile"},
		description: "The Android counterpart of SwiftUI: declarative UI for every new screen.",
		moves: []demoMove{mv(firstEdition, "Trial", mobile, "The product page is being rebuilt with Compose."),
			mv(85, "Adopt", mobile, "The product page rewrite went well; all new Android screens use Compose.")}},
	{name: "Kotlin Multiplatform", quadrant: qLanguages, owner: "team-mobile", tags: []string{"mobile"},
		description: "Sharing business logic (basket rules, price formatting) between the iOS and Android apps. See experiment results before using it elsewhere.",
		moves:       []demoMove{mv(200, "Assess", mobile, "Basket rules are written twice and drift apart; shared Kotlin code could fix that.")}},
	{name: "Rust", quadrant: qLanguages, owner: "team-platform", tags: []string{"backend"},
		description: "Considered for the edge and for CPU-heavy image processing. No production use yet; talk to the platform team first.",
		moves:       []demoMove{mv(250, "Assess", board, "The media pipeline team wants to try it for image resizing.")}},
	{name: "htmx", quadrant: qLanguages, owner: "team-internal-tools", tags: []string{"frontend"},
		description: "Server-rendered back-office screens with a little interactivity, without a single-page app to maintain.",
		moves:       []demoMove{mv(30, "Assess", board, "Internal tools want simpler admin screens; an experiment is planned.")}},
	{name: "PHP", quadrant: qLanguages, owner: "team-legacy", tags: []string{"legacy"},
		description: "The language of the original shop, which still serves old campaign landing pages. **Do not start anything new in PHP.** The remaining pages move to the Next.js storefront.",
		moves: []demoMove{mv(firstEdition, "Trial", board, "Kept for the legacy storefront while the rewrite goes on."),
			mv(300, "Hold", board, "The legacy storefront is frozen (ADR 10): no new PHP code.").adr(10).due(-10)}},
	{name: "jQuery", quadrant: qLanguages, owner: "team-legacy", tags: []string{"frontend", "legacy"},
		description: "Still loaded by the legacy storefront and the promotions admin. Replace with plain DOM APIs or React.",
		moves:       []demoMove{mv(firstEdition, "Hold", guild, "Modern browsers do what we used it for; it adds 30 KB to every page.")}},
	{name: "AngularJS", quadrant: qLanguages, owner: "team-internal-tools", tags: []string{"frontend", "legacy"},
		description: "End of life since January 2022. Three screens of the support console still use it.",
		moves:       []demoMove{mv(firstEdition, "Hold", guild, "AngularJS is out of support; no security fixes.")}},
	{name: "Ruby on Rails", quadrant: qLanguages, owner: "team-internal-tools", tags: []string{"legacy"}, link: "https://rubyonrails.org",
		description: "The promotions admin is the last Rails application. Its features are moving into the merchandising admin.",
		moves: []demoMove{mv(firstEdition, "Trial", board, "Used by the promotions admin."),
			mv(210, "Hold", board, "One app, no Ruby developers left: move its features to the merchandising admin.").due(30)}},

	// Platforms
	{name: "Kubernetes", quadrant: qPlatforms, owner: "team-platform", tags: []string{"runtime"}, link: "https://kubernetes.io",
		description: "Where every service runs, on the managed clusters in two regions. Teams deploy through Argo CD, not `kubectl`.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "All services run on Kubernetes (ADR 7).").adr(7)}},
	{name: "PostgreSQL", quadrant: qPlatforms, owner: "team-platform", tags: []string{"database"}, link: "https://www.postgresql.org",
		description: "The default relational database for services (ADR 4). The platform team runs it managed, with point-in-time recovery and a read replica per database.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "The default database for new services; see ADR 4.")}},
	{name: "MySQL", quadrant: qPlatforms, owner: "team-platform", tags: []string{"database", "legacy"},
		description: "Still behind the legacy storefront, the promotions admin and the ledger sync's staging tables. New data goes to PostgreSQL.",
		moves: []demoMove{mv(firstEdition, "Trial", board, "The order database moved from MySQL to PostgreSQL; others may follow."),
			mv(270, "Hold", board, "One database to run well beats two run adequately (ADR 4).").adr(4)}},
	{name: "Kafka", quadrant: qPlatforms, owner: "team-platform", tags: []string{"messaging"}, link: "https://kafka.apache.org",
		description: "The event bus: orders, inventory and clickstream events. Topics are owned by the producing team; schemas are registered and checked for compatibility.",
		moves: []demoMove{mv(firstEdition, "Trial", board, "Order events move from RabbitMQ to Kafka in a trial."),
			mv(180, "Adopt", board, "Six months of order and inventory events without loss; the event bus is Kafka (ADR 8).").adr(8).due(185)}},
	{name: "RabbitMQ", quadrant: qPlatforms, owner: "team-platform", tags: []string{"messaging", "legacy"},
		description: "Replaced by Kafka (ADR 8). The fulfilment worker still reads its jobs from a RabbitMQ queue.",
		moves: []demoMove{mv(firstEdition, "Adopt", board, "The message broker of order management (ADR 5).").adr(5),
			mv(180, "Hold", board, "Kafka is the event bus now; no new queues on RabbitMQ (ADR 8).").adr(8)}},
	{name: "Redis", quadrant: qPlatforms, owner: "team-platform", tags: []string{"database", "cache"}, link: "https://redis.io",
		description: "Caches and rate limits. Not a database: everything in Redis must be rebuildable.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "Sessions, caches and rate limits.")}},
	{name: "Memcached", quadrant: qPlatforms, owner: "team-legacy", tags: []string{"cache", "legacy"},
		description: "Only the legacy storefront's page cache. Redis does the same and more.",
		moves:       []demoMove{mv(firstEdition, "Hold", board, "Redis covers what we used Memcached for.")}},
	{name: "Elasticsearch", quadrant: qPlatforms, owner: "team-search", tags: []string{"search", "legacy"},
		description: "The product search index, on version 7. Its licence no longer suits us; the index moves to OpenSearch (ADR 12).",
		moves: []demoMove{mv(firstEdition, "Adopt", board, "Product search runs on it."),
			mv(60, "Hold", board, "Licence change; product search moves to OpenSearch (ADR 12).").adr(12)}},
	{name: "OpenSearch", quadrant: qPlatforms, owner: "team-search", tags: []string{"search"}, link: "https://opensearch.org",
		description: "The open-source fork of Elasticsearch, which product search is moving to.",
		moves: []demoMove{mv(150, "Assess", board, "Candidate replacement for Elasticsearch."),
			mv(60, "Trial", board, "The search team's experiment met its targets: same relevance, 40% cheaper (ADR 12).").adr(12).due(120)}},
	{name: "BigQuery", quadrant: qPlatforms, owner: "team-data", tags: []string{"data", "database"},
		description: "The analytics warehouse. Revenue and conversion reporting read from it.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "The warehouse of the data platform.")}},
	{name: "Amazon S3", quadrant: qPlatforms, owner: "team-platform", tags: []string{"storage"},
		description: "Object storage: product media and the data lake.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "Media and the data lake.")}},
	{name: "AWS Lambda", quadrant: qPlatforms, owner: "team-platform", tags: []string{"runtime"},
		description: "Scheduled jobs and small event handlers that do not justify a service. Keep them under 15 minutes and idempotent.",
		moves:       []demoMove{mv(320, "Trial", board, "The secrets rotator runs as scheduled functions.")}},
	{name: "Envoy", quadrant: qPlatforms, owner: "team-platform", tags: []string{"networking"}, link: "https://www.envoyproxy.io",
		description: "The edge proxy: TLS, rate limiting and routing for public traffic.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "The edge gateway is built on it.")}},
	{name: "HashiCorp Vault", quadrant: qPlatforms, owner: "team-security", tags: []string{"security"},
		description: "Secrets for every service, issued per service and rotated by the secrets rotator.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "Where secrets live.")}},
	{name: "Temporal", quadrant: qPlatforms, owner: "team-storefront", tags: []string{"workflow"}, link: "https://temporal.io",
		description: "Durable workflows for order fulfilment, in place of hand-written retries and state tables. The storefront team is running an experiment.",
		moves:       []demoMove{mv(60, "Assess", board, "Fulfilment retries are hand-written in three places; Temporal could replace them.")}},
	{name: "Cloudflare Workers", quadrant: qPlatforms, owner: "team-platform", tags: []string{"edge", "runtime"},
		description: "Code at the edge for personalisation and A/B assignment before the request reaches us.",
		moves:       []demoMove{mv(45, "Assess", board, "Edge personalisation could cut a round trip from every product page.")}},

	// Tools
	{name: "Terraform", quadrant: qTools, owner: "team-platform", tags: []string{"infrastructure"}, link: "https://www.terraform.io",
		description: "All cloud infrastructure is code in the `infrastructure` repository, planned on every pull request.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "No change to cloud resources outside Terraform.")}},
	{name: "Argo CD", quadrant: qTools, owner: "team-platform", tags: []string{"delivery"}, link: "https://argo-cd.readthedocs.io",
		description: "GitOps deployment to Kubernetes: the cluster follows what the deploy repository says.",
		moves: []demoMove{mv(firstEdition, "Trial", board, "Order management deploys through Argo CD."),
			mv(240, "Adopt", board, "Every team deploys with it; rollbacks take a minute (ADR 9).").adr(9)}},
	{name: "GitHub Actions", quadrant: qTools, owner: "team-platform", tags: []string{"delivery", "ci"},
		description: "Continuous integration for every repository, with shared workflows from `northwind/workflows`.",
		moves: []demoMove{mv(firstEdition, "Trial", board, "New repositories build on GitHub Actions."),
			mv(270, "Adopt", board, "Builds take half the time they took on Jenkins (ADR 9).").adr(9)}},
	{name: "Jenkins", quadrant: qTools, owner: "team-platform", tags: []string{"ci", "legacy"},
		description: "The old build server. The legacy storefront and two payments pipelines still build on it; it is switched off when they move.",
		moves: []demoMove{mv(firstEdition, "Adopt", board, "Builds and deploys everything (ADR 6).").adr(6),
			mv(270, "Hold", board, "CI moves to GitHub Actions and deployment to Argo CD (ADR 9).").adr(9).due(-15)}},
	{name: "Helm", quadrant: qTools, owner: "team-platform", tags: []string{"delivery"},
		description: "Packaging third-party software for the clusters. Our own services use plain manifests with Kustomize.",
		moves:       []demoMove{mv(firstEdition, "Trial", board, "For charts of third-party software only.")}},
	{name: "Prometheus", quadrant: qTools, owner: "team-platform", tags: []string{"observability"}, link: "https://prometheus.io",
		description: "Metrics from every service, scraped and kept 30 days.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "The metrics system.")}},
	{name: "Grafana", quadrant: qTools, owner: "team-platform", tags: []string{"observability"},
		description: "Dashboards over Prometheus and the logs.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "Dashboards for every team.")}},
	{name: "OpenTelemetry", quadrant: qTools, owner: "team-platform", tags: []string{"observability"}, link: "https://opentelemetry.io",
		description: "Traces across services. The Go service kit instruments HTTP, gRPC and database calls; the JVM services are next (ADR 14).",
		moves: []demoMove{mv(firstEdition, "Assess", board, "Vendor-neutral tracing."),
			mv(240, "Trial", board, "Order management sends traces; incidents there got shorter."),
			mv(30, "Adopt", board, "Every Go service traces through the service kit (ADR 14).").adr(14)}},
	{name: "Sentry", quadrant: qTools, owner: "team-storefront", tags: []string{"observability"},
		description: "Error tracking for the web and the apps.",
		moves:       []demoMove{mv(firstEdition, "Adopt", guild, "Browser and app errors.")}},
	{name: "Airflow", quadrant: qTools, owner: "team-data", tags: []string{"data"}, link: "https://airflow.apache.org",
		description: "Schedules the data pipelines.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "Every batch pipeline runs on it.")}},
	{name: "dbt", quadrant: qTools, owner: "team-data", tags: []string{"data"}, link: "https://www.getdbt.com",
		description: "SQL models of the warehouse, tested and documented. The revenue models are being rewritten with it.",
		moves: []demoMove{mv(200, "Assess", board, "Warehouse SQL lives in scattered scripts."),
			mv(110, "Trial", board, "The conversion models moved to dbt without a reporting difference.")}},
	{name: "Playwright", quadrant: qTools, owner: "team-storefront", tags: []string{"testing"}, link: "https://playwright.dev",
		description: "Browser tests of the storefront's main journeys: search, basket, checkout.",
		moves: []demoMove{mv(firstEdition, "Trial", guild, "Checkout journey tests."),
			mv(130, "Adopt", guild, "Flaky tests fell from 8% to under 1% after the move from Selenium.")}},
	{name: "k6", quadrant: qTools, owner: "team-platform", tags: []string{"testing", "performance"}, link: "https://k6.io",
		description: "Load tests written as code, run before the autumn sale.",
		moves:       []demoMove{mv(80, "Trial", board, "Load tests for the sale season.")}},
	{name: "Renovate", quadrant: qTools, owner: "team-platform", tags: []string{"dependencies"},
		description: "Dependency updates as pull requests, grouped and scheduled so they do not flood teams.",
		moves:       []demoMove{mv(200, "Trial", board, "Grouped updates, one pull request a week per repository.")}},
	{name: "Dependabot", quadrant: qTools, owner: "team-platform", tags: []string{"dependencies", "legacy"},
		description: "Replaced by Renovate, which groups updates. A few repositories still have Dependabot configured.",
		moves: []demoMove{mv(firstEdition, "Trial", board, "Security updates as pull requests."),
			mv(80, "Hold", board, "Renovate does the same with grouping; one tool is enough.")}},
	{name: "Vagrant", quadrant: qTools, owner: "team-platform", tags: []string{"legacy"},
		description: "Local environments are containers now. Nothing uses Vagrant any more.",
		moves:       []demoMove{mv(firstEdition, "Hold", board, "Development environments run in containers.")}},

	// Techniques
	{name: "Trunk-based development", quadrant: qTechniques, owner: "team-platform", tags: []string{"delivery"},
		description: "Short-lived branches merged to main at least daily, with unfinished work behind feature flags (ADR 11).",
		moves: []demoMove{mv(firstEdition, "Trial", board, "Two teams work on main with feature flags."),
			mv(250, "Adopt", board, "Lead time halved for the teams that moved (ADR 11).").adr(11)}},
	{name: "Feature flags", quadrant: qTechniques, owner: "team-platform", tags: []string{"delivery"},
		description: "Separate deploying from releasing. Every flag has an owner and an end date; the flag service warns about stale ones.",
		moves:       []demoMove{mv(firstEdition, "Adopt", board, "The feature flag service is in production (ADR 11).").adr(11)}},
	{name: "GitFlow", quadrant: qTechniques, owner: "team-platform", tags: []string{"delivery", "legacy"},
		description: "Long-lived develop and release branches. They delay integration and make releases big; use trunk-based development.",
		moves: []demoMove{mv(firstEdition, "Trial", board, "Some teams branch this way."),
			mv(250, "Hold", board, "Replaced by trunk-based development (ADR 11).").adr(11)}},
	{name: "Architecture decision records", quadrant: qTechniques, owner: "team-platform", tags: []string{"architecture"},
		description: "Significant decisions are written down as short records in the repository they affect, and imported into Chief.",
		moves:       []demoMove{mv(firstEdition, "Adopt", cto, "We record architecture decisions (ADR 1).").adr(1)}},
	{name: "Service level objectives", quadrant: qTechniques, owner: "team-platform", tags: []string{"reliability"},
		description: "Every customer-facing service has an availability SLO with an error budget, watched in Chief.",
		moves: []demoMove{mv(firstEdition, "Trial", board, "Checkout and search define SLOs."),
			mv(140, "Adopt", cto, "Error budgets now decide when reliability work comes before features.")}},
	{name: "Blameless postmortems", quadrant: qTechniques, owner: "team-platform", tags: []string{"reliability"},
		description: "Every major incident gets a written postmortem within five working days, about systems rather than people.",
		moves:       []demoMove{mv(firstEdition, "Adopt", cto, "Postmortems for every major incident.")}},
	{name: "Contract testing", quadrant: qTechniques, owner: "team-storefront", tags: []string{"testing"},
		description: "Consumer-driven contract tests between the BFF and the services behind it.",
		moves:       []demoMove{mv(220, "Trial", board, "The BFF and order service test their contract with Pact.")}},
	{name: "Chaos engineering", quadrant: qTechniques, owner: "team-platform", tags: []string{"reliability"},
		description: "Controlled failure injection in staging, then in production during game days.",
		moves:       []demoMove{mv(170, "Assess", board, "A game day found two missing timeouts; worth a closer look.")}},
	{name: "Micro frontends", quadrant: qTechniques, owner: "team-storefront", tags: []string{"frontend", "architecture"},
		description: "Splitting the storefront into independently deployed frontends. Tried and rejected for our size (ADR 15).",
		moves: []demoMove{mv(firstEdition, "Assess", guild, "Could let teams ship storefront parts independently."),
			mv(120, "Hold", guild, "The experiment doubled bundle size for little gain at our team size (ADR 15).").adr(15)}},
	{name: "Data mesh", quadrant: qTechniques, owner: "team-data", tags: []string{"data", "architecture"},
		description: "Domain teams owning their analytical data as products. Worth understanding before the warehouse grows further.",
		moves:       []demoMove{mv(20, "Assess", cto, "The data team is the bottleneck for every new report.")}},
	{name: "Manual release trains", quadrant: qTechniques, owner: "team-legacy", tags: []string{"delivery", "legacy"},
		description: "Fortnightly releases of everything at once, approved in a meeting. Only the legacy storefront still ships this way.",
		moves:       []demoMove{mv(firstEdition, "Hold", board, "Continuous delivery replaces release trains.")}},
	{name: "Platform as a product", quadrant: qTechniques, owner: "team-platform", tags: []string{"architecture"},
		description: "The platform team treats the other teams as customers: a roadmap, support hours and satisfaction surveys.",
		moves: []demoMove{mv(260, "Assess", cto, "Teams found the platform hard to use."),
			mv(100, "Trial", cto, "The first survey after the change: satisfaction up from 5.9 to 7.4 out of 10.")}},
}

// demoUsage is what each catalog entity uses beyond the technologies its
// tags name (which the catalog sync links).
var demoUsage = map[string][]string{
	"component:default/storefront-web":          {"Playwright", "Sentry"},
	"component:default/storefront-bff":          {"Redis", "OpenTelemetry", "Contract testing"},
	"component:default/design-system":           {"Playwright"},
	"component:default/legacy-storefront":       {"jQuery", "MySQL", "Jenkins", "Memcached", "Manual release trains"},
	"component:default/product-catalog-service": {"PostgreSQL", "gRPC", "Kafka", "Kubernetes"},
	"component:default/inventory-service":       {"PostgreSQL", "gRPC", "Kafka", "Kubernetes"},
	"component:default/order-service":           {"PostgreSQL", "gRPC", "Kafka", "OpenTelemetry", "Kubernetes", "Contract testing"},
	"component:default/fulfillment-worker":      {"RabbitMQ", "PostgreSQL", "Kubernetes"},
	"component:default/northwind-ios":           {"SwiftUI", "Sentry"},
	"component:default/northwind-android":       {"Jetpack Compose", "Sentry"},
	"component:default/mobile-push-service":     {"Redis", "Kubernetes"},
	"component:default/mobile-shared-kit":       {"Kotlin Multiplatform"},
	"component:default/checkout-service":        {"Spring Boot", "PostgreSQL", "Kafka", "Jenkins", "Kubernetes"},
	"component:default/payment-gateway":         {"Spring Boot", "PostgreSQL", "HashiCorp Vault", "Kubernetes"},
	"component:default/fraud-scoring":           {"FastAPI"},
	"component:default/ledger-sync":             {"Spring Boot", "Jenkins", "MySQL"},
	"component:default/search-service":          {"Elasticsearch", "OpenSearch", "Kubernetes"},
	"component:default/search-indexer":          {"Elasticsearch", "Kafka"},
	"component:default/recommendations-service": {"FastAPI", "Redis"},
	"component:default/clickstream-collector":   {"Kafka"},
	"component:default/orders-etl":              {"dbt", "BigQuery"},
	"component:default/revenue-dashboard":       {"BigQuery", "dbt"},
	"component:default/edge-gateway":            {"Kubernetes"},
	"component:default/feature-flag-service":    {"PostgreSQL", "Redis", "Kubernetes"},
	"component:default/go-service-kit":          {"OpenTelemetry", "Prometheus"},
	"component:default/nw-cli":                  {"Dependabot"},
	"component:default/auth-service":            {"PostgreSQL", "HashiCorp Vault", "Redis"},
	"component:default/secrets-rotator":         {"HashiCorp Vault", "AWS Lambda"},
	"component:default/support-console":         {"AngularJS"},
	"component:default/merch-admin":             {"Playwright"},
	"component:default/promo-admin":             {"Ruby on Rails", "jQuery", "MySQL"},
	"resource:default/orders-db":                {"PostgreSQL"},
	"resource:default/product-catalog-db":       {"PostgreSQL"},
	"resource:default/payments-db":              {"PostgreSQL"},
	"resource:default/session-cache":            {"Redis"},
	"resource:default/event-bus":                {"Kafka"},
	"resource:default/product-search-index":     {"Elasticsearch"},
	"resource:default/analytics-warehouse":      {"BigQuery"},
	"resource:default/media-assets-bucket":      {"Amazon S3"},
	"resource:default/data-lake-bucket":         {"Amazon S3"},
}

// demoDecision is a decision record daysAgo days old.
type demoDecision struct {
	daysAgo      int
	in           radar.DecisionInput
	supersededBy int
}

func adrBody(context, decision, consequences string) string {
	return "## Context\n\n" + context + "\n\n## Decision\n\n" + decision + "\n\n## Consequences\n\n" + consequences + "\n"
}

var demoDecisions = []demoDecision{
	{daysAgo: 700, in: radar.DecisionInput{Title: "Record architecture decisions", Status: radar.StatusAccepted,
		Deciders: []string{"Ingrid Castellanos"}, Technologies: []string{"Architecture decision records"},
		Body: adrBody("Decisions about how our systems are built live in chat threads and people's heads. New engineers cannot find out why things are the way they are.",
			"We write architecture decision records, as described by Michael Nygard, in the repository each decision affects, and import them into Chief so that they can be found in one place.",
			"Every significant decision gets a short record. Records are never edited to change their meaning; a new record supersedes the old one.")}},
	{daysAgo: 640, in: radar.DecisionInput{Title: "Use Go for new backend services", Status: radar.StatusAccepted,
		Deciders: []string{"Architecture board"}, Technologies: []string{"Go"},
		Entities: []string{"order-service", "inventory-service", "product-catalog-service"},
		Body: adrBody("Backend services are written in four languages. Each needs its own build images, libraries for logging and tracing, and people who know it.",
			"New backend services are written in Go, using the `go-service-kit` library. Exceptions (a provider SDK that exists only for Java, machine learning in Python) are agreed with the architecture board.",
			"One set of libraries and build images to maintain. Teams that know other languages need time to learn Go; the platform team runs a monthly workshop.")}},
	{daysAgo: 620, in: radar.DecisionInput{Title: "Use MySQL for the order database", Status: radar.StatusSuperseded,
		Deciders: []string{"Order management team"}, Technologies: []string{"MySQL"}, Entities: []string{"resource:default/orders-db"},
		Body: adrBody("The new order service needs a relational database. The legacy storefront runs on MySQL and the team knows it.",
			"The order database is MySQL 5.7, run like the legacy storefront's.",
			"The team can start at once. Superseded a year later by ADR 4.")}, supersededBy: 4},
	{daysAgo: 400, in: radar.DecisionInput{Title: "Use PostgreSQL for service databases", Status: radar.StatusAccepted,
		Deciders: []string{"Architecture board", "Victor Nguyen"}, Technologies: []string{"PostgreSQL", "MySQL"},
		Entities: []string{"resource:default/orders-db", "resource:default/product-catalog-db", "resource:default/payments-db"},
		Body: adrBody("We run both MySQL and PostgreSQL, with separate backup, upgrade and monitoring tooling. PostgreSQL's JSON support, transactional DDL and extensions have become things teams ask for.",
			"PostgreSQL is the database for services. The order database migrates from MySQL; other MySQL databases follow as their systems are rewritten.",
			"One engine for the platform team to run well. MySQL goes on hold on the radar; the legacy storefront keeps it until it is switched off.")}},
	{daysAgo: 600, in: radar.DecisionInput{Title: "Use RabbitMQ for asynchronous messaging", Status: radar.StatusSuperseded,
		Deciders: []string{"Order management team"}, Technologies: []string{"RabbitMQ"}, Entities: []string{"fulfillment-worker"},
		Body: adrBody("Order placement waits for fulfilment to accept the order, which makes checkout slow and fragile.",
			"Fulfilment jobs go through a RabbitMQ queue.",
			"Checkout no longer waits for fulfilment. Superseded by ADR 8 when we needed replayable events.")}, supersededBy: 8},
	{daysAgo: 680, in: radar.DecisionInput{Title: "Deploy services with Jenkins pipelines", Status: radar.StatusSuperseded,
		Deciders: []string{"Architecture board"}, Technologies: []string{"Jenkins"},
		Body: adrBody("Deployments are done by hand from laptops.", "Every service is built and deployed by a Jenkins pipeline defined in its repository.",
			"Deployments are repeatable. The Jenkins server becomes a shared bottleneck; superseded by ADR 9.")}, supersededBy: 9},
	{daysAgo: 560, in: radar.DecisionInput{Title: "Run services on Kubernetes", Status: radar.StatusAccepted,
		Deciders: []string{"Architecture board", "Victor Nguyen"}, Technologies: []string{"Kubernetes"}, Entities: []string{"edge-gateway"},
		Body: adrBody("Services run on hand-managed virtual machines; scaling for the sale season takes days of preparation.",
			"Services run on the managed Kubernetes clusters the platform team operates, one per region.",
			"Autoscaling for the sale season. Teams learn Kubernetes manifests; the platform team provides templates.")}},
	{daysAgo: 190, in: radar.DecisionInput{Title: "Use Kafka as the event bus", Status: radar.StatusAccepted,
		Deciders: []string{"Architecture board", "Victor Nguyen", "Amara Okafor"}, Technologies: []string{"Kafka", "RabbitMQ"},
		Entities: []string{"resource:default/event-bus", "order-service", "inventory-service", "clickstream-collector"},
		Body: adrBody("Search, analytics and fulfilment all need order and inventory events. RabbitMQ queues deliver each message once to one consumer, and a consumer that was down cannot replay what it missed.",
			"Kafka is the event bus. Producers own their topics and register their schemas; consumers read at their own pace and can replay.",
			"New consumers need no change from producers. RabbitMQ goes on hold; the fulfilment worker moves when it is next rewritten.")}},
	{daysAgo: 280, in: radar.DecisionInput{Title: "Build with GitHub Actions and deploy with Argo CD", Status: radar.StatusAccepted,
		Deciders: []string{"Architecture board", "Anika Sharma"}, Technologies: []string{"GitHub Actions", "Argo CD", "Jenkins"},
		Body: adrBody("The Jenkins server is a single point of failure, builds queue for up to 40 minutes at peak times, and deployment scripts differ in every repository.",
			"Repositories build with GitHub Actions using the shared workflows. Deployment is GitOps: Argo CD applies what the deploy repository says.",
			"Builds run in parallel without a queue. Jenkins goes on hold and is switched off once the last pipelines move.")}},
	{daysAgo: 305, in: radar.DecisionInput{Title: "Freeze the legacy PHP storefront", Status: radar.StatusAccepted,
		Deciders: []string{"Ingrid Castellanos", "Architecture board"}, Technologies: []string{"PHP", "jQuery", "MySQL"},
		Entities: []string{"legacy-storefront"},
		Body: adrBody("The legacy storefront serves only old campaign landing pages, but every change to it takes a week and breaks something.",
			"No new features in the legacy storefront. Only security fixes. Its remaining pages move to the Next.js storefront, and it is switched off when the last one has.",
			"PHP goes on hold. The storefront team plans the migration; until then the legacy storefront stays on the hold report.")}},
	{daysAgo: 260, in: radar.DecisionInput{Title: "Trunk-based development with feature flags", Status: radar.StatusAccepted,
		Deciders: []string{"Architecture board"}, Technologies: []string{"Trunk-based development", "Feature flags", "GitFlow"},
		Entities: []string{"feature-flag-service"},
		Body: adrBody("Long-lived branches make merges painful and releases big. Teams on GitFlow take three times as long from commit to production.",
			"Teams work on short-lived branches merged to main at least daily. Unfinished work ships behind a flag from the feature flag service.",
			"Smaller, more frequent releases. Flags need owners and end dates, or they pile up.")}},
	{daysAgo: 65, in: radar.DecisionInput{Title: "Move product search from Elasticsearch to OpenSearch", Status: radar.StatusAccepted,
		Deciders: []string{"Fatima Al-Sayed", "Architecture board"}, Technologies: []string{"Elasticsearch", "OpenSearch"},
		Entities: []string{"search-service", "search-indexer", "resource:default/product-search-index"},
		Body: adrBody("Elasticsearch's licence changed and our hosting contract ends in the spring. The search team ran an experiment with OpenSearch on a copy of the product index.",
			"Product search moves to OpenSearch. The indexer writes to both during the move; search switches when relevance tests pass.",
			"About 40% lower hosting cost. Elasticsearch goes on hold; the search service and indexer stay on the hold report until the switch.")}},
	{daysAgo: 365, in: radar.DecisionInput{Title: "Use GraphQL for the storefront BFF", Status: radar.StatusAccepted,
		Deciders: []string{"Frontend guild", "Amara Okafor"}, Technologies: []string{"GraphQL"}, Entities: []string{"storefront-bff"},
		Body: adrBody("The web shop and both apps call six services each, with different needs for the same data.",
			"The storefront BFF offers one GraphQL API to the web and the apps. Services behind it keep their gRPC APIs.",
			"Clients fetch what they need in one request. The BFF team owns the schema and its deprecations.")}},
	{daysAgo: 35, in: radar.DecisionInput{Title: "Adopt OpenTelemetry for tracing", Status: radar.StatusAccepted,
		Deciders: []string{"Victor Nguyen", "Architecture board"}, Technologies: []string{"OpenTelemetry"}, Entities: []string{"go-service-kit"},
		Body: adrBody("Incidents that cross services take long to diagnose: each service logs in its own way and nothing connects a request across them.",
			"All services send OpenTelemetry traces. The Go service kit does it for Go services; the payments team runs an experiment for the JVM services.",
			"One trace per request across services. Trace storage costs about 2% of the cloud bill at the current sampling rate.")}},
	{daysAgo: 125, in: radar.DecisionInput{Title: "Do not split the storefront into micro frontends", Status: radar.StatusRejected,
		Deciders: []string{"Frontend guild"}, Technologies: []string{"Micro frontends"}, Entities: []string{"storefront-web"},
		Body: adrBody("Proposed: split the storefront into independently deployed micro frontends per team.",
			"Rejected. One team owns the storefront; an experiment doubled the JavaScript shipped for a product page, and the release independence it buys is not needed at our size.",
			"Micro frontends go on hold. Revisit if a second team starts working on the storefront.")}},
}

// demoExperiment is an experiment and how far it has got.
type demoExperiment struct {
	in         radar.ExperimentInput
	startAgo   int
	endIn      int
	status     radar.ExperimentStatus
	conclusion radar.Conclusion
}

var demoExperiments = []demoExperiment{
	{in: radar.ExperimentInput{Hypothesis: "Temporal workflows can replace the fulfilment worker's hand-written retries with less code and no lost orders",
		Technology: "Temporal", Owner: "priya-raman", Team: "team-storefront",
		SuccessCriteria: "Fulfilment of a copy of production traffic for two weeks with no stuck orders; at least 30% less retry code."},
		startAgo: 30, endIn: 14, status: radar.ExperimentRunning},
	{in: radar.ExperimentInput{Hypothesis: "OpenTelemetry's Java agent traces checkout without code changes and without adding more than 5 ms at p95",
		Technology: "OpenTelemetry", Owner: "claire-dubois", Team: "team-payments",
		SuccessCriteria: "Traces from checkout and the payment gateway in staging and production; p95 latency increase under 5 ms."},
		startAgo: 70, endIn: -12, status: radar.ExperimentRunning},
	{in: radar.ExperimentInput{Hypothesis: "Assigning A/B variants in Cloudflare Workers saves a round trip on product pages",
		Technology: "Cloudflare Workers", Owner: "victor-nguyen", Team: "team-platform",
		SuccessCriteria: "Time to first byte of product pages 50 ms lower at p75 in the test region."},
		startAgo: 10, endIn: 35, status: radar.ExperimentRunning},
	{in: radar.ExperimentInput{Hypothesis: "dbt models reproduce the revenue report exactly and make its changes reviewable",
		Technology: "dbt", Owner: "nadia-petrova", Team: "team-data",
		SuccessCriteria: "Revenue figures identical to the current report for the last 12 months; every model tested."},
		startAgo: 20, endIn: 25, status: radar.ExperimentRunning},
	{in: radar.ExperimentInput{Hypothesis: "Sharing the basket rules in Kotlin Multiplatform removes the price differences between the iOS and Android apps",
		Technology: "Kotlin Multiplatform", Owner: "kenji-watanabe", Team: "team-mobile",
		SuccessCriteria: "Both apps use the shared module for basket totals; no price difference reports for a month; app size grows by less than 1 MB."},
		startAgo: 110, endIn: -20, status: radar.ExperimentConcluded,
		conclusion: radar.Conclusion{Outcome: "Both apps computed basket totals with the shared module for six weeks; no difference reports, and the iOS app grew by 0.6 MB.",
			Learned: "The build for iOS needs care: the platform team should own the Gradle setup. Debugging shared code from Xcode is still awkward.", ProposedRing: "Trial"}},
	{in: radar.ExperimentInput{Hypothesis: "Rebuilding the discount code screens with htmx is faster than with React",
		Technology: "htmx", Owner: "grace-kim", Team: "team-internal-tools",
		SuccessCriteria: "The discount code list and editor rebuilt in under two weeks, with no JavaScript build step."},
		startAgo: -7, endIn: 30, status: radar.ExperimentPlanned},
	{in: radar.ExperimentInput{Hypothesis: "Splitting checkout into its own micro frontend lets it ship independently without slowing the storefront",
		Technology: "Micro frontends", Owner: "amara-okafor", Team: "team-storefront",
		SuccessCriteria: "Checkout deployed on its own; product page JavaScript grows by less than 10%."},
		startAgo: 170, endIn: -130, status: radar.ExperimentAbandoned,
		conclusion: radar.Conclusion{Outcome: "Stopped after three weeks: the product page shipped twice the JavaScript, because shared libraries were loaded twice.",
			Learned: "At one team per storefront the independence is not worth the cost. See ADR 15."}},
	{in: radar.ExperimentInput{Hypothesis: "OpenSearch matches Elasticsearch's relevance on our product index at lower cost",
		Technology: "OpenSearch", Owner: "fatima-al-sayed", Team: "team-search",
		SuccessCriteria: "Relevance tests within 1% of Elasticsearch; hosting at least 25% cheaper."},
		startAgo: 140, endIn: -70, status: radar.ExperimentConcluded,
		conclusion: radar.Conclusion{Outcome: "Relevance tests within 0.4%; hosting 40% cheaper. The board moved OpenSearch to Trial (ADR 12).",
			Learned: "The analysis plugins differ slightly: German compound words need the decompounder configured."}},
}

// LoadRadar gives the demo company its technology radar: technologies with
// a year of ring decisions, decision records, experiments and the
// technologies each component uses. It loads once: a radar with
// technologies is left alone.
func LoadRadar(ctx context.Context, d *db.DB, now time.Time) error {
	s := radar.NewStore(d, catalog.NewStore(d))
	have, err := s.Technologies(ctx, radar.TechnologyQuery{})
	if err != nil {
		return err
	}
	if len(have) > 0 {
		return nil
	}
	today := radar.Day(now)
	day := func(daysAgo int) time.Time { return today.AddDate(0, 0, -daysAgo).Add(10 * time.Hour) }
	// Technologies first, so that decisions can link to them; then the
	// decisions, so that later ring changes can cite them.
	for _, t := range demoTechs {
		first := t.moves[0]
		in := radar.TechnologyInput{Name: t.name, Quadrant: t.quadrant, Ring: first.ring, Description: t.description, Tags: t.tags,
			Owner: t.owner, Reason: first.why, DecidedAt: day(first.daysAgo)}
		if t.owner == "team-legacy" {
			in.Owner = "" // a group the demo catalog lacks on purpose
		}
		if t.link != "" {
			in.Links = []radar.Link{{URL: t.link, Title: t.name + " website"}}
		}
		// The first decision is made by the actor: the forum that decided.
		if _, err := s.CreateTechnology(audit.WithActor(ctx, audit.Actor{Name: first.by}), in); err != nil {
			return fmt.Errorf("demo technology %s: %w", t.name, err)
		}
	}
	for i, dd := range demoDecisions {
		in := dd.in
		in.Number, in.Date = i+1, day(dd.daysAgo)
		if in.Status == radar.StatusSuperseded {
			in.Status = radar.StatusAccepted // superseded once the replacement exists
		}
		if _, err := s.CreateDecision(ctx, in); err != nil {
			return fmt.Errorf("demo decision %d: %w", i+1, err)
		}
	}
	for i, dd := range demoDecisions {
		if dd.supersededBy == 0 {
			continue
		}
		in := dd.in
		in.Number, in.Date, in.SupersededBy = i+1, day(dd.daysAgo), dd.supersededBy
		if _, err := s.UpdateDecision(ctx, i+1, in); err != nil {
			return fmt.Errorf("demo decision %d: %w", i+1, err)
		}
	}
	for _, t := range demoTechs {
		for _, m := range t.moves[1:] {
			in := radar.RingChangeInput{Ring: m.ring, DecidedAt: day(m.daysAgo), DecidedBy: m.by, Reason: m.why, Decision: m.decision}
			if m.review != 0 {
				review := today.AddDate(0, 0, m.review)
				in.ReviewAt = &review
			}
			if _, err := s.ChangeRing(ctx, t.name, in); err != nil {
				return fmt.Errorf("demo ring change of %s: %w", t.name, err)
			}
		}
	}
	if _, err := s.SyncUsageFromCatalog(ctx); err != nil {
		return fmt.Errorf("demo usage: %w", err)
	}
	for entity, names := range demoUsage {
		uses, err := s.ComponentTechnologies(ctx, entity)
		if err != nil {
			return err
		}
		for _, u := range uses {
			if u.Source == radar.SourceManual {
				names = append(names, u.Technology)
			}
		}
		if _, err := s.SetComponentTechnologies(ctx, radar.ComponentTechnologiesInput{Component: entity, Technologies: names}); err != nil {
			return fmt.Errorf("demo usage of %s: %w", entity, err)
		}
	}
	for _, x := range demoExperiments {
		in := x.in
		in.Start, in.End = today.AddDate(0, 0, -x.startAgo), today.AddDate(0, 0, x.endIn)
		e, err := s.CreateExperiment(ctx, in)
		if err != nil {
			return fmt.Errorf("demo experiment %q: %w", in.Hypothesis, err)
		}
		if x.status == radar.ExperimentPlanned {
			continue
		}
		if x.status != radar.ExperimentAbandoned || x.startAgo > 0 {
			if _, err := s.StartExperiment(ctx, e.ID); err != nil {
				return err
			}
		}
		switch x.status {
		case radar.ExperimentConcluded:
			_, err = s.ConcludeExperiment(ctx, e.ID, x.conclusion)
		case radar.ExperimentAbandoned:
			_, err = s.AbandonExperiment(ctx, e.ID, x.conclusion)
		}
		if err != nil {
			return fmt.Errorf("demo experiment %q: %w", in.Hypothesis, err)
		}
	}
	return nil
}

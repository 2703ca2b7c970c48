package catalog

import "strings"

// Shape is the JSON shape a spec field must have.
type Shape int

// The shapes spec fields take.
const (
	Text   Shape = iota // a string
	List                // a list of strings
	Object              // a mapping, kept as it is
)

// SpecField describes one field of a kind's spec: its shape, whether it is
// required, and for references the default kind and the relation it makes.
type SpecField struct {
	Name     string
	Shape    Shape
	Required bool
	// RefKind is the kind assumed for a reference without one; empty for
	// fields that are not references.
	RefKind string
	// Relation is the relation from this entity to the target; Inverse the
	// one stored from the target back to it.
	Relation, Inverse string
	// Placeholder allows, instead of a string, Backstage's substitution
	// mapping {$text|$json|$yaml: target}, kept as written: Chief never
	// fetches the target.
	Placeholder bool
	// Help is shown beside the field in forms.
	Help string
}

// Ref reports whether the field holds entity references.
func (f SpecField) Ref() bool { return f.Relation != "" }

// KindDef is a catalog kind and its spec fields.
type KindDef struct {
	Name   string
	Plural string
	Fields []SpecField
	// About is a one-line description for pages.
	About string
}

// Field returns the named field, if the kind has it.
func (k KindDef) Field(name string) (SpecField, bool) {
	for _, f := range k.Fields {
		if f.Name == name {
			return f, true
		}
	}
	return SpecField{}, false
}

// Relation types, as Backstage names them.
const (
	RelOwnedBy       = "ownedBy"
	RelOwnerOf       = "ownerOf"
	RelPartOf        = "partOf"
	RelHasPart       = "hasPart"
	RelProvidesAPI   = "providesApi"
	RelAPIProvidedBy = "apiProvidedBy"
	RelConsumesAPI   = "consumesApi"
	RelAPIConsumedBy = "apiConsumedBy"
	RelDependsOn     = "dependsOn"
	RelDependencyOf  = "dependencyOf"
	RelChildOf       = "childOf"
	RelParentOf      = "parentOf"
	RelMemberOf      = "memberOf"
	RelHasMember     = "hasMember"
)

var (
	ownerField = SpecField{Name: "owner", Shape: Text, Required: true, RefKind: "Group", Relation: RelOwnedBy, Inverse: RelOwnerOf,
		Help: "The team (or user:name) that owns it."}
	systemField = SpecField{Name: "system", Shape: Text, RefKind: "System", Relation: RelPartOf, Inverse: RelHasPart,
		Help: "The system it belongs to."}
	dependsOnField = SpecField{Name: "dependsOn", Shape: List, RefKind: "Component", Relation: RelDependsOn, Inverse: RelDependencyOf,
		Help: "What it needs to run, e.g. resource:orders-db; one per line."}
	dependencyOfField = SpecField{Name: "dependencyOf", Shape: List, RefKind: "Component", Relation: RelDependencyOf, Inverse: RelDependsOn,
		Help: "What needs it to run; one per line."}
	lifecycleField = SpecField{Name: "lifecycle", Shape: Text, Required: true, Help: "experimental, production or deprecated."}
)

// Kinds lists the catalog kinds in the order pages show them.
var Kinds = []KindDef{
	{Name: "Domain", Plural: "Domains", About: "A business area grouping related systems.", Fields: []SpecField{
		ownerField,
		{Name: "subdomainOf", Shape: Text, RefKind: "Domain", Relation: RelPartOf, Inverse: RelHasPart, Help: "The parent domain."},
		{Name: "type", Shape: Text, Help: "Optional, e.g. product-area."},
	}},
	{Name: "System", Plural: "Systems", About: "A set of components and resources that work together.", Fields: []SpecField{
		ownerField,
		{Name: "domain", Shape: Text, RefKind: "Domain", Relation: RelPartOf, Inverse: RelHasPart, Help: "The domain it belongs to."},
		{Name: "type", Shape: Text, Help: "Optional, e.g. product."},
	}},
	{Name: "Component", Plural: "Components", About: "A piece of software: a service, website, library or pipeline.", Fields: []SpecField{
		{Name: "type", Shape: Text, Required: true, Help: "service, website, library, ..."},
		lifecycleField,
		ownerField,
		systemField,
		{Name: "subcomponentOf", Shape: Text, RefKind: "Component", Relation: RelPartOf, Inverse: RelHasPart, Help: "The component it is part of."},
		{Name: "providesApis", Shape: List, RefKind: "API", Relation: RelProvidesAPI, Inverse: RelAPIProvidedBy, Help: "APIs it serves; one per line."},
		{Name: "consumesApis", Shape: List, RefKind: "API", Relation: RelConsumesAPI, Inverse: RelAPIConsumedBy, Help: "APIs it calls; one per line."},
		dependsOnField,
		dependencyOfField,
	}},
	{Name: "API", Plural: "APIs", About: "An interface a component offers: OpenAPI, gRPC, AsyncAPI, GraphQL.", Fields: []SpecField{
		{Name: "type", Shape: Text, Required: true, Help: "openapi, grpc, asyncapi, graphql, ..."},
		lifecycleField,
		ownerField,
		systemField,
		{Name: "definition", Shape: Text, Required: true, Placeholder: true, Help: "The API definition itself."},
	}},
	{Name: "Resource", Plural: "Resources", About: "Infrastructure a component needs: databases, buckets, queues.", Fields: []SpecField{
		{Name: "type", Shape: Text, Required: true, Help: "database, s3-bucket, queue, ..."},
		ownerField,
		systemField,
		dependsOnField,
		dependencyOfField,
	}},
	{Name: "Group", Plural: "Groups", About: "A team or other organisational unit.", Fields: []SpecField{
		{Name: "type", Shape: Text, Required: true, Help: "team, department, organization, ..."},
		{Name: "profile", Shape: Object, Help: "displayName, email, picture."},
		{Name: "parent", Shape: Text, RefKind: "Group", Relation: RelChildOf, Inverse: RelParentOf, Help: "The group above it."},
		{Name: "children", Shape: List, Required: true, RefKind: "Group", Relation: RelParentOf, Inverse: RelChildOf, Help: "Groups below it; one per line."},
		{Name: "members", Shape: List, RefKind: "User", Relation: RelHasMember, Inverse: RelMemberOf, Help: "Users in it; one per line."},
	}},
	{Name: "User", Plural: "Users", About: "A person.", Fields: []SpecField{
		{Name: "profile", Shape: Object, Help: "displayName, email, picture."},
		{Name: "memberOf", Shape: List, Required: true, RefKind: "Group", Relation: RelMemberOf, Inverse: RelHasMember, Help: "Groups the person belongs to; one per line."},
	}},
	{Name: "Location", Plural: "Locations", About: "Where other descriptor files are found.", Fields: []SpecField{
		{Name: "type", Shape: Text, Help: "url or file."},
		{Name: "target", Shape: Text, Help: "One file, relative to this one."},
		{Name: "targets", Shape: List, Help: "Files, relative to this one."},
		{Name: "presence", Shape: Text, Help: "required or optional."},
	}},
}

// KindByName returns a kind's definition, matching the name without regard
// to case.
func KindByName(name string) (KindDef, bool) {
	for _, k := range Kinds {
		if strings.EqualFold(k.Name, name) {
			return k, true
		}
	}
	return KindDef{}, false
}

func canonicalKind(name string) (string, bool) {
	k, ok := KindByName(name)
	return k.Name, ok
}

// mustKind returns the definition of a kind known to be valid.
func mustKind(name string) KindDef {
	k, ok := KindByName(name)
	if !ok {
		panic("unknown kind " + name)
	}
	return k
}

// inverses maps each relation type to the type of the other direction.
var inverses = func() map[string]string {
	m := map[string]string{}
	for _, k := range Kinds {
		for _, f := range k.Fields {
			if f.Ref() {
				m[f.Relation], m[f.Inverse] = f.Inverse, f.Relation
			}
		}
	}
	return m
}()

// Inverse returns the relation type that reads the other way, e.g.
// dependencyOf for dependsOn.
func Inverse(relType string) string { return inverses[relType] }

package web

import (
	"fmt"
	"hash/fnv"
	"html/template"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"

	"github.com/chief-hq/chief/internal/radar"
)

// The radar is drawn here as SVG on the server, like the other charts: four
// quadrants, the rings as concentric circles with their names, and one
// numbered, linked blip per technology. A blip's place comes from a hash of
// its technology's slug, so the same radar draws the same way every time
// and a blip stays put while others come and go; blips that would overlap
// try other places from the same hash.

// Drawing sizes, in SVG units.
const (
	radarRadius = 300.0
	// radarMargin leaves room outside the circle for the quadrant names.
	radarMargin = 26.0
	radarBlipR  = 11.0
	// radarGap is the least space between two blips.
	radarGap = 6.0
)

// radarBlip is a blip as drawn and listed in the legend.
type radarBlip struct {
	radar.Blip
	// N is the blip's number on the radar and in the legend.
	N     int
	X, Y  float64
	Color string
	URL   string
	// Title describes the blip in words, for hover and screen readers.
	Title string
}

// radarLegend is one quadrant's legend: its blips by ring.
type radarLegend struct {
	Index int
	Name  string
	Count int
	Rings []radarLegendRing
}

// radarLegendRing is one ring of a quadrant's legend.
type radarLegendRing struct {
	Index int
	Name  string
	Blips []radarBlip
}

// radarDrawing is the radar's SVG with the legends that go beside it.
type radarDrawing struct {
	SVG     template.HTML
	Legends []radarLegend
	Blips   []radarBlip
}

// radarQuadrantSigns places quadrants in reading order: 0 top left, 1 top
// right, 2 bottom left, 3 bottom right, so that the legends beside the
// radar sit next to their quadrants.
var radarQuadrantSigns = [4][2]float64{{-1, -1}, {1, -1}, {-1, 1}, {1, 1}}

// radarRingRadii gives each ring's outer radius from the most blips any
// quadrant has in it (crowd), counted in fives. Half of each radius follows the usual look of
// a radar, the innermost ring a little wider and the others equal; the
// other half gives each ring an area in proportion to its crowd, so that a
// ring of many technologies (most often the innermost, in the least space)
// has room for them. Every ring stays wide enough for a row of blips.
func radarRingRadii(crowd []int) []float64 {
	n := len(crowd)
	out := make([]float64, n)
	if n == 0 {
		return out
	}
	if n == 1 {
		out[0] = radarRadius
		return out
	}
	total := 0.0
	weights := make([]float64, n)
	for i, c := range crowd {
		// Counted in fives, so that a technology more or less does not
		// move every blip.
		weights[i] = float64((c+4)/5*5 + 5)
		total += weights[i]
	}
	first := radarRadius * 0.4
	step := (radarRadius - first) / float64(n-1)
	cum := 0.0
	for i := range out {
		cum += weights[i]
		usual := first + step*float64(i)
		out[i] = (usual + radarRadius*math.Sqrt(cum/total)) / 2
	}
	out[n-1] = radarRadius
	least := 2*radarBlipR + 10
	for i := n - 1; i > 0; i-- {
		out[i-1] = min(out[i-1], out[i]-least)
	}
	return out
}

// drawRadar lays out and draws a snapshot. Blips are numbered in the
// snapshot's order: by quadrant, ring and name.
func drawRadar(snap radar.Snapshot) radarDrawing {
	var d radarDrawing
	crowd := make([]int, len(snap.Rings))
	per := map[[2]int]int{}
	for _, b := range snap.Blips {
		k := [2]int{b.Quadrant, b.Ring}
		per[k]++
		if b.Ring >= 0 && b.Ring < len(crowd) {
			crowd[b.Ring] = max(crowd[b.Ring], per[k])
		}
	}
	radii := radarRingRadii(crowd)
	for qi, q := range snap.Quadrants {
		l := radarLegend{Index: qi, Name: q.Name}
		for gi, g := range snap.Rings {
			l.Rings = append(l.Rings, radarLegendRing{Index: gi, Name: g.Name})
		}
		d.Legends = append(d.Legends, l)
	}
	labels := radarLabelBoxes(snap.Rings, radii)
	var placed []radarBlip
	for i, b := range snap.Blips {
		rb := radarBlip{Blip: b, N: i + 1, URL: radarTechURL(b.Name), Color: "#888888"}
		if b.Ring >= 0 && b.Ring < len(snap.Rings) {
			rb.Color = snap.Rings[b.Ring].Color
		}
		if b.Quadrant >= 0 && b.Quadrant < 4 && b.Ring >= 0 && b.Ring < len(radii) {
			rb.X, rb.Y = radarPlace(b, radii, labels, placed)
		}
		rb.Title = radarBlipTitle(rb, snap)
		placed = append(placed, rb)
		if b.Quadrant >= 0 && b.Quadrant < len(d.Legends) && b.Ring >= 0 && b.Ring < len(snap.Rings) {
			l := &d.Legends[b.Quadrant]
			l.Count++
			l.Rings[b.Ring].Blips = append(l.Rings[b.Ring].Blips, rb)
		}
	}
	d.Blips = placed
	d.SVG = radarSVG(snap, radii, placed, d.Legends)
	return d
}

// radarBox is a rectangle blips keep out of: a ring's name.
type radarBox struct{ x0, y0, x1, y1 float64 }

// radarLabelBoxes are where the ring names go: on the vertical axis, above
// and below the centre, in the middle of each ring.
func radarLabelBoxes(rings []radar.Ring, radii []float64) []radarBox {
	var out []radarBox
	for i, g := range rings {
		if i >= len(radii) {
			break
		}
		inner := 0.0
		if i > 0 {
			inner = radii[i-1]
		}
		mid := (inner + radii[i]) / 2
		half := float64(len([]rune(g.Name)))*4.6 + 6
		for _, sign := range []float64{-1, 1} {
			y := sign * mid
			out = append(out, radarBox{-half, y - 9, half, y + 9})
		}
	}
	return out
}

// radarPlace finds a place for b in its quadrant and ring: tries places
// drawn from a generator seeded by the slug until one is clear of the axes,
// the ring names and the blips placed before, keeping the clearest one
// when none is.
func radarPlace(b radar.Blip, radii []float64, labels []radarBox, placed []radarBlip) (float64, float64) {
	h := fnv.New64a()
	h.Write([]byte(b.Slug))
	seed := h.Sum64()
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	inner := 0.0
	if b.Ring > 0 {
		inner = radii[b.Ring-1]
	}
	rMin, rMax := inner+radarBlipR+2, radii[b.Ring]-radarBlipR-2
	if rMax < rMin {
		rMin, rMax = (inner+radii[b.Ring])/2, (inner+radii[b.Ring])/2
	}
	sx, sy := radarQuadrantSigns[b.Quadrant][0], radarQuadrantSigns[b.Quadrant][1]
	edge := radarBlipR + 3
	bestX, bestY, best := sx*(rMin+rMax)/2*math.Sqrt2/2, sy*(rMin+rMax)/2*math.Sqrt2/2, -1.0
	for try := 0; try < 400; try++ {
		// Equal chances per area: the square root spreads blips evenly
		// rather than crowding the inner edge.
		r := math.Sqrt(rMin*rMin + rng.Float64()*(rMax*rMax-rMin*rMin))
		a := rng.Float64() * math.Pi / 2
		x, y := sx*r*math.Cos(a), sy*r*math.Sin(a)
		if math.Abs(x) < edge || math.Abs(y) < edge {
			continue
		}
		clear := true
		for _, l := range labels {
			if x > l.x0-radarBlipR && x < l.x1+radarBlipR && y > l.y0-radarBlipR && y < l.y1+radarBlipR {
				clear = false
				break
			}
		}
		if !clear {
			continue
		}
		nearest := math.Inf(1)
		for _, p := range placed {
			if p.Quadrant != b.Quadrant {
				continue
			}
			nearest = min(nearest, math.Hypot(p.X-x, p.Y-y))
		}
		if nearest >= 2*radarBlipR+radarGap {
			return x, y
		}
		if nearest > best {
			bestX, bestY, best = x, y, nearest
		}
	}
	return bestX, bestY
}

// radarBlipTitle says in words what a blip shows.
func radarBlipTitle(b radarBlip, snap radar.Snapshot) string {
	var parts []string
	parts = append(parts, fmt.Sprintf("%d. %s", b.N, b.Name))
	where := b.RingName
	if b.QuadrantName != "" {
		where += " · " + b.QuadrantName
	}
	parts = append(parts, where)
	if m := radarMarkerText(b.Marker); m != "" && !snap.Since.IsZero() {
		parts = append(parts, m+" since "+snap.Since.Format(radarDayLayout))
	}
	parts = append(parts, relPlural(b.Users, "user", "users"))
	return strings.Join(parts, " — ")
}

// radarTextColor picks dark or light text for a background colour.
func radarTextColor(hex string) string {
	if len(hex) != 7 || hex[0] != '#' {
		return "#ffffff"
	}
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil {
		return "#ffffff"
	}
	r, g, b := float64(v>>16&0xff)/255, float64(v>>8&0xff)/255, float64(v&0xff)/255
	if 0.2126*r+0.7152*g+0.0722*b > 0.55 {
		return "#1f2328"
	}
	return "#ffffff"
}

// radarSVG draws the radar.
func radarSVG(snap radar.Snapshot, radii []float64, blips []radarBlip, legends []radarLegend) template.HTML {
	ext := radarRadius + radarMargin
	label := fmt.Sprintf("%s as of %s: %s", snap.Title, snap.At.Format(radarDayLayout), relPlural(len(blips), "technology", "technologies"))
	var b strings.Builder
	fmt.Fprintf(&b, `<svg class="radar-svg" xmlns="http://www.w3.org/2000/svg" viewBox="%s %s %s %s" role="group" aria-label="%s">`,
		chartNum(-ext), chartNum(-ext), chartNum(2*ext), chartNum(2*ext), chartEsc(label))
	fmt.Fprintf(&b, `<title>%s</title>`, chartEsc(label))
	b.WriteString(`<g class="radar-grid" aria-hidden="true">`)
	for i := len(radii) - 1; i >= 0; i-- {
		cls := "radar-band"
		if i%2 == 1 {
			cls += " radar-band-alt"
		}
		fmt.Fprintf(&b, `<circle class="%s" cx="0" cy="0" r="%s"/>`, cls, chartNum(radii[i]))
	}
	fmt.Fprintf(&b, `<line class="radar-axis" x1="%s" y1="0" x2="%s" y2="0"/><line class="radar-axis" x1="0" y1="%s" x2="0" y2="%s"/>`,
		chartNum(-radarRadius), chartNum(radarRadius), chartNum(-radarRadius), chartNum(radarRadius))
	for i, g := range snap.Rings {
		if i >= len(radii) {
			break
		}
		inner := 0.0
		if i > 0 {
			inner = radii[i-1]
		}
		mid := (inner + radii[i]) / 2
		for _, sign := range []float64{-1, 1} {
			fmt.Fprintf(&b, `<text class="radar-ring-label" x="0" y="%s" fill="%s">%s</text>`,
				chartNum(sign*mid+4), chartEsc(g.Color), chartEsc(strings.ToUpper(g.Name)))
		}
	}
	for qi, l := range legends {
		if qi >= 4 {
			break
		}
		sx, sy := radarQuadrantSigns[qi][0], radarQuadrantSigns[qi][1]
		x, y := sx*(ext-2), -ext+14
		if sy > 0 {
			y = ext - 4
		}
		anchor := "start"
		if sx > 0 {
			anchor = "end"
		}
		fmt.Fprintf(&b, `<text class="radar-quadrant-label" x="%s" y="%s" text-anchor="%s">%s <tspan class="radar-quadrant-count">(%d)</tspan></text>`,
			chartNum(x), chartNum(y), anchor, chartEsc(l.Name), l.Count)
	}
	b.WriteString(`</g>`)
	b.WriteString(`<g class="radar-blips">`)
	for _, bl := range blips {
		fmt.Fprintf(&b, `<a href="%s" class="radar-blip" id="blip-%d" data-slug="%s" aria-label="%s"><title>%s</title>`,
			chartEsc(bl.URL), bl.N, chartEsc(bl.Slug), chartEsc(bl.Title), chartEsc(bl.Title))
		b.WriteString(radarBlipShape(bl.X, bl.Y, bl.Marker, bl.Color))
		size := 10.5
		if bl.N >= 100 {
			size = 8.5
		}
		fmt.Fprintf(&b, `<text class="radar-num" x="%s" y="%s" font-size="%s" fill="%s">%d</text></a>`,
			chartNum(bl.X), chartNum(bl.Y+size*0.35), chartNum(size), radarTextColor(bl.Color), bl.N)
	}
	b.WriteString(`</g></svg>`)
	return template.HTML(b.String())
}

// radarBlipShape draws a blip's dot and its marker: a ring around a new
// one, and a half-circle on the side towards the centre for one moved in,
// on the side away from it for one moved out.
func radarBlipShape(x, y float64, m radar.Marker, color string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `<circle class="radar-dot" cx="%s" cy="%s" r="%s" fill="%s"/>`, chartNum(x), chartNum(y), chartNum(radarBlipR), chartEsc(color))
	outer := radarBlipR + 3.5
	switch m {
	case radar.MarkerNew:
		fmt.Fprintf(&b, `<circle class="radar-mark" cx="%s" cy="%s" r="%s" stroke="%s"/>`, chartNum(x), chartNum(y), chartNum(outer), chartEsc(color))
	case radar.MarkerIn, radar.MarkerOut:
		d := math.Hypot(x, y)
		ux, uy := 1.0, 0.0
		if d > 0 {
			ux, uy = -x/d, -y/d // towards the centre
		}
		if m == radar.MarkerOut {
			ux, uy = -ux, -uy
		}
		b.WriteString(radarArc(x, y, outer, ux, uy, color))
	}
	return b.String()
}

// radarArc is the half-circle of radius rr around (x, y) whose middle
// points along (ux, uy).
func radarArc(x, y, rr, ux, uy float64, color string) string {
	px, py := -uy, ux
	x1, y1 := x+rr*px, y+rr*py
	x2, y2 := x-rr*px, y-rr*py
	return fmt.Sprintf(`<path class="radar-mark" d="M%s %s A%s %s 0 0 0 %s %s" stroke="%s"/>`,
		chartNum(x1), chartNum(y1), chartNum(rr), chartNum(rr), chartNum(x2), chartNum(y2), chartEsc(color))
}

// radarMarkerIcon draws a marker on its own for the legend, with the
// centre of the radar taken to be to the right. Its colours come from the
// stylesheet.
func radarMarkerIcon(m radar.Marker) template.HTML {
	var b strings.Builder
	b.WriteString(`<svg class="radar-icon" viewBox="-13 -13 26 26" aria-hidden="true"><circle class="radar-dot" cx="0" cy="0" r="7"/>`)
	switch m {
	case radar.MarkerNew:
		b.WriteString(`<circle class="radar-mark" cx="0" cy="0" r="10.5"/>`)
	case radar.MarkerIn:
		b.WriteString(strings.Replace(radarArc(0, 0, 10.5, 1, 0, ""), ` stroke=""`, "", 1))
	case radar.MarkerOut:
		b.WriteString(strings.Replace(radarArc(0, 0, 10.5, -1, 0, ""), ` stroke=""`, "", 1))
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Package demo generates landplan's demo data: a realistic (invented)
// industrial area in Linhai — parcels on a street grid with codes, owners,
// land uses, land sources, leases and statuses, building footprints with
// floors, heights and uses, and a few natural joint-redevelopment cases with
// leftover pieces (夹心地、边角地) between inefficient neighbours, some saved
// as zones. Everything is generated deterministically by this code (no
// outside data, so no licence to state); Seed puts it into any store.
package demo

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"landplan/parcels"
)

// Actor is the history's actor for seeded rows.
const Actor = "demo"

// Data is the generated demo area.
type Data struct {
	Parcels   []*parcels.Parcel
	Buildings []*parcels.Building
	// Cases are the joint-redevelopment cases; those with a Zone are saved.
	Cases []Case
}

// Case is a natural joint-redevelopment case: neighbouring inefficient
// parcels and the leftover pieces between them.
type Case struct {
	Name    string
	Town    string
	Members []int // indexes into Data.Parcels
	Pieces  []parcels.Piece
	// Zone is the saved zone (Seed fills in Members), nil when the case has
	// not been drawn as a zone yet.
	Zone *parcels.Zone
}

// Seed writes the demo area into s with the batch creates (parcels, then
// buildings, then zones) unless s already has parcels, in which case it
// does nothing.
func Seed(ctx context.Context, s parcels.Store) error {
	page, err := s.ListParcels(ctx, parcels.Query{Limit: 1})
	if err != nil {
		return fmt.Errorf("demo: is the store empty? %w", err)
	}
	if page.NumberMatched > 0 {
		return nil
	}
	d := Generate()
	ps, err := s.CreateParcels(ctx, d.Parcels, Actor)
	if err != nil {
		return fmt.Errorf("demo: parcels: %w", err)
	}
	if _, err := s.CreateBuildings(ctx, d.Buildings, Actor); err != nil {
		return fmt.Errorf("demo: buildings: %w", err)
	}
	for _, c := range d.Cases {
		if c.Zone == nil {
			continue
		}
		z := *c.Zone
		z.Members = nil
		for _, i := range c.Members {
			z.Members = append(z.Members, ps[i].ID)
		}
		if _, err := s.CreateZone(ctx, &z, Actor); err != nil {
			return fmt.Errorf("demo: zone %s: %w", z.Name, err)
		}
	}
	return nil
}

// Generate returns the demo area; every call returns the same data.
func Generate() Data {
	rng := rand.New(rand.NewPCG(20261127, 331082))
	lots, cases := plan(rng)

	// Every corner of every lot and piece, per district, for T-junctions.
	corners := map[int][][2]float64{}
	addCorners := func(di int, r rect) {
		corners[di] = append(corners[di], [2]float64{r.x0, r.y0}, [2]float64{r.x1, r.y0}, [2]float64{r.x1, r.y1}, [2]float64{r.x0, r.y1})
	}
	for _, l := range lots {
		addCorners(l.block.district, l.r)
	}
	caseOf := map[int]int{}
	for ci, c := range cases {
		for _, m := range c.members {
			caseOf[m] = ci + 1
			lots[m].inefficient = true
		}
		for _, p := range c.pieces {
			addCorners(lots[c.members[0]].block.district, p.r)
		}
	}

	var d Data
	owners := map[string]bool{}
	for i, l := range lots {
		di := l.block.district
		g := districts[di].lonLat(withTJunctions(l.r, corners[di]))
		p := parcelFor(rng, l, g, owners)
		if caseOf[i] == 0 && p.Status == parcels.StatusInefficient {
			lots[i].inefficient = true
		}
		d.Parcels = append(d.Parcels, p)
		d.Buildings = append(d.Buildings, buildingsFor(rng, lots[i], p)...)
	}
	for ci, c := range cases {
		di := lots[c.members[0]].block.district
		town := towns[lots[c.members[0]].block.town].name
		first := d.Parcels[c.members[0]].Name
		out := Case{Name: fmt.Sprintf("%s等%d宗联合改造片区", strings.TrimSuffix(first, "地块"), len(c.members)),
			Town: town, Members: c.members}
		for pi, p := range c.pieces {
			out.Pieces = append(out.Pieces, parcels.Piece{
				ID:       fmt.Sprintf("P%d-%d", ci+1, pi+1),
				Name:     fmt.Sprintf("%s（%.1f亩）", p.kind, p.r.area()/m2PerMu),
				Geometry: districts[di].lonLat(withTJunctions(p.r, corners[di])),
			})
		}
		if c.saved {
			status := parcels.ZoneDraft
			if ci%2 == 1 {
				status = parcels.ZoneSubmitted
			}
			out.Zone = &parcels.Zone{
				Name: out.Name, Status: status, Pieces: out.Pieces,
				Note:  fmt.Sprintf("%d 宗低效工业用地联合改造，纳入%s %d 块（第十七条）", len(c.members), c.pieces[0].kind, len(c.pieces)),
				Attrs: map[string]any{"town": town},
			}
		}
		d.Cases = append(d.Cases, out)
	}
	return d
}

// lonLat places a local ring of district d in Linhai's Gauss–Krüger plane
// (rotated about the district's corner) and unprojects it.
func (d district) lonLat(ring [][2]float64) orb.MultiPolygon {
	z := parcels.LinhaiZone
	n0, e0 := z.Forward(d.lon, d.lat)
	s, c := math.Sincos(d.angle * math.Pi / 180)
	pr := make(orb.Ring, len(ring))
	for i, p := range ring {
		pr[i] = orb.Point{e0 + p[0]*c - p[1]*s, n0 + p[0]*s + p[1]*c}
	}
	return z.Unproject(orb.MultiPolygon{{pr}})
}

// parcelFor makes the parcel of a lot: code, owner, land use, source,
// lease and status.
func parcelFor(rng *rand.Rand, l lotPlan, g orb.MultiPolygon, owners map[string]bool) *parcels.Parcel {
	town := towns[l.block.town]
	p := &parcels.Parcel{Town: town.name, Geometry: g, LandUse: "0601", LandSource: parcels.SourceTransferred, Status: parcels.StatusInUse}
	switch u := rng.Float64(); {
	case u < 0.08:
		p.LandUse = "0508" // 物流仓储
	case u < 0.11:
		p.LandUse = "0602" // 采矿 (quarry-side plants)
	}
	switch u := rng.Float64(); {
	case u < 0.10:
		p.LandSource = parcels.SourceAllocated
	case u < 0.18:
		p.LandSource = parcels.SourceCollective
	}
	ownership := "GB" // state land, construction use right (宗地特征码 B)
	if p.LandSource == parcels.SourceCollective {
		ownership = "JB" // collective land, construction use right
	}
	p.Code = fmt.Sprintf("331082%03d%03d%s%05d", town.cadastral, l.blockNo, ownership, l.seq)

	ind := industries[rng.IntN(len(industries))]
	var owner, brand string
	for {
		brand = string([]rune{brandChars[rng.IntN(len(brandChars))], brandChars[rng.IntN(len(brandChars))]})
		if []rune(brand)[0] == []rune(brand)[1] {
			continue
		}
		if p.LandUse == "0508" {
			owner = "临海市" + brand + logisticsForms[rng.IntN(len(logisticsForms))]
		} else {
			owner = "临海市" + brand + ind.name + companyForms[rng.IntN(len(companyForms))]
		}
		if !owners[owner] {
			break
		}
	}
	owners[owner] = true
	p.Owner = owner
	if p.LandUse == "0508" {
		p.Name = fmt.Sprintf("%s%d-%d号物流地块", town.name, l.blockNo, l.seq)
		p.Attrs = map[string]any{"industry": "物流仓储"}
	} else {
		p.Name = fmt.Sprintf("%s%d-%d号%s地块", town.name, l.blockNo, l.seq, ind.short)
		p.Attrs = map[string]any{"industry": ind.name}
	}

	switch p.LandSource {
	case parcels.SourceTransferred:
		start := parcels.NewDate(1995, time.January, 1).AddDate(0, 0, rng.IntN(26*365))
		p.LeaseStart = parcels.Date{Time: start}
		p.LeaseEnd = parcels.Date{Time: start.AddDate(50, 0, -1)}
	case parcels.SourceCollective:
		start := parcels.NewDate(2000, time.January, 1).AddDate(0, 0, rng.IntN(20*365))
		p.LeaseStart = parcels.Date{Time: start}
		p.LeaseEnd = parcels.Date{Time: start.AddDate(20, 0, -1)}
	}

	switch u := rng.Float64(); {
	case l.inefficient:
		p.Status = parcels.StatusInefficient
	case u < 0.14:
		p.Status = parcels.StatusInefficient
	case u < 0.17:
		p.Status = parcels.StatusIdle
	case u < 0.19:
		p.Status = parcels.StatusRedeveloping
	}
	// Registered areas differ from the computed ones by a survey's worth.
	p.RegisteredAreaM2 = math.Round(l.r.area()*(1+(rng.Float64()-0.5)*0.006)*100) / 100
	return p
}

// buildingsFor lays buildings out on a grid of cells inside the lot's
// setback: an office at the front, production halls, and on larger sites a
// dormitory and a canteen. Inefficient sites get few low, small buildings.
func buildingsFor(rng *rand.Rand, l lotPlan, p *parcels.Parcel) []*parcels.Building {
	setback := 6 + math.Round(rng.Float64()*4)
	in := rect{l.r.x0 + setback, l.r.y0 + setback, l.r.x1 - setback, l.r.y1 - setback}
	if in.w() < 12 || in.h() < 12 {
		return nil
	}
	var density float64
	switch p.Status {
	case parcels.StatusIdle:
		if rng.Float64() < 0.5 {
			return nil
		}
		density = 0.04 + rng.Float64()*0.06
	case parcels.StatusInefficient:
		density = 0.10 + rng.Float64()*0.14
	default:
		density = 0.36 + rng.Float64()*0.20
	}
	const gap = 10.0 // fire separation between buildings
	cols := int(math.Max(1, math.Min(7, math.Round(in.w()/40))))
	rows := int(math.Max(1, math.Min(4, math.Round(in.h()/38))))
	if p.Status == parcels.StatusIdle || p.Status == parcels.StatusInefficient {
		cols = max(1, cols/2)
		rows = max(1, (rows+1)/2)
	}
	cw := (in.w() - gap*float64(cols-1)) / float64(cols)
	ch := (in.h() - gap*float64(rows-1)) / float64(rows)
	if cw < 8 || ch < 8 {
		cols, rows, cw, ch = 1, 1, in.w(), in.h()
	}
	cells := cols * rows
	f := math.Sqrt(density * l.r.area() / (float64(cells) * cw * ch))
	f = math.Max(0.3, math.Min(1, f))
	var out []*parcels.Building
	k := 0
	for r := range rows {
		for c := range cols {
			x0 := in.x0 + float64(c)*(cw+gap)
			y0 := in.y0 + float64(r)*(ch+gap)
			bw, bh := math.Round(cw*f*2)/2, math.Round(ch*f*2)/2
			use := parcels.UseProduction
			switch {
			case k == 0 && cells >= 2:
				use = parcels.UseOffice
				bw, bh = math.Round(bw*0.7*2)/2, math.Round(bh*0.6*2)/2
			case k == cells-1 && cells >= 4:
				use = parcels.UseDormitory
				bw, bh = math.Round(bw*0.8*2)/2, math.Round(bh*0.6*2)/2
			case k == cells-2 && cells >= 6:
				use = parcels.UseCanteen
				bw, bh = math.Round(bw*0.7*2)/2, math.Round(bh*0.5*2)/2
			}
			if p.LandUse == "0508" && use == parcels.UseProduction {
				use = parcels.UseOther // warehouses
			}
			b := rect{x0 + (cw-bw)/2, y0 + (ch-bh)/2, x0 + (cw+bw)/2, y0 + (ch+bh)/2}
			bd := &parcels.Building{Use: use, Geometry: districts[l.block.district].lonLat(withTJunctions(b, nil))}
			low := p.Status != parcels.StatusInUse && p.Status != parcels.StatusRedeveloping
			switch use {
			case parcels.UseOffice:
				bd.Floors = 3 + rng.IntN(4)
				if low {
					bd.Floors = 2 + rng.IntN(2)
				}
				bd.HeightM = 3.6*float64(bd.Floors) + 1.2
				bd.Name = "综合办公楼"
			case parcels.UseDormitory:
				bd.Floors = 4 + rng.IntN(3)
				bd.HeightM = 3.0*float64(bd.Floors) + 0.9
				bd.Name = "员工宿舍"
			case parcels.UseCanteen:
				bd.Floors = 1 + rng.IntN(2)
				bd.HeightM = 4.5 * float64(bd.Floors)
				bd.Name = "职工食堂"
			default:
				bd.Floors = []int{1, 2, 2, 3, 3, 3, 4, 4, 5}[rng.IntN(9)]
				if low {
					bd.Floors = []int{1, 1, 1, 2}[rng.IntN(4)]
				}
				if bd.Floors == 1 {
					bd.HeightM = 8 + math.Round(rng.Float64()*4*10)/10 // a single-storey hall
				} else {
					bd.HeightM = 5.5*float64(bd.Floors) + math.Round(rng.Float64()*15)/10
				}
				if use == parcels.UseOther {
					bd.Name = fmt.Sprintf("%d号仓库", k+1)
				} else {
					bd.Name = fmt.Sprintf("%d号厂房", k+1)
				}
			}
			bd.HeightM = math.Round(bd.HeightM*10) / 10
			out = append(out, bd)
			k++
		}
	}
	return out
}

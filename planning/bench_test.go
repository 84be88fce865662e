package planning

import (
	"testing"

	"landplan/parcels"
)

// BenchmarkLeftover500Real: 500 real Cambridge parcels (translated to Linhai)
// as members, detection on, the other 155 parcels as registered neighbours.
func BenchmarkLeftover500Real(b *testing.B) {
	p := mustProfile(b)
	all := loadCambridge(b)
	blk := block(all, 333, 500)
	in := LeftoverInput{Members: memberParcels(blk), Detect: true, Others: others(all, blk)}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := Leftover(p, in); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkLeftover500Grid: 500 adjacent 40×40 m members on a 26×20 grid
// with 20 cells left out (holes to detect), a ragged top edge (hull
// pockets) and 10 drawn pieces along the bottom.
func BenchmarkLeftover500Grid(b *testing.B) {
	p := mustProfile(b)
	in := gridZone()
	b.ResetTimer()
	var r *LeftoverReport
	for i := 0; i < b.N; i++ {
		var err error
		if r, err = Leftover(p, in); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(len(r.Pieces)), "pieces")
}

func gridZone() LeftoverInput {
	var in LeftoverInput
	id := int64(0)
	for i := 0; i < 26; i++ {
		for j := 0; j < 20; j++ {
			if i > 0 && i < 25 && j > 0 && j < 19 && (i*7+j*3)%22 == 0 {
				continue // a hole
			}
			if id == 500 {
				break
			}
			id++
			x, y := float64(i)*40, float64(j)*40
			h := 40.0
			if j == 19 && i%2 == 1 {
				h = 25 // ragged top: pockets between the hull and the union
			}
			in.Members = append(in.Members, member(id, rect(x, y, x+40, y+h)))
		}
	}
	for k := 0; k < 10; k++ {
		x := float64(k) * 100
		in.Pieces = append(in.Pieces, parcels.Piece{Geometry: rect(x, -10, x+60, 0)})
	}
	in.Detect = true
	return in
}

// BenchmarkIndicators10000: indicators for 10,000 parcels (one call each),
// each a 60×50 m site with three buildings; in every tenth site one building
// crosses the boundary and two overlap, which takes the overlay path.
func BenchmarkIndicators10000(b *testing.B) {
	p := mustProfile(b)
	const n = 10000
	ins := make([]SiteInput, n)
	for k := 0; k < n; k++ {
		x, y := float64(k%100)*61, float64(k/100)*51
		third := []float64{x + 40, y + 30, x + 55, y + 45}
		if k%10 == 0 {
			third = []float64{x + 30, y + 20, x + 65, y + 45} // overlaps the office, crosses the east boundary
		}
		ins[k] = SiteInput{Site: rect(x, y, x+60, y+50), ParkType: ParkRedevelopment, Buildings: []*parcels.Building{
			bld(1, parcels.UseProduction, 3, 15, []float64{x + 5, y + 5, x + 25, y + 45}),
			bld(2, parcels.UseOffice, 5, 20, []float64{x + 30, y + 5, x + 50, y + 25}),
			bld(3, parcels.UseDormitory, 6, 18, third),
		}}
	}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		for k := range ins {
			if _, err := Indicators(p, ins[k]); err != nil {
				b.Fatal(err)
			}
		}
	}
}

package realdata

import "testing"

func TestCambridgeInLinhai(t *testing.T) {
	ps := Cambridge(t)
	if len(ps) != 655 {
		t.Fatalf("%d parcels, want the 655 of shared/data/README.md", len(ps))
	}
	for _, p := range ps {
		b := p.Geometry.Bound()
		// Linhai: 120°49′–121°41′E, 28°40′–29°04′N (areas.md).
		if b.Min[0] < 120.8 || b.Max[0] > 121.7 || b.Min[1] < 28.6 || b.Max[1] > 29.1 {
			t.Fatalf("parcel %d lies at %v, outside Linhai", p.ID, b)
		}
	}
	for i := 1; i < len(ps); i++ {
		if ps[i-1].ID >= ps[i].ID {
			t.Fatalf("not sorted by id at %d", i)
		}
	}
}

package planning

import (
	"testing"

	"landplan/parcels"
)

func TestSmoke(t *testing.T) {
	p := mustProfile(t)
	r, err := Leftover(p, LeftoverInput{
		Members: []*parcels.Parcel{member(1, rect(0, 0, 100, 100)), member(2, rect(110, 0, 210, 100))},
		Pieces:  nil,
		Detect:  true,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Log(r.Text("zh"))
	t.Log(r.Text("en"))
}

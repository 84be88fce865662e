package geo

import (
	"fmt"

	"github.com/paulmach/orb"
)

// Problem is one finding of geometry validation. Indexes are 0-based in the
// code and 1-based in messages, which name the polygon, ring and vertex so a
// person can find it in a GIS or a surveyor's file.
type Problem struct {
	Code      string    `json:"code"`       // e.g. "unclosed_ring", "self_intersection"
	Polygon   int       `json:"polygon"`    // index of the polygon in the multipolygon
	Ring      int       `json:"ring"`       // 0 = shell, ≥1 = hole
	Vertex    int       `json:"vertex"`     // -1 when the problem is not at one vertex
	Point     orb.Point `json:"point"`      // where it is (e.g. the crossing point)
	Fixable   bool      `json:"fixable"`    // Repair fixes it without changing the area
	Message   string    `json:"message"`    // English, actionable
	MessageZH string    `json:"message_zh"` // Chinese, actionable
}

func (p Problem) Error() string { return p.Message }

func (p Problem) String() string { return fmt.Sprintf("%s: %s", p.Code, p.Message) }

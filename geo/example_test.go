package geo_test

import (
	"fmt"

	"github.com/paulmach/orb"

	"landplan/geo"
)

// Linhai uses CGCS2000 3° zone 40 (CM 120°E) with the zone prefix: EPSG:4528.
func ExampleZone_Forward() {
	z, _ := geo.ZoneFromEPSG(4528)
	x, y := z.Forward(121.1, 28.85) // lon, lat
	fmt.Printf("X %.4f  Y %.4f\n", x, y)
	lon, lat := z.Inverse(x, y)
	fmt.Printf("lon %.9f  lat %.9f\n", lon, lat)
	// Output:
	// X 3193141.3690  Y 40607340.7248
	// lon 121.100000000  lat 28.850000000
}

// A parcel of exactly 100 亩 on the zone-40 plane: its cadastral area is
// 66 666.667 m²; on the ellipsoid it is 19 m² smaller.
func ExampleCadastralArea() {
	z := geo.Zone3(40)
	h := 258.19888974716116 / 2 // half the side of a 100-亩 square
	x0, y0 := 3193141.369, 40607340.725
	plane := orb.MultiPolygon{{{{y0 - h, x0 - h}, {y0 + h, x0 - h}, {y0 + h, x0 + h}, {y0 - h, x0 + h}, {y0 - h, x0 - h}}}}
	parcel := z.Unproject(plane) // as it would be stored, lon/lat
	a := geo.CadastralArea(parcel, z)
	fmt.Println(geo.FormatArea(a, "zh"))
	fmt.Println(geo.FormatArea(geo.EllipsoidalArea(parcel), "en"))
	// Output:
	// 66666.67 平方米（100.000 亩，6.6667 公顷）
	// 66647.72 m² (99.972 mu, 6.6648 ha)
}

func ExampleValidateLonLat() {
	// Latitude and longitude given the wrong way round.
	g := orb.MultiPolygon{{{{28.85, 121.1}, {28.851, 121.1}, {28.851, 121.101}, {28.85, 121.101}, {28.85, 121.1}}}}
	for _, p := range geo.ValidateLonLat(g) {
		fmt.Println(p.Code)
		fmt.Println(p.MessageZH)
	}
	// Output:
	// axes_swapped
	// 第 1 个多边形外环第 1 个顶点：(28.8500000, 121.1000000) 不在中国范围内（经度 73–136，纬度 3–54），但交换坐标轴后在范围内（共 5 个顶点）；请按“经度, 纬度”（GeoJSON 顺序）给出坐标，而不是“纬度, 经度”
}

func ExampleValidate() {
	// A "bow tie": two vertices in the wrong order.
	g := orb.MultiPolygon{{{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}}}
	for _, p := range geo.Validate(g) {
		fmt.Println(p.Code, p.Point)
		fmt.Println(p.Message)
	}
	// Output:
	// self_intersection [5 5]
	// polygon 1, shell, vertex 1: the edge from vertex 1 crosses the edge from vertex 3 at (5.0000000, 5.0000000); correct the vertex order (a typical cause is two swapped vertices), or ask for make-valid to split the ring there
}

func ExampleRepair() {
	// Clockwise, with a doubled vertex: both fixable without changing the area.
	g := orb.MultiPolygon{{{{0, 0}, {0, 10}, {10, 10}, {10, 10}, {10, 0}, {0, 0}}}}
	fixed, probs := geo.Repair(g)
	for _, p := range probs {
		fmt.Println(p.Code)
	}
	fmt.Println(fixed[0][0], len(geo.Validate(fixed)))
	// Output:
	// repeated_vertex
	// wrong_orientation
	// [[0 0] [10 0] [10 10] [0 10] [0 0]] 0
}

func ExampleMakeValid() {
	bowTie := orb.MultiPolygon{{{{0, 0}, {10, 10}, {10, 0}, {0, 10}, {0, 0}}}}
	g, err := geo.MakeValid(bowTie)
	fmt.Println(len(g), geo.PlaneArea(g), err)
	// Output:
	// 2 50 <nil>
}

// Union, holes and hull pockets of parcels in plane metres.
func ExampleUnion() {
	sq := func(x, y float64) orb.MultiPolygon {
		return orb.MultiPolygon{{{{x, y}, {x + 10, y}, {x + 10, y + 10}, {x, y + 10}, {x, y}}}}
	}
	// A U of five squares around a courtyard that is open to the north.
	u, _ := geo.Union(sq(0, 0), sq(10, 0), sq(20, 0), sq(0, 10), sq(20, 10))
	p, _ := geo.HullPockets(u)
	fmt.Println(len(u), geo.PlaneArea(u), len(geo.Holes(u)), geo.PlaneArea(p))
	// Closing the courtyard turns the pocket into a hole.
	u, _ = geo.Union(u, sq(0, 20), sq(10, 20), sq(20, 20))
	p, _ = geo.HullPockets(u)
	fmt.Println(len(u), geo.PlaneArea(u), len(geo.Holes(u)), geo.PlaneArea(p))
	// Output:
	// 1 500 0 100
	// 1 800 1 0
}

func ExampleSharedBoundaryLength() {
	a := orb.MultiPolygon{{{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}}}}
	// The neighbour was surveyed 3 cm away: still adjacent along 10 m.
	b := orb.MultiPolygon{{{{10.03, 0}, {20, 0}, {20, 10}, {10.03, 10}, {10.03, 0}}}}
	// A parcel touching only at a corner shares nothing.
	c := orb.MultiPolygon{{{{10, 10}, {20, 10}, {20, 20}, {10, 20}, {10, 10}}}}
	lb, _ := geo.SharedBoundaryLength(a, b, 0.05)
	lc, _ := geo.SharedBoundaryLength(a, c, 0.05)
	fmt.Println(lb, lc)
	// Output:
	// 10 0
}

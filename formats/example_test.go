package formats_test

import (
	"fmt"
	"strings"

	"landplan/formats"
	"landplan/geo"
)

// A surveyor's file with the hole of parcel A numbered 2: 300 × 200 m minus
// 20 × 20 m is 59600 m², as declared (5.9600 公顷).
func ExampleReadTXT() {
	src := `[属性描述]
坐标系=2000国家大地坐标系
几度分带=3
带号=40
[地块坐标]
10,5.9600,A,低效工业用地A,面,,工业用地,0601,@
J1,1,3193200.000,40607000.000
J2,1,3193200.000,40607300.000
J3,1,3193000.000,40607300.000
J4,1,3193000.000,40607000.000
J1,1,3193200.000,40607000.000
J5,2,3193110.000,40607140.000
J6,2,3193090.000,40607140.000
J7,2,3193090.000,40607160.000
J8,2,3193110.000,40607160.000
J5,2,3193110.000,40607140.000
`
	f, err := formats.ReadTXT(strings.NewReader(src), formats.TXTOptions{Zone: geo.Zone3(40)})
	if err != nil {
		fmt.Println(err)
		return
	}
	p := f.Parcels[0]
	fmt.Printf("%s %s: %s, declared %.4f %s, %d warnings\n", p.Code, p.Name, geo.FormatArea(p.AreaM2, "zh"), p.DeclaredArea, p.DeclaredUnit, len(p.Warnings))
	fmt.Printf("J1 = %.7f, %.7f\n", p.Geometry[0][0][0][0], p.Geometry[0][0][0][1])
	// Output:
	// A 低效工业用地A: 59600.00 平方米（89.400 亩，5.9600 公顷）, declared 5.9600 ha, 0 warnings
	// J1 = 121.0965144, 28.8505573
}

package formats

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"math"
	"strings"

	"github.com/paulmach/orb"

	"landplan/geo"
	"landplan/parcels"
)

// TXTWriteOptions configure WriteTXT.
type TXTWriteOptions struct {
	// Zone is the zone to write in (the city's); its Prefix decides whether
	// Y carries the zone number (8 integer digits) or not (6). Required.
	Zone geo.Zone
	// Encoding is UTF-8 (default), GBK (what most surveyors' tools read;
	// refuses characters outside GBK) or GB18030.
	Encoding Encoding
	Producer string // 数据产生单位
	Date     string // 数据产生日期, e.g. 2025-01-01 (empty: left empty, so output is reproducible)
	// Zhejiang writes the 10-field "报省部标" variant with 乡镇代码 and 村名
	// (from Attrs township_code and village).
	Zhejiang bool
}

// WriteTXT writes parcels as a boundary-point coordinate file with CRLF line
// ends: 界址点数 counts every row including each ring's closing row, 地块面积
// is the cadastral area of the written coordinates in 公顷 with 4 decimals, X/Y have 3
// decimals, rings are numbered 1, 2, … within each parcel (shells before
// their holes), points J1, J2, … Shells run clockwise and holes
// counter-clockwise starting from the north-west-most point, the way
// cadastral surveys number boundary points. ReadTXT reads it back to the
// same geometry within 0.5 mm and the same areas.
//
// A parcel whose geometry is empty or not in the zone's range is an EINVALID
// error naming it; nothing is written then.
func WriteTXT(w io.Writer, ps []parcels.Parcel, opts TXTWriteOptions) error {
	z := opts.Zone
	if !z.Valid() {
		return parcels.Errorf(parcels.EINVALID, fmt.Sprintf("导出界址点文件需要有效的投影带，当前为 %v", z), "writing a boundary-point file needs a valid zone, got %v", z)
	}
	var b bytes.Buffer
	line := func(format string, args ...any) {
		fmt.Fprintf(&b, format, args...)
		b.WriteString("\r\n")
	}
	line("[属性描述]")
	line("格式版本号=1.01版本")
	line("数据产生单位=%s", clean(opts.Producer))
	line("数据产生日期=%s", clean(opts.Date))
	line("坐标系=2000国家大地坐标系")
	line("几度分带=%d", z.Width)
	line("投影类型=高斯克吕格")
	line("计量单位=米")
	line("带号=%d", z.Number)
	line("精度=0.001")
	line("转换参数=,,,,,,")
	line("[地块坐标]")
	var errs Errors
	for i := range ps {
		p := &ps[i]
		if len(p.Geometry) == 0 {
			errs = append(errs, &parcels.Error{Code: parcels.EINVALID, Feature: featureOf(p, i),
				Message: fmt.Sprintf("parcel %s has no geometry", featureOf(p, i)), MessageZH: fmt.Sprintf("宗地 %s 没有几何", featureOf(p, i))})
			continue
		}
		var rows []string
		ringNo := 0
		pt := 0
		bad := false
		var areaM2 float64 // of the coordinates as written (rounded to 1 mm), so the file agrees with itself
		for _, poly := range p.Geometry {
			for j, r := range poly {
				ringNo++
				xy := planeRing(r, z, j == 0)
				if len(xy) < 3 {
					bad = true
					continue
				}
				loc := make(orb.Ring, 0, len(xy)+1)
				first := pt + 1
				for _, q := range xy {
					pt++
					if e := q[1] - z.FalseEasting(); math.IsNaN(e) || math.Abs(e) > 400000 {
						bad = true
					}
					rows = append(rows, fmt.Sprintf("J%d,%d,%.3f,%.3f", pt, ringNo, q[0], q[1]))
					loc = append(loc, orb.Point{mm(q[1]) - mm(xy[0][1]), mm(q[0]) - mm(xy[0][0])})
				}
				rows = append(rows, fmt.Sprintf("J%d,%d,%.3f,%.3f", first, ringNo, xy[0][0], xy[0][1]))
				if a := math.Abs(geo.RingPlaneArea(loc)); j == 0 {
					areaM2 += a
				} else {
					areaM2 -= a
				}
			}
		}
		if bad {
			errs = append(errs, &parcels.Error{Code: parcels.EINVALID, Feature: featureOf(p, i),
				Message:   fmt.Sprintf("parcel %s cannot be written in %v: a ring has fewer than 3 vertices or lies more than 400 km from the central meridian", featureOf(p, i), z),
				MessageZH: fmt.Sprintf("宗地 %s 无法按 %d 度带第 %d 带写出：有环少于 3 个顶点，或距中央子午线超过 400 千米", featureOf(p, i), z.Width, z.Number)})
			continue
		}
		area := geo.HectaresFromM2(areaM2)
		use, _ := p.Attrs[AttrTXTUse].(string)
		sheet, _ := p.Attrs[AttrMapSheet].(string)
		head := fmt.Sprintf("%d,%.4f,", len(rows), area)
		if opts.Zhejiang {
			town, _ := p.Attrs[AttrTownshipCode].(string)
			village, _ := p.Attrs[AttrVillage].(string)
			head += clean(town) + "," + clean(village) + ","
		}
		line("%s%s,%s,面,%s,%s,%s,@", head, clean(p.Code), clean(p.Name), clean(sheet), clean(use), clean(p.LandUse))
		for _, r := range rows {
			line("%s", r)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	out, err := encodeText(b.String(), opts.Encoding)
	if err != nil {
		return parcels.Errorf(parcels.EINVALID, "无法按所选编码写出："+err.Error(), "%v", err)
	}
	bw := bufio.NewWriter(w)
	if _, err := bw.Write(out); err != nil {
		return err
	}
	return bw.Flush()
}

func featureOf(p *parcels.Parcel, i int) string {
	if p.Code != "" {
		return p.Code
	}
	if p.ID != 0 {
		return fmt.Sprint(p.ID)
	}
	return fmt.Sprintf("#%d", i+1)
}

// clean keeps a field from breaking the line: commas (ASCII or Chinese)
// separate fields, so they become 、 (an @ inside a field is harmless: only
// the last field of a parcel line is the @ terminator).
var fieldCleaner = strings.NewReplacer(",", "、", "，", "、", "\r", " ", "\n", " ")

func clean(s string) string { return strings.TrimSpace(fieldCleaner.Replace(s)) }

// planeRing projects a lon/lat ring to (X, Y) = (northing, easting), without
// its closing vertex, clockwise for a shell and counter-clockwise for a hole
// (in the east/north plane), starting at the north-west-most vertex.
func planeRing(r orb.Ring, z geo.Zone, shell bool) []orb.Point {
	n := len(r)
	if n > 1 && r[0] == r[n-1] {
		n--
	}
	xy := make([]orb.Point, 0, n)
	for _, q := range r[:n] {
		x, y := z.Forward(q[0], q[1])
		if k := len(xy); k > 0 && xy[k-1] == (orb.Point{x, y}) {
			continue
		}
		xy = append(xy, orb.Point{x, y})
	}
	if len(xy) < 3 {
		return xy
	}
	en := make(orb.Ring, len(xy))
	for i, q := range xy {
		en[i] = orb.Point{q[1] - xy[0][1], q[0] - xy[0][0]}
	}
	ccw := geo.RingPlaneArea(en) > 0
	if ccw == shell { // shells clockwise, holes counter-clockwise
		for i, j := 0, len(xy)-1; i < j; i, j = i+1, j-1 {
			xy[i], xy[j] = xy[j], xy[i]
		}
	}
	start := 0
	for i, q := range xy {
		s := xy[start]
		if q[0]-q[1] > s[0]-s[1] { // north-west: large X (north), small Y (east)
			start = i
		}
	}
	return append(xy[start:], xy[:start]...)
}

// mm rounds to the millimetre, as the file writes coordinates.
func mm(v float64) float64 { return math.Round(v*1000) / 1000 }

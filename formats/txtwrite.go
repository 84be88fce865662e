package formats

import (
	"bufio"
	"bytes"
	"errors"
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
// Vertices closer than 1 mm (the written precision) are merged, so the file
// reads back without repeated-point warnings. Fields are written as they
// are: 地块名称 may contain commas (ReadTXT rebuilds it from the fixed
// fields around it, with a name_commas warning); what the file cannot hold
// is refused, never changed silently (see checkFields).
//
// A parcel whose geometry is empty or not in the zone's range, or with a
// field the file cannot hold, is a bilingual EINVALID error naming it;
// nothing is written then.
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
		town, _ := p.Attrs[AttrTownshipCode].(string)
		village, _ := p.Attrs[AttrVillage].(string)
		if e := checkFields(p, i, opts, town, village, sheet, use); e != nil {
			errs = append(errs, e)
			continue
		}
		head := fmt.Sprintf("%d,%.4f,", len(rows), area)
		if opts.Zhejiang {
			head += strings.TrimSpace(town) + "," + strings.TrimSpace(village) + ","
		}
		line("%s%s,%s,面,%s,%s,%s,@", head, strings.TrimSpace(p.Code), strings.TrimSpace(p.Name), strings.TrimSpace(sheet), strings.TrimSpace(use), strings.TrimSpace(p.LandUse))
		for _, r := range rows {
			line("%s", r)
		}
	}
	if len(errs) > 0 {
		return errs
	}
	out, err := encodeText(b.String(), opts.Encoding)
	if err != nil {
		var ue *unencodable
		if errors.As(err, &ue) {
			return &parcels.Error{Code: parcels.EINVALID,
				Message:   fmt.Sprintf("the file header (数据产生单位 or 数据产生日期): %s", ue.en()),
				MessageZH: fmt.Sprintf("文件头（数据产生单位或数据产生日期）：%s", ue.zh())}
		}
		return &parcels.Error{Code: parcels.EINVALID, Message: err.Error(), MessageZH: "无法按所选编码写出：" + err.Error()}
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

// clean keeps a header value on its line.
func clean(s string) string {
	return strings.TrimSpace(strings.NewReplacer("\r", " ", "\n", " ").Replace(s))
}

// checkFields refuses, naming parcel i, what the file could not hold as
// given: ASCII commas in any field but 地块名称 (they separate fields; the
// reader rebuilds a name with commas from the fixed fields around it, but
// only one field can take them), a name with commas where the reader would
// take the line for the Zhejiang variant, line breaks, a Zhejiang line
// without a 9-digit 乡镇代码, and characters the chosen encoding lacks.
// Nothing is changed silently.
func checkFields(p *parcels.Parcel, i int, opts TXTWriteOptions, town, village, sheet, use string) *parcels.Error {
	f := featureOf(p, i)
	fail := func(en, zh string) *parcels.Error {
		return &parcels.Error{Code: parcels.EINVALID, Feature: f,
			Message:   fmt.Sprintf("parcel %s cannot be written as a boundary-point file: %s", f, en),
			MessageZH: fmt.Sprintf("宗地 %s 无法写入界址点文件：%s", f, zh)}
	}
	type field struct{ en, zh, v string }
	fs := []field{{"地块编号 (code)", "地块编号", p.Code}, {"地块名称 (name)", "地块名称", p.Name}, {"图幅号 (map sheet)", "图幅号", sheet},
		{"地块用途 (land use)", "地块用途", use}, {"地类编码 (land class)", "地类编码", p.LandUse}}
	if opts.Zhejiang {
		fs = append(fs, field{"乡镇代码 (township code)", "乡镇代码", town}, field{"村名 (village)", "村名", village})
	}
	for k, fd := range fs {
		if strings.ContainsAny(fd.v, "\r\n") {
			return fail(fmt.Sprintf("%s %q contains a line break", fd.en, fd.v), fmt.Sprintf("%s“%s”中含有换行符", fd.zh, fd.v))
		}
		if k != 1 && strings.Contains(fd.v, ",") {
			return fail(fmt.Sprintf("%s %q contains a comma, which separates the fields of the line: only 地块名称 may contain commas", fd.en, fd.v),
				fmt.Sprintf("%s“%s”中含有逗号，而逗号是字段分隔符：只有地块名称可以含逗号", fd.zh, fd.v))
		}
	}
	if opts.Zhejiang && !isTownshipCode(strings.TrimSpace(town)) {
		return fail(fmt.Sprintf("the Zhejiang variant needs a 9-digit 乡镇代码 (township code), the parcel has %q", town),
			fmt.Sprintf("浙江报省部标格式需要 9 位数字的乡镇代码，该宗地为“%s”", town))
	}
	if !opts.Zhejiang && strings.Contains(p.Name, ",") && isTownshipCode(strings.TrimSpace(p.Code)) {
		return fail(fmt.Sprintf("地块名称 %q contains a comma and 地块编号 %s is 9 digits: the line would be read as the Zhejiang variant; write the comma in the name as ，", p.Name, p.Code),
			fmt.Sprintf("地块名称“%s”含有逗号且地块编号 %s 为 9 位数字：该行会被误读为浙江报省部标格式；请把名称中的逗号写作“，”", p.Name, p.Code))
	}
	if opts.Encoding == GBK {
		for _, fd := range fs {
			if _, err := encodeText(fd.v, GBK); err != nil {
				var ue *unencodable
				if errors.As(err, &ue) {
					return fail(fmt.Sprintf("%s %q: %s", fd.en, fd.v, ue.en()), fmt.Sprintf("%s“%s”：%s", fd.zh, fd.v, ue.zh()))
				}
				return fail(err.Error(), err.Error())
			}
		}
	}
	return nil
}

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
		// Rounded as written: vertices closer than 1 mm would be written as
		// one point twice, which reads back as a repeated point.
		x, y := z.Forward(q[0], q[1])
		x, y = mm(x), mm(y)
		if k := len(xy); k > 0 && xy[k-1] == (orb.Point{x, y}) {
			continue
		}
		xy = append(xy, orb.Point{x, y})
	}
	for len(xy) > 1 && xy[len(xy)-1] == xy[0] {
		xy = xy[:len(xy)-1]
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

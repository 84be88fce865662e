package formats

import (
	"bytes"
	"fmt"
	"slices"
	"strings"
	"testing"

	"landplan/geo"
)

// header builds a file: [属性描述] with the given lines (line 2 on), then
// one square parcel whose Y values carry prefix (or none when "").
func header(prefix string, lines ...string) string {
	rows := strings.ReplaceAll(square, ",4060", ","+prefix+"60")
	return "[属性描述]\n" + strings.Join(lines, "\n") + "\n[地块坐标]\n5,6.0000,A,a,面,,工业用地,0601,@\n" + rows
}

// 投影类型=UTM was accepted as Gauss–Krüger ("UTM" contains "TM"): UTM
// coordinates are scaled 0.9996 and would be read hundreds of metres off.
func TestReadTXTProjectionType(t *testing.T) {
	for _, v := range []string{"UTM", "utm", "UTM投影", "通用横轴墨卡托", "通用横轴墨卡托投影", "Universal Transverse Mercator"} {
		_, err := rd(t, header("40", "坐标系=2000国家大地坐标系", "投影类型="+v, "带号=40"))
		es := asErrors(t, err)
		if len(es) != 1 || es[0].Feature != "" || !strings.Contains(es[0].Message, "(line 3), the UTM projection") ||
			!strings.Contains(es[0].MessageZH, "（第 3 行），即 UTM（通用横轴墨卡托）投影") {
			t.Errorf("%s: %v", v, es)
		}
	}
	for _, v := range []string{"高斯克吕格", "高斯-克吕格", "高斯–克吕格投影", "横轴墨卡托", "TM", "Gauss-Kruger", "Gauss-Krüger", "Gauss Kruger", "Transverse Mercator"} {
		if _, err := rd(t, header("40", "坐标系=2000国家大地坐标系", "投影类型="+v, "带号=40")); err != nil {
			t.Errorf("%s: %v", v, err)
		}
	}
	_, err := rd(t, header("40", "投影类型=兰伯特", "带号=40"))
	if es := asErrors(t, err); !strings.Contains(es[0].Message, "only Gauss–Krüger") {
		t.Errorf("%v", es)
	}
}

// 中央子午线 was ignored: it is checked against 带号, the Y prefix and the
// configured zone, and two different 带号 lines are a conflict.
func TestReadTXTCentralMeridian(t *testing.T) {
	const crs = "坐标系=2000国家大地坐标系"
	for _, c := range []struct {
		name, src string
		opts      TXTOptions
		en, zh    string
	}{
		{"against 带号", header("40", crs, "中央子午线=117", "带号=40"), TXTOptions{Zone: linhai},
			"zone conflict: 中央子午线=117 (line 3) is not the central meridian of 带号=40 (line 4), which in 3° zones", "带号冲突：中央子午线=117（第 3 行）不是带号=40（第 4 行）的中央子午线"},
		{"against the prefix", header("40", crs, "几度分带=3", "中央经线=117°00′00″"), TXTOptions{Zone: linhai},
			"中央经线=117 (line 4) is not the central meridian of the zone prefix 40 of the Y values (first on line 7)", "Y 坐标的带号前缀 40（首次出现在第 7 行）"},
		{"against the configuration", header("", crs, "中央子午线=117"), TXTOptions{Zone: linhai},
			"is not the central meridian of the city's configured zone 40", "本市配置的第 40 带"},
		{"two 带号", header("", crs, "带号=40", "带号=39"), TXTOptions{Zone: linhai},
			"two different zone number values: 带号=40 (line 3) and 带号=39 (line 4)", "文件头给出了两个不同的带号：带号=40（第 3 行）与 带号=39（第 4 行）"},
		{"two central meridians", header("40", crs, "中央子午线=120", "中央经线=117"), TXTOptions{Zone: linhai},
			"two different central meridian values", "两个不同的中央子午线"},
		{"not a zone's meridian", header("40", crs, "中央子午线=120.5", "带号=40"), TXTOptions{Zone: linhai},
			"中央子午线=120.5 (line 3) is not the central meridian of a Gauss–Krüger zone", "不是高斯-克吕格投影带的中央子午线"},
		{"not a 6° meridian", header("", crs, "几度分带=6", "中央子午线=120"), TXTOptions{},
			"is not the central meridian of a 6° zone", "不是 6 度带"},
	} {
		_, err := ReadTXT(strings.NewReader(c.src), c.opts)
		es := asErrors(t, err)
		if len(es) != 1 || es[0].Feature != "" || !strings.Contains(es[0].Message, c.en) || !strings.Contains(es[0].MessageZH, c.zh) {
			t.Errorf("%s: %v / %s", c.name, es, es[0].MessageZH)
		}
	}
	for _, c := range []struct {
		name, src string
		opts      TXTOptions
		zone      geo.Zone
	}{
		{"agrees", header("40", crs, "中央子午线=120", "带号=40"), TXTOptions{Zone: linhai}, linhai},
		{"only the meridian", header("", crs, "中央子午线=E117"), TXTOptions{}, geo.Zone{Width: 3, Number: 39}},
		{"meridian decides 6°", header("20", crs, "中央子午线=117度", "带号=20"), TXTOptions{}, geo.Zone{Width: 6, Number: 20, Prefix: true}},
		{"same 带号 twice", header("40", crs, "带号=40", "投影带号=40"), TXTOptions{}, linhai},
	} {
		f, err := ReadTXT(strings.NewReader(c.src), c.opts)
		if err != nil || f.Zone != c.zone {
			t.Errorf("%s: %v, zone %v", c.name, err, f.Zone)
		}
	}
}

// utf16 encodes s as UTF-16 with a BOM, putting unit u in place of each X.
func utf16(s string, be bool, u uint16) []byte {
	units := []uint16{0xFEFF}
	for _, r := range s {
		switch {
		case r == 'X':
			units = append(units, u)
		case r > 0xFFFF:
			r -= 0x10000
			units = append(units, uint16(0xD800+(r>>10)), uint16(0xDC00+(r&0x3FF)))
		default:
			units = append(units, uint16(r))
		}
	}
	var b []byte
	for _, v := range units {
		if be {
			b = append(b, byte(v>>8), byte(v))
		} else {
			b = append(b, byte(v), byte(v>>8))
		}
	}
	return b
}

// An unpaired surrogate in UTF-16 became U+FFFD silently: the line is
// reported. A proper pair (𠮷) is read.
func TestReadTXTUTF16UnpairedSurrogate(t *testing.T) {
	src := head40 + "5,6.0000,A,名X称,面,,工业用地,0601,@\n" + square
	for _, be := range []bool{false, true} {
		for _, u := range []uint16{0xD800, 0xDC00} {
			_, err := ReadTXT(bytes.NewReader(utf16(src, be, u)), TXTOptions{})
			es := asErrors(t, err)
			if len(es) != 1 || !strings.Contains(es[0].Message, fmt.Sprintf("line 6 is not valid UTF-16%s: it holds an unpaired surrogate (code unit 0x%04X)", map[bool]string{false: "LE", true: "BE"}[be], u)) ||
				!strings.Contains(es[0].MessageZH, "第 6 行不是有效的") {
				t.Errorf("BE %v, %04X: %v", be, u, es)
			}
		}
	}
	f, err := ReadTXT(bytes.NewReader(utf16(strings.Replace(src, "X", "𠮷", 1), false, 0)), TXTOptions{})
	if err != nil || f.Parcels[0].Name != "名𠮷称" {
		t.Fatalf("%v", err)
	}
	// Without a BOM too (the zero bytes tell UTF-16).
	if _, err := ReadTXT(bytes.NewReader(utf16(src, false, 0xD800)[2:]), TXTOptions{}); err == nil || !strings.Contains(err.Error(), "line 6") {
		t.Errorf("no BOM: %v", err)
	}
}

// Header values typed with a full-width input method or with the unit
// spelt out are accepted; a declared area that cannot be read is a warning
// (it is only ever compared), one with its unit is read in that unit.
func TestReadTXTLenientHeaderAndArea(t *testing.T) {
	for _, c := range []struct{ name, src string }{
		{"full-width digits in 坐标系", header("40", "坐标系=２０００国家大地坐标系", "带号=40")},
		{"full-width 带号", header("40", "坐标系=2000国家大地坐标系", "带号=４０")},
		{"计量单位=米(m)", header("40", "坐标系=2000国家大地坐标系", "带号=40", "计量单位=米(m)")},
		{"计量单位=米（M）", header("40", "坐标系=2000国家大地坐标系", "带号=40", "计量单位=米（M）")},
	} {
		f, err := rd(t, c.src)
		if err != nil || f.Zone != linhai || len(f.Parcels[0].Warnings) != 0 {
			t.Errorf("%s: %v", c.name, err)
		}
	}
	if _, err := rd(t, header("40", "带号=40", "计量单位=英尺")); err == nil || !strings.Contains(err.Error(), "计量单位 is \"英尺\"") {
		t.Errorf("feet: %v", err)
	}
	for _, c := range []struct {
		area, unit string
		m2         float64
		warns      []string
	}{
		{"6.0000公顷", "ha", 60000, nil},
		{"60000平方米", "m2", 60000, nil},
		{"60000m²", "m2", 60000, nil},
		{"6ha", "ha", 60000, nil},
		{"60000", "m2", 60000, []string{WarnAreaUnitM2}},
		{"约6公顷", "", 0, []string{WarnAreaUnreadable}},
		{"6.0.0", "", 0, []string{WarnAreaUnreadable}},
	} {
		f, err := rd(t, head40+"5,"+c.area+",A,a,面,,工业用地,0601,@\n"+square)
		if err != nil {
			t.Errorf("%s: %v", c.area, err)
			continue
		}
		p := f.Parcels[0]
		if p.DeclaredUnit != c.unit || p.DeclaredAreaM2 != c.m2 || p.AreaM2 != 60000 || !slices.Equal(warnCodes(p.Warnings), c.warns) {
			t.Errorf("%s: unit %q, %.2f m², warnings %v", c.area, p.DeclaredUnit, p.DeclaredAreaM2, warnCodes(p.Warnings))
		}
	}
}

// Line ends CR alone, NUL padding and a byte-order mark inside the file
// (files joined together) left no parcels.
func TestReadTXTLineEndsAndPadding(t *testing.T) {
	base := head40 + "5,6.0000,A,名称,面,,工业用地,0601,@\n" + square
	for _, c := range []struct {
		name string
		b    []byte
		enc  Encoding
		line int
	}{
		{"NUL padding", []byte(base + "\x00\x00\x00\x00"), UTF8, 6},
		{"CR only", []byte(strings.ReplaceAll(base, "\n", "\r")), UTF8, 6},
		{"mixed CRLF, LF, blank lines", []byte(strings.Replace(strings.ReplaceAll(base, "\n", "\r\n"), "\r\n", "\n\n", 5)), UTF8, 11},
		{"BOM inside", []byte("\ufeff" + strings.Replace(base, "[地块坐标]", "\ufeff[地块坐标]", 1)), UTF8BOM, 6},
	} {
		f, err := ReadTXT(bytes.NewReader(c.b), TXTOptions{})
		if err != nil || f.Encoding != c.enc || len(f.Parcels) != 1 || f.Parcels[0].AreaM2 != 60000 || f.Parcels[0].Line != c.line {
			t.Errorf("%s: %v", c.name, err)
		}
	}
}
